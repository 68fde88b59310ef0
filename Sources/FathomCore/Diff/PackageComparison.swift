/// The packages of OLD and NEW compared, as container-diff's package analyzers did: added, removed,
/// and version changed, each with its bytes in the final image of the side that has it.
public struct PackageComparison: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case added, removed, changed }

    /// One package that differs.
    public struct Entry: Sendable {
        public var kind: Kind
        public var ecosystem: InstalledPackage.Ecosystem
        public var name: String
        public var architecture: String
        /// nil for an added package.
        public var oldVersion: String?
        /// nil for a removed package.
        public var newVersion: String?
        /// Bytes in OLD's and NEW's final filesystems (0 where absent).
        public var bytes: (old: Int64, new: Int64)
        public var deltaBytes: Int64 { bytes.new - bytes.old }
    }

    /// Every package that differs, largest absolute byte delta first.
    public let entries: [Entry]
    /// Packages in both with the same version.
    public let unchanged: Int
    /// True when neither image has a package database.
    public let isEmpty: Bool

    public init(old: PackageHistory?, new: PackageHistory?) {
        func key(_ o: PackageHistory.Owned) -> String { o.package.ecosystem.rawValue + "/" + o.package.name + ":" + o.package.architecture }
        let before = Dictionary((old?.final ?? []).map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary((new?.final ?? []).map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Entry] = []
        var same = 0
        for k in Set(before.keys).union(after.keys) {
            let b = before[k], a = after[k]
            let p = (a ?? b)!.package
            let kind: Kind
            switch (b, a) {
            case (nil, _?): kind = .added
            case (_?, nil): kind = .removed
            case let (b?, a?) where b.package.version != a.package.version: kind = .changed
            default: same += 1; continue
            }
            out.append(Entry(kind: kind, ecosystem: p.ecosystem, name: p.name, architecture: p.architecture,
                             oldVersion: b?.package.version, newVersion: a?.package.version, bytes: (b?.bytes ?? 0, a?.bytes ?? 0)))
        }
        entries = out.sorted { abs($0.deltaBytes) != abs($1.deltaBytes) ? abs($0.deltaBytes) > abs($1.deltaBytes) : $0.name < $1.name }
        unchanged = same
        isEmpty = (old?.isEmpty ?? true) && (new?.isEmpty ?? true)
    }

    public func count(_ kind: Kind) -> Int { entries.filter { $0.kind == kind }.count }
}
