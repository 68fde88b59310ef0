// Rule 9: identical files at different paths of the final filesystem, above a size threshold.
extension Advisor {
    /// Copies smaller than this are not worth a finding (licence texts, small configs).
    static let duplicateThresholdBytes: Int64 = 10_000

    /// One finding for all groups: the first unclaimed copy of each group stays, the other unclaimed copies are reclaimable.
    static func duplicateContent(_ a: AdviceInput, _ claims: inout InodeClaims) -> [Finding] {
        var items: [(String, Int64)] = []
        var layers = Set<Int>()
        var bytes: Int64 = 0
        var groups = 0
        for group in a.duplicates where group.sizeBytes >= duplicateThresholdBytes {
            let free = group.nodes.filter { n in a.replay.currentState(Int(n)).map { !claims.isClaimed($0.inode) } ?? false }
            guard free.count > 1 else { continue }
            groups += 1
            for n in free.dropFirst() {
                guard let s = a.replay.currentState(Int(n)), claims.claim(s.inode) else { continue }
                items.append((path(a, n), group.sizeBytes))
                layers.insert(Int(s.layer))
                bytes += group.sizeBytes
            }
            if let first = free.first, let s = a.replay.currentState(Int(first)) { layers.insert(Int(s.layer)) }
        }
        guard bytes > 0 else { return [] }
        return [Finding(
            rule: "duplicate-content", severity: .low,
            title: "\(plural(items.count, "file")) duplicate\(items.count == 1 ? "s" : "") the content of another path (\(plural(groups, "group")), \(ByteFormat.si(bytes)) in extra copies)",
            layers: layers.sorted(), paths: top(items), pathCount: items.count, reclaimableBytes: bytes,
            fix: "Keep one copy and link or point to it (a symlink, a hardlink made in the same RUN, or one COPY destination); added by \(commands(a, layers.sorted())).",
            snippet: "RUN ln -sf /usr/share/app/data.bin /opt/app/data.bin")]
    }
}
