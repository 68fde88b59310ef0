import Foundation

/// `fathom diff` as text: the layers NEW shares with OLD and what it must download, the totals
/// side by side, the config changes, the advice fixed and introduced, and the largest file and
/// directory deltas.
public enum DiffTextReport {
    /// - Parameters:
    ///   - top: At most this many changed paths, and this many directories, are listed (largest absolute delta first).
    ///   - color: Bold headings, and deltas red for growth and green for shrinkage, with ANSI escapes.
    /// - Returns: Lines ending in `\n`.
    public static func render(_ d: ImageDiff, top: Int = 20, color: Bool = false) -> String {
        let bold = { (s: String) in color ? TerminalText.styled(s, sgr: "1") : s }
        let signed = { (v: Int64) in color && v != 0 ? TerminalText.styled(signedBytes(v), sgr: v > 0 ? "31" : "32") : signedBytes(v) }
        var out = ""
        // every line escaped: paths, names, commands and env keys are the images' (a newline must not forge a line)
        func line(_ s: String = "") { out += TerminalText.escape(s) + "\n" }

        line(bold("Comparing:"))
        for (label, a) in [("OLD", d.old), ("NEW", d.new)] {
            let names = a.image.names.isEmpty ? "" : ", " + a.image.names.joined(separator: ", ")
            line("  \(label)  \(a.image.archivePath) (\(a.image.layout.rawValue)\(names), \(a.image.layers.count) layers)")
        }

        let l = d.layers
        let shared = l.layers.filter(\.shared).count
        line()
        line(bold("Layers:") + " \(shared) of NEW's \(l.layers.count) shared with OLD (same diff ID), \(l.layers.count - shared) new; "
             + "\(l.dropped.count) of OLD's \(d.old.image.layers.count) dropped")
        if let miss = l.firstCacheMiss {
            line("  first cache miss: layer \(miss.index): \(LayerCommand.display(miss.command, comment: miss.comment))")
        } else {
            line("  first cache miss: none (NEW's layers are OLD's first \(l.layers.count))")
        }
        if l.baseLayersChanged { line("  base changed: NEW's first layer is not OLD's first layer") }
        let blobs = l.layers.filter(\.downloaded).count
        let measure = switch l.downloadMeasure {
        case .compressed: "compressed, as stored"
        case .uncompressed: "uncompressed, as stored"
        case .mixed: "as stored, some compressed, some not"
        case .nothing: "nothing to pull"
        }
        line("  download given OLD: \(l.downloadBytes) bytes (\(ByteFormat.si(l.downloadBytes))) in \(blobs) "
             + "\(blobs == 1 ? "blob" : "blobs"), \(measure)")
        var rows: [[String]] = [["#", "layer", "stored", "compression", "command"]]
        for x in l.layers {
            let status = x.oldIndex.map { "shared (OLD \($0))" } ?? (x.downloaded ? "new" : "new (repeat)")
            rows.append(["\(x.index)", status, ByteFormat.si(x.storedBytes), x.compression.rawValue,
                         TextSummary.truncated(LayerCommand.display(x.command, comment: x.comment), 100)])
        }
        table(rows, rightAligned: [0, 2], into: &out)
        for x in l.dropped {
            line("  dropped OLD layer \(x.index): \(TextSummary.truncated(LayerCommand.display(x.command, comment: x.comment), 100))")
        }

        let t = d.totals
        line()
        line(bold("Totals:"))
        var totals: [[String]] = [["", "OLD", "NEW", "delta"]]
        for (name, v) in [("finalBytes", t.finalBytes), ("shippedBytes", t.shippedBytes),
                          ("reclaimableBytes", t.reclaimableBytes), ("wastedBytes", t.wastedBytes)] {
            totals.append([name, "\(v.old)", "\(v.new)", signedCount(v.delta)])
        }
        totals.append(["efficiency", percent(t.efficiency.old), percent(t.efficiency.new),
                       (t.efficiency.delta >= 0 ? "+" : "") + String(format: "%.4f", t.efficiency.delta * 100) + " pt"])
        totals.append(["layers", "\(t.layers.old)", "\(t.layers.new)", signedCount(Int64(t.layers.delta))])
        table(totals, rightAligned: [1, 2, 3], into: &out)
        if let g = t.growthRatio { line("  growth: \(signed(t.finalBytes.delta)) (\(String(format: "%+.2f", g * 100)) %)") }

        let c = d.config
        line()
        line(bold("Config:") + (c.isEmpty ? " no changes to user, entrypoint, cmd, exposed ports or env keys" : ""))
        if let u = c.user { line("  user: \(userText(u.old)) → \(userText(u.new))") }
        if let e = c.entrypoint { line("  entrypoint: \(listText(e.old)) → \(listText(e.new))") }
        if let x = c.cmd { line("  cmd: \(listText(x.old)) → \(listText(x.new))") }
        if !c.exposedPortsAdded.isEmpty { line("  exposed ports added: \(c.exposedPortsAdded.joined(separator: ", "))") }
        if !c.exposedPortsRemoved.isEmpty { line("  exposed ports removed: \(c.exposedPortsRemoved.joined(separator: ", "))") }
        if !c.envKeysAdded.isEmpty { line("  env keys added: \(c.envKeysAdded.joined(separator: ", "))") }
        if !c.envKeysRemoved.isEmpty { line("  env keys removed: \(c.envKeysRemoved.joined(separator: ", "))") }
        if !c.envKeysChanged.isEmpty { line("  env keys with a new value (values not shown): \(c.envKeysChanged.joined(separator: ", "))") }

        let a = d.advice
        line()
        line(bold("Advice:") + (a.entries.isEmpty ? " none in either image" : " " + AdviceComparison.Status.allCases
            .filter { a.count($0) > 0 }.map { "\(a.count($0)) \($0.rawValue)" }.joined(separator: ", ")))
        for e in a.entries {
            func facts(_ bytes: Int64, _ paths: Int, _ findings: Int) -> [String] {
                (findings > 1 ? [plural(findings, "finding")] : []) + (bytes > 0 ? [ByteFormat.si(bytes)] : [])
                    + (paths > 0 ? [plural(paths, "path")] : [])
            }
            let what: [String] = switch e.status {
            case .fixed: facts(e.reclaimableBytes.old, e.paths.old, e.findings.old)
            case .introduced, .unchanged: facts(e.reclaimableBytes.new, e.paths.new, e.findings.new)
            case .smaller, .larger:
                (e.reclaimableBytes.old == e.reclaimableBytes.new ? []
                    : ["\(ByteFormat.si(e.reclaimableBytes.old)) → \(ByteFormat.si(e.reclaimableBytes.new))"])
                    + (e.paths.old == e.paths.new ? [] : ["\(e.paths.old) → \(plural(e.paths.new, "path"))"])
            }
            let status = e.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            let severity = e.severity.rawValue.uppercased().padding(toLength: 6, withPad: " ", startingAt: 0)
            line("  \(status) \(severity) \(e.rule)" + (what.isEmpty ? "" : " (" + what.joined(separator: ", ") + ")")
                 + ": " + TextSummary.truncated(e.title, 110))
        }

        let p = d.packages
        if !p.isEmpty {
            line()
            line(bold("Packages:") + " " + PackageComparison.Kind.allCases.map { "\(p.count($0)) \($0.rawValue)" }.joined(separator: ", ")
                 + ", \(p.unchanged) unchanged")
            for e in p.entries.prefix(max(top, 0)) {
                let versions = switch e.kind {
                case .added: e.newVersion ?? ""
                case .removed: e.oldVersion ?? ""
                case .changed: "\(e.oldVersion ?? "") → \(e.newVersion ?? "")"
                }
                line(pad(signedBytes(e.deltaBytes), 10) + "  " + e.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                     + " \(e.name) \(versions)")
            }
            if p.entries.count > top { line("  … and \(p.entries.count - top) more (--top N lists more)") }
        }

        let f = d.files
        line()
        line(bold("Files:") + " " + FileChangeKind.allCases.map { "\(f.count($0)) \(kindLabel($0))" }.joined(separator: ", "))
        line("  bytes of all paths (a hardlink counts at each of its paths): \(f.bytesBefore) → \(f.bytesAfter) (\(signed(f.deltaBytes)))")
        if !f.changes.isEmpty {
            let shown = f.largestChanges(top)
            line(bold("Largest changes") + " (\(shown.count) of \(f.changes.count) by absolute delta; --top N lists more):")
            for x in shown {
                line(pad(signedBytes(x.deltaBytes), 10) + "  " + kindLabel(x.change).padding(toLength: 13, withPad: " ", startingAt: 0)
                     + "  " + TerminalText.escape(bytes: x.pathBytes) + typeNote(x))
            }
        }
        let moves = f.moves
        if !moves.isEmpty {
            let bytes = moves.reduce(Int64(0)) { $0 + $1.bytesAfter }
            line(bold("Moved") + " (the same content at another path, not counted as growth): \(moves.count) files, \(ByteFormat.si(bytes)):")
            for x in moves.prefix(top) {
                line(pad(ByteFormat.si(x.bytesAfter), 10) + "  " + TerminalText.escape(bytes: x.movedFromBytes ?? []) + " → " + TerminalText.escape(bytes: x.pathBytes))
            }
        }
        if !f.directories.isEmpty {
            let shown = f.largestDirectories(top)
            line(bold("Largest directory changes") + " (\(shown.count) of \(f.directories.count)):")
            for x in shown {
                line(pad(signedBytes(x.deltaBytes), 10) + "  " + pad(ByteFormat.si(x.bytesBefore), 8) + " → "
                     + pad(ByteFormat.si(x.bytesAfter), 8) + "  " + TerminalText.escape(bytes: x.pathBytes) + "/")
            }
        }
        return out
    }

    static func kindLabel(_ k: FileChangeKind) -> String {
        switch k {
        case .added: "added"
        case .removed: "removed"
        case .modified: "modified"
        case .metadataOnly: "metadata-only"
        case .typeChanged: "type changed"
        case .moved: "moved"
        }
    }

    private static func typeNote(_ x: FileChange) -> String {
        guard x.change == .typeChanged, let b = x.kindBefore, let a = x.kindAfter else { return "" }
        return "  (\(b.name) → \(a.name))"
    }

    /// `+12 kB`, `-1.2 MB`, `0 B`.
    static func signedBytes(_ v: Int64) -> String { (v > 0 ? "+" : v < 0 ? "-" : "") + ByteFormat.si(v == .min ? .max : abs(v)) }

    private static func signedCount(_ v: Int64) -> String { v > 0 ? "+\(v)" : "\(v)" }

    private static func percent(_ v: Double) -> String { String(format: "%.4f %%", v * 100) }

    private static func userText(_ u: String) -> String { u.isEmpty ? "(not set: root)" : "\"\(u)\"" }

    private static func listText(_ list: [String]?) -> String {
        guard let list else { return "(not set)" }
        return "[" + list.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    private static func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

    /// Rows as aligned columns (the last column unpadded), indented two spaces.
    private static func table(_ rows: [[String]], rightAligned: Set<Int>, into out: inout String) {
        guard let columns = rows.first?.count else { return }
        let widths = (0..<columns).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            var cells: [String] = []
            for c in 0..<columns {
                if c == columns - 1 { cells.append(row[c]); break }
                let padding = String(repeating: " ", count: widths[c] - row[c].count)
                cells.append(rightAligned.contains(c) ? padding + row[c] : row[c] + padding)
            }
            out += TerminalText.escape("  " + cells.joined(separator: "  ").trimmingTrailingSpaces()) + "\n"
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
