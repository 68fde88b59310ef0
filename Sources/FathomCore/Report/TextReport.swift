/// The analysis as text: the image summary, dive's figures and fathom's, the inefficient files,
/// the layers that ship bytes for nothing, and duplicates. What `--ci` prints before its rules,
/// and what `fathom IMAGE` prints when standard output is not a terminal.
public enum TextReport {
    /// - Parameters:
    ///   - top: At most this many inefficient files are listed; a line says how many more.
    ///   - color: Bold headings with ANSI escapes.
    ///   - largest: How many of the final filesystem's largest files and directories are listed.
    ///   - packages: The image's packages (`PackageHistory.read`), listed after the largest paths; nil: not listed.
    public static func render(_ a: Analysis, top: Int = 20, largest: Int = 10, color: Bool = false,
                              packages: PackageHistory? = nil) -> String {
        let bold = { (s: String) in color ? TerminalText.styled(s, sgr: "1") : s }
        let m = a.dive.metrics
        var out = TextSummary.render(a.image)
        // every line escaped: paths, commands and advice quote the image (a newline must not forge a line)
        func line(_ s: String) { out += TerminalText.escape(s) + "\n" }
        out += "\n"
        line(bold("Analysis:"))
        line("  efficiency:          \(percent(m.efficiency))")
        line("  wastedBytes:         \(m.wastedBytes) bytes (\(ByteFormat.si(m.wastedBytes)))")
        line("  userWastedPercent:   \(m.userWastedPercent.map(percent) ?? "undefined (no bytes above the base layer)")")
        line("  reclaimableBytes:    \(a.reclaimableBytes) bytes (\(ByteFormat.si(a.reclaimableBytes))) of \(a.shippedBytes) shipped; "
            + "the final filesystem shows \(a.finalBytes)")
        line(bold("Inefficient Files:"))
        line("Count  Wasted Space  File Path")
        if m.inefficientFiles.isEmpty { line("None") }
        for f in m.inefficientFiles.prefix(max(top, 0)) {
            line(pad(String(f.count), 5) + "  " + pad(ByteFormat.si(f.sizeBytes), 12) + "  " + f.path)
        }
        if m.inefficientFiles.count > top {
            line("  … and \(m.inefficientFiles.count - top) more (--ci-top N lists more)")
        }
        let wasteful = a.layerFigures.enumerated().filter { $0.element.reclaimableBytes > 0 }
        if !wasteful.isEmpty {
            line(bold("Layers shipping bytes a later layer hides:"))
            for (i, f) in wasteful {
                let by = f.hiddenBy.map {
                    $0.layer == i ? "itself, a path written twice (\(ByteFormat.si($0.bytes)))" : "layer \($0.layer) (\(ByteFormat.si($0.bytes)))"
                }.joined(separator: ", ")
                line("  layer \(i): \(ByteFormat.si(f.reclaimableBytes)) hidden by \(by)")
            }
        }
        // the groups worth a look: files of the advice's threshold (10 kB) or more; --json lists every group
        let duplicates = a.duplicates.filter { $0.sizeBytes >= Advisor.duplicateThresholdBytes }
        if !duplicates.isEmpty {
            let extra = duplicates.reduce(Int64(0)) { $0 + $1.extraBytes }
            let groups = duplicates.count == 1 ? "1 group" : "\(duplicates.count) groups"
            let smaller = a.duplicates.count - duplicates.count
            line(bold("Duplicate content:") + " \(groups) of files of 10 kB or more, \(ByteFormat.si(extra)) in extra copies"
                 + (smaller > 0 ? " (\(plural(smaller, "group")) of smaller files not listed)" : ""))
            for g in duplicates.prefix(5) {
                var paths = g.paths.prefix(4).map { "/" + $0 }.joined(separator: ", ")
                if g.paths.count > 4 { paths += ", … (\(g.paths.count - 4) more)" }
                line("  \(g.paths.count) × \(ByteFormat.si(g.sizeBytes))  \(paths)")
            }
            if duplicates.count > 5 { line("  … and \(duplicates.count - 5) more groups (--json lists all)") }
        }
        if largest > 0 {
            let l = LargestPaths(a.replay, top: largest)
            line(bold("Largest in the final filesystem:") + " files, then directories (--top N lists more)")
            for e in l.files { line(pad(ByteFormat.si(e.bytes), 9) + "  " + e.path) }
            for e in l.directories { line(pad(ByteFormat.si(e.bytes), 9) + "  " + e.path + "/") }
        }
        if let packages, !packages.isEmpty {
            let lines = PackageText.lines(packages)
            line(bold(lines[0]))
            for l in lines.dropFirst() { line(l) }
        }
        if a.advice.isEmpty { line(bold("Advice:") + " none: nothing to reclaim, no secret, not root") }
        if !a.advice.isEmpty {
            line(bold("Advice:"))
            for f in a.advice {
                let bytes = f.reclaimableBytes > 0 ? " [\(ByteFormat.si(f.reclaimableBytes))]" : ""
                line("  \(f.severity.rawValue.uppercased()) \(f.rule)\(bytes): \(f.title)")
                for p in f.paths.prefix(3) {
                    let layers = p.layers.isEmpty ? "" : " in layer\(p.layers.count == 1 ? "" : "s") " + p.layers.map(String.init).joined(separator: ", ")
                    line("      \(p.path)" + (p.bytes > 0 ? " (\(ByteFormat.si(p.bytes)))" : "") + layers)
                }
                if f.pathCount > 3 { line("      … and \(f.pathCount - 3) more") }
                line("    fix: \(f.fix)")
            }
        }
        if !a.warnings.isEmpty {
            line(bold("Warnings:"))
            for w in a.warnings { line("  \(w)") }
        }
        return out
    }

    /// `98.4421 %`, as dive's `%2.4f %%`.
    static func percent(_ ratio: Double) -> String {
        let scaled = (ratio * 100 * 10000).rounded() / 10000
        var s = String(format: "%.4f", scaled)
        if s == "-0.0000" { s = "0.0000" }
        return s + " %"
    }

    static func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
}

import Foundation
