/// Evaluates the `--ci` rules on an analysis (comparisons as dive 0.13.1: strict, equal passes).
public struct CIGate: Sendable {
    /// One rule's outcome.
    public enum Outcome: String, Sendable { case pass = "PASS", fail = "FAIL", skip = "SKIP" }

    /// A rule, its threshold, the measured value and the outcome.
    public struct Result: Sendable {
        public var rule: CIRule
        public var threshold: CIThreshold
        public var outcome: Outcome
        /// "measured op threshold", e.g. `efficiency 0.98442 >= 0.9`.
        public var detail: String
    }

    public var results: [Result]
    /// The path rules' results, one per pattern (after the threshold rules).
    public var pathResults: [PathRules.Result] = []

    /// True when no rule failed.
    public var passed: Bool { !results.contains { $0.outcome == .fail } && !pathResults.contains { $0.outcome == .fail } }

    /// Evaluates every rule, in name order (as dive prints them).
    public init(analysis a: Analysis, config: CIConfig) {
        let m = a.dive.metrics
        results = CIRule.allCases.sorted { $0.rawValue < $1.rawValue }.map { rule in
            let threshold = config.thresholds[rule] ?? .disabled
            switch (rule, threshold) {
            case (_, .disabled):
                return Result(rule: rule, threshold: threshold, outcome: .skip, detail: "rule disabled")
            case (.lowestEfficiency, .ratio(let t)):
                let fail = t > m.efficiency
                return Result(rule: rule, threshold: threshold, outcome: fail ? .fail : .pass,
                              detail: "efficiency \(GoFloat.format(m.efficiency)) \(fail ? "<" : ">=") threshold \(GoFloat.format(t))")
            case (.highestUserWastedPercent, .ratio(let t)):
                guard let u = m.userWastedPercent else {
                    return Result(rule: rule, threshold: threshold, outcome: .pass,
                                  detail: "user wasted percent undefined (no bytes above the base layer)")
                }
                let fail = t < u
                return Result(rule: rule, threshold: threshold, outcome: fail ? .fail : .pass,
                              detail: "user wasted percent \(GoFloat.format(u)) \(fail ? ">" : "<=") threshold \(GoFloat.format(t))")
            case (.highestWastedBytes, .bytes(let t)):
                let fail = UInt64(m.wastedBytes) > t
                return Result(rule: rule, threshold: threshold, outcome: fail ? .fail : .pass,
                              detail: "wasted bytes \(m.wastedBytes) \(fail ? ">" : "<=") threshold \(t)")
            case (.highestReclaimableBytes, .bytes(let t)):
                let fail = UInt64(a.reclaimableBytes) > t
                return Result(rule: rule, threshold: threshold, outcome: fail ? .fail : .pass,
                              detail: "reclaimable bytes \(a.reclaimableBytes) \(fail ? ">" : "<=") threshold \(t)")
            case (.highestAdviceSeverity, .severity(let t)):
                let failing = a.advice.filter { $0.severity >= t }
                guard !failing.isEmpty else {
                    return Result(rule: rule, threshold: threshold, outcome: .pass, detail: "no finding of severity \(t.rawValue) or higher")
                }
                let counts = [Finding.Severity.high, .medium, .low].compactMap { s in
                    let n = failing.filter { $0.severity == s }.count
                    return n == 0 ? nil : "\(n) \(s.rawValue)"
                }
                var rules: [String] = []
                for f in failing where !rules.contains(f.rule) { rules.append(f.rule) }
                return Result(rule: rule, threshold: threshold, outcome: .fail,
                              detail: "\(failing.count) finding\(failing.count == 1 ? "" : "s") of severity \(t.rawValue) or higher "
                                  + "(\(counts.joined(separator: ", "))): \(rules.joined(separator: ", "))")
            default:
                return Result(rule: rule, threshold: threshold, outcome: .skip, detail: "rule disabled")
            }
        }
        pathResults = config.pathRules.evaluate(a)
    }

    /// The rules block and the summary line.
    /// - Parameter color: ANSI colours (off for `NO_COLOR` or a non-terminal).
    public func render(color: Bool) -> String {
        var out = "Results:\n"
        for r in results {
            let status: String
            switch r.outcome {
            case .pass: status = color ? TerminalText.styled("PASS", sgr: "32") : "PASS"
            case .fail: status = color ? TerminalText.styled("FAIL", sgr: "1;31") : "FAIL"
            case .skip: status = color ? TerminalText.styled("SKIP", sgr: "34") : "SKIP"
            }
            out += TerminalText.escape("  \(status): \(r.rule.rawValue): \(r.detail)") + "\n"
        }
        for r in pathResults {
            let status = r.outcome == .pass ? (color ? TerminalText.styled("PASS", sgr: "32") : "PASS")
                : (color ? TerminalText.styled("FAIL", sgr: "1;31") : "FAIL")
            out += TerminalText.escape("  \(status): \(r.name): \(r.detail)") + "\n"
        }
        let outcomes = results.map(\.outcome) + pathResults.map(\.outcome)
        let passed = outcomes.filter { $0 == .pass }.count
        let failed = outcomes.filter { $0 == .fail }.count
        let skipped = outcomes.filter { $0 == .skip }.count
        let verdict = self.passed ? "PASS" : "FAIL"
        let colored = color ? TerminalText.styled(verdict, sgr: self.passed ? "32" : "1;31") : verdict
        out += "Result:\(colored) [Total:\(outcomes.count)] [Passed:\(passed)] [Failed:\(failed)] [Warn:0] [Skipped:\(skipped)]\n"
        return out
    }
}
