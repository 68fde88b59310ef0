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
        // Sort the final files by (content, inode) and read off the runs: no hash table of a million
        // keys (a Dictionary cost 0.4 s on a million files), and the result never depends on hashing.
        struct Copy { var content: ContentDigest; var inode: Int32; var node: PathTable.NodeID }
        var copies: [Copy] = []
        copies.reserveCapacity(replay.inodes.count)
        for n in 1..<replay.paths.count {
            guard let s = replay.currentState(n), s.kind == .file, s.sizeBytes >= minimumBytes else { continue }
            copies.append(Copy(content: replay.content(s), inode: s.inode, node: PathTable.NodeID(n)))
        }
        copies.sort { a, b in
            if a.content.low != b.content.low { return a.content.low < b.content.low }
            if a.content.high != b.content.high { return a.content.high < b.content.high }
            return a.inode != b.inode ? a.inode < b.inode : a.node < b.node
        }
        var groups: [DuplicateGroup] = []
        var start = 0
        while start < copies.count {
            var end = start + 1
            while end < copies.count && copies[end].content == copies[start].content { end += 1 }
            defer { start = end }
            // one node per distinct inode (hardlinks to one inode are not duplicates): the lowest node
            var nodes: [PathTable.NodeID] = []
            var i = start
            while i < end {
                nodes.append(copies[i].node)
                let inode = copies[i].inode
                while i < end && copies[i].inode == inode { i += 1 }
            }
            guard nodes.count > 1, let size = replay.currentState(Int(nodes[0]))?.sizeBytes else { continue }
            let sorted = nodes.map { ($0, replay.paths.pathBytes($0)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) }
            groups.append(DuplicateGroup(sizeBytes: size, content: copies[start].content,
                                         paths: sorted.map { String(decoding: $0.1, as: UTF8.self) }, nodes: sorted.map(\.0)))
        }
        return groups.sorted { $0.extraBytes != $1.extraBytes ? $0.extraBytes > $1.extraBytes : $0.paths[0] < $1.paths[0] }
    }
}
