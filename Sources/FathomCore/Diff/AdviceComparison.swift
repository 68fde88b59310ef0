/// The advice of OLD and NEW side by side, rule by rule and severity by severity: what NEW fixed
/// (`runs-as-root: fixed`), what it introduced, and what got smaller or larger.
public struct AdviceComparison: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        /// OLD has findings of this rule and severity, NEW none.
        case fixed
        /// NEW has findings of this rule and severity, OLD none.
        case introduced
        /// Both have some, NEW with fewer reclaimable bytes or fewer paths.
        case smaller
        /// Both have some, NEW with more reclaimable bytes or more paths.
        case larger
        /// Both have some, with the same bytes and paths.
        case unchanged
    }

    /// One rule at one severity in both images.
    public struct Entry: Sendable {
        public var rule: String
        public var severity: Finding.Severity
        public var status: Status
        /// NEW's first finding's title where NEW has one, else OLD's.
        public var title: String
        /// Findings, paths and reclaimable bytes (bytes) in OLD and NEW.
        public var findings: (old: Int, new: Int)
        public var paths: (old: Int, new: Int)
        public var reclaimableBytes: (old: Int64, new: Int64)
    }

    /// Severity first (high first), then fixed, introduced, larger, smaller, unchanged, then rule.
    public let entries: [Entry]

    /// Compares the findings of two analyses (both must have been made with their advice).
    public init(old: [Finding], new: [Finding]) {
        struct Key: Hashable { var rule: String; var severity: Finding.Severity }
        struct Sum { var findings = 0, paths = 0; var bytes: Int64 = 0; var title: String? }
        func sums(_ findings: [Finding]) -> [Key: Sum] {
            var out: [Key: Sum] = [:]
            for f in findings {
                let k = Key(rule: f.rule, severity: f.severity)
                var s = out[k] ?? Sum()
                s.findings += 1
                s.paths += f.pathCount
                s.bytes += f.reclaimableBytes
                if s.title == nil { s.title = f.title }
                out[k] = s
            }
            return out
        }
        let before = sums(old), after = sums(new)
        var entries: [Entry] = []
        for key in Set(before.keys).union(after.keys) {
            let b = before[key] ?? Sum(), a = after[key] ?? Sum()
            let status: Status = b.findings == 0 ? .introduced : a.findings == 0 ? .fixed
                : (a.bytes, a.paths) == (b.bytes, b.paths) ? .unchanged
                : a.bytes < b.bytes || (a.bytes == b.bytes && a.paths < b.paths) ? .smaller : .larger
            entries.append(Entry(rule: key.rule, severity: key.severity, status: status, title: a.title ?? b.title ?? key.rule,
                                 findings: (b.findings, a.findings), paths: (b.paths, a.paths), reclaimableBytes: (b.bytes, a.bytes)))
        }
        let order: [Status: Int] = [.fixed: 0, .introduced: 1, .larger: 2, .smaller: 3, .unchanged: 4]
        self.entries = entries.sorted {
            $0.severity != $1.severity ? $0.severity > $1.severity
                : $0.status != $1.status ? order[$0.status]! < order[$1.status]! : $0.rule < $1.rule
        }
    }

    /// How many entries have this status.
    public func count(_ status: Status) -> Int { entries.filter { $0.status == status }.count }
}
