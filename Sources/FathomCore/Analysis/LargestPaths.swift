/// The largest files and directories of the final filesystem: the first thing people look for.
public struct LargestPaths: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// With a leading `/`.
        public var path: String
        public var bytes: Int64
    }
    public var files: [Entry]
    /// A directory's bytes are those of the regular files below it (a hardlink counts where its content is).
    public var directories: [Entry]

    /// The `top` largest of each, ties by path.
    public init(_ replay: Replay, top: Int) {
        let paths = replay.paths
        let n = replay.nodeCount
        var dirBytes = [Int64](repeating: 0, count: n)
        var fileNodes: [(Int, Int64)] = []
        // children have larger IDs than their parents: one pass from the leaves up sums the files
        for id in stride(from: n - 1, to: 0, by: -1) {
            guard let s = replay.currentState(id) else { continue }
            if s.kind == .file { fileNodes.append((id, s.sizeBytes)); dirBytes[id] = s.sizeBytes }
            let parent = Int(paths.parents[id])
            if parent > 0 { dirBytes[parent] += dirBytes[id] }
        }
        func best(_ items: [(Int, Int64)]) -> [Entry] {
            items.map { Entry(path: "/" + paths.path(PathTable.NodeID($0.0)), bytes: $0.1) }
                .sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.path < $1.path }
                .prefix(max(0, top)).map { $0 }
        }
        files = best(Array(fileNodes.sorted { $0.1 > $1.1 }.prefix(max(0, top) * 4)))
        let dirs = (1..<max(1, n)).compactMap { id -> (Int, Int64)? in
            replay.currentState(id)?.kind == .directory && dirBytes[id] > 0 ? (id, dirBytes[id]) : nil
        }
        directories = best(Array(dirs.sorted { $0.1 > $1.1 }.prefix(max(0, top) * 4)))
    }
}
