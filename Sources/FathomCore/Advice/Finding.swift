/// One piece of advice: what a layer (or the config) does that image-building guides warn about,
/// the evidence, the bytes a fix gives back, and the fix.
public struct Finding: Sendable {
    public enum Severity: String, Sendable, Comparable {
        case high, medium, low
        var rank: Int { self == .high ? 0 : self == .medium ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank > b.rank }
    }

    /// A path and the bytes it accounts for; for some rules the layers that ship it.
    public struct PathBytes: Sendable, Equatable {
        public var path: String
        public var bytes: Int64
        /// The layers that ship this path (`secrets-in-layers`); empty where the finding's layers say it.
        public var layers: [Int] = []
    }

    /// Stable rule id, e.g. `cleanup-in-later-layer`.
    public var rule: String
    public var severity: Severity
    public var title: String
    /// The layers involved, in order.
    public var layers: [Int]
    /// The largest paths (at most 10), with a leading `/`.
    public var paths: [PathBytes]
    /// How many paths in all.
    public var pathCount: Int
    /// Bytes the fix gives back; summed from entries, each inode once, never counted by two findings.
    public var reclaimableBytes: Int64
    public var fix: String
    public var snippet: String
}
