/// The analysis as text: the image summary, dive's figures and fathom's, the inefficient files,
/// the layers that ship bytes for nothing, and duplicates. What `--ci` prints before its rules,
/// and what `fathom IMAGE` prints when standard output is not a terminal.
public enum TextReport {
    /// - Parameters:
    ///   - top: At most this many inefficient files are listed; a line says how many more.
    ///   - color: Bold headings with ANSI escapes.
    public static func render(_ a: Analysis, top: Int = 20, color: Bool = false) -> String {
        let bold = { (s: String) in color ? TerminalText.styled(s, sgr: "1") : s }
        let m = a.dive.metrics
        var out = TextSummary.render(a.image)
        out += "\n" + bold("Analysis:") + "\n"
        out += "  efficiency:          \(percent(m.efficiency))\n"
        out += "  wastedBytes:         \(m.wastedBytes) bytes (\(ByteFormat.si(m.wastedBytes)))\n"
        out += "  userWastedPercent:   \(m.userWastedPercent.map(percent) ?? "undefined (no bytes above the base layer)")\n"
        out += "  reclaimableBytes:    \(a.reclaimableBytes) bytes (\(ByteFormat.si(a.reclaimableBytes))) of \(a.shippedBytes) shipped; "
            + "the final filesystem shows \(a.finalBytes)\n"
        out += bold("Inefficient Files:") + "\n"
        out += "Count  Wasted Space  File Path\n"
        if m.inefficientFiles.isEmpty { out += "None\n" }
        for f in m.inefficientFiles.prefix(max(top, 0)) {
            out += pad(String(f.count), 5) + "  " + pad(ByteFormat.si(f.sizeBytes), 12) + "  " + f.path + "\n"
        }
        if m.inefficientFiles.count > top {
            out += "  … and \(m.inefficientFiles.count - top) more (--ci-top N lists more)\n"
        }
        let wasteful = a.layerFigures.enumerated().filter { $0.element.reclaimableBytes > 0 }
        if !wasteful.isEmpty {
            out += bold("Layers shipping bytes a later layer hides:") + "\n"
            for (i, f) in wasteful {
                let by = f.hiddenBy.map {
                    $0.layer == i ? "itself, a path written twice (\(ByteFormat.si($0.bytes)))" : "layer \($0.layer) (\(ByteFormat.si($0.bytes)))"
                }.joined(separator: ", ")
                out += "  layer \(i): \(ByteFormat.si(f.reclaimableBytes)) hidden by \(by)\n"
            }
        }
        if !a.duplicates.isEmpty {
            let extra = a.duplicates.reduce(Int64(0)) { $0 + $1.extraBytes }
            let groups = a.duplicates.count == 1 ? "1 group" : "\(a.duplicates.count) groups"
            out += bold("Duplicate content:") + " \(groups), \(ByteFormat.si(extra)) in extra copies\n"
            for g in a.duplicates.prefix(5) {
                var paths = g.paths.prefix(4).map { "/" + $0 }.joined(separator: ", ")
                if g.paths.count > 4 { paths += ", … (\(g.paths.count - 4) more)" }
                out += "  \(g.paths.count) × \(ByteFormat.si(g.sizeBytes))  \(paths)\n"
            }
            if a.duplicates.count > 5 { out += "  … and \(a.duplicates.count - 5) more groups (--json lists all)\n" }
        }
        if !a.advice.isEmpty {
            out += bold("Advice:") + "\n"
            for f in a.advice {
                let bytes = f.reclaimableBytes > 0 ? " [\(ByteFormat.si(f.reclaimableBytes))]" : ""
                out += "  \(f.severity.rawValue.uppercased()) \(f.rule)\(bytes): \(f.title)\n"
                for p in f.paths.prefix(3) {
                    out += "      \(p.path)" + (p.bytes > 0 ? " (\(ByteFormat.si(p.bytes)))" : "") + "\n"
                }
                if f.pathCount > 3 { out += "      … and \(f.pathCount - 3) more\n" }
                out += "    fix: \(f.fix)\n"
            }
        }
        if !a.warnings.isEmpty {
            out += bold("Warnings:") + "\n"
            for w in a.warnings { out += "  \(w)\n" }
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
