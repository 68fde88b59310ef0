/// Evaluates the diff rules on a comparison (strict comparisons: a value equal to the threshold passes, as dive).
public struct DiffGate: Sendable {
    /// A rule, its threshold, the measured value and the outcome.
    public struct Result: Sendable {
        public var rule: DiffRule
        public var threshold: CIThreshold
        public var outcome: CIGate.Outcome
        /// "measured op threshold", e.g. `growth bytes 239298 > threshold 200000`.
        public var detail: String
    }

    public var results: [Result]

    /// True when no rule failed.
    public var passed: Bool { !results.contains { $0.outcome == .fail } }

    /// Evaluates every rule, in name order (as dive prints its rules).
    ///
    /// Growth percent from an OLD of 0 final bytes: passes when NEW is 0 too, else fails (the
    /// growth is unbounded).
    public init(diff: ImageDiff, config: DiffRuleConfig) {
        let growth = diff.totals.finalBytes.delta
        let download = diff.layers.downloadBytes
        results = DiffRule.allCases.sorted { $0.rawValue < $1.rawValue }.map { rule in
            let threshold = config.thresholds[rule] ?? .disabled
            func result(_ fail: Bool, _ what: String, _ measured: String, _ limit: String) -> Result {
                Result(rule: rule, threshold: threshold, outcome: fail ? .fail : .pass,
                       detail: "\(what) \(measured) \(fail ? ">" : "<=") threshold \(limit)")
            }
            switch (rule, threshold) {
            case (.highestGrowthBytes, .bytes(let t)):
                return result(growth > 0 && UInt64(growth) > t, "growth bytes", "\(growth)", "\(t)")
            case (.highestDownloadBytes, .bytes(let t)):
                return result(UInt64(download) > t, "download bytes", "\(download)", "\(t)")
            case (.highestGrowthPercent, .ratio(let t)):
                guard let g = diff.totals.growthRatio else {
                    let fail = diff.totals.finalBytes.new > 0
                    return Result(rule: rule, threshold: threshold, outcome: fail ? .fail : .pass,
                                  detail: fail ? "growth from 0 final bytes is unbounded > threshold \(GoFloat.format(t))"
                                      : "no growth (both images have 0 final bytes)")
                }
                return result(g > t, "growth", GoFloat.format(g), GoFloat.format(t))
            default:
                return Result(rule: rule, threshold: threshold, outcome: .skip, detail: "rule disabled")
            }
        }
    }

    /// The rules block and dive's summary line, in `CIGate.render`'s format.
    /// - Parameter color: ANSI colours (off for `NO_COLOR` or a non-terminal).
    public func render(color: Bool) -> String {
        var out = "Results:\n"
        for r in results {
            out += TerminalText.escape("  \(Self.paint(r.outcome.rawValue, r.outcome, color)): \(r.rule.rawValue): \(r.detail)") + "\n"
        }
        let count = { (o: CIGate.Outcome) in results.filter { $0.outcome == o }.count }
        let verdict: CIGate.Outcome = passed ? .pass : .fail
        out += "Result:\(Self.paint(verdict.rawValue, verdict, color)) [Total:\(results.count)] [Passed:\(count(.pass))] "
            + "[Failed:\(count(.fail))] [Warn:0] [Skipped:\(count(.skip))]\n"
        return out
    }

    private static func paint(_ text: String, _ outcome: CIGate.Outcome, _ color: Bool) -> String {
        guard color else { return text }
        let code = switch outcome { case .pass: "32"; case .fail: "1;31"; case .skip: "34" }
        return TerminalText.styled(text, sgr: code)
    }
}
