/// Identical content at different paths of the final filesystem.
public struct DuplicateGroup: Sendable {
    /// Bytes of one copy.
    public var sizeBytes: Int64
    /// The content digest all copies share.
    public var content: ContentDigest
    /// The paths (one per distinct inode; hardlinks to one inode are not duplicates), sorted.
    public var paths: [String]
    /// The nodes of `paths`, in the same order.
    public var nodes: [PathTable.NodeID]
    /// Bytes the extra copies take: `sizeBytes × (paths.count − 1)`.
    public var extraBytes: Int64 { sizeBytes * Int64(paths.count - 1) }

    /// Groups the final filesystem's regular files by content; only groups of two or more
    /// distinct inodes of at least `minimumBytes` are kept, largest extra bytes first.
    static func find(in replay: Replay, minimumBytes: Int64 = 1) -> [DuplicateGroup] {
        // most content is unique: remember the first node per content, build a group only on a second inode
        var first: [ContentDigest: PathTable.NodeID] = [:]
        first.reserveCapacity(replay.inodes.count)
        var byContent: [ContentDigest: (size: Int64, inodes: Set<Int32>, nodes: [PathTable.NodeID])] = [:]
        for n in 1..<replay.paths.count {
            guard let s = replay.current[n], s.kind == .file, s.sizeBytes >= minimumBytes else { continue }
            let node = PathTable.NodeID(n)
            let content = replay.content(s)
            guard let earlier = first[content] else { first[content] = node; continue }
            var entry = byContent[content] ?? (s.sizeBytes, [replay.current[Int(earlier)]!.inode], [earlier])
            if entry.inodes.insert(s.inode).inserted { entry.nodes.append(node) }
            byContent[content] = entry
        }
        return byContent.compactMap { content, e in
            guard e.nodes.count > 1 else { return nil }
            let sorted = e.nodes.map { ($0, replay.paths.pathBytes($0)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) }
            return DuplicateGroup(sizeBytes: e.size, content: content,
                                  paths: sorted.map { String(decoding: $0.1, as: UTF8.self) }, nodes: sorted.map(\.0))
        }.sorted { $0.extraBytes != $1.extraBytes ? $0.extraBytes > $1.extraBytes : $0.paths[0] < $1.paths[0] }
    }
}
