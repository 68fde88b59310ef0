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
        let path = { (id: Int) in "/" + paths.path(PathTable.NodeID(id)) }
        var dirBytes = [Int64](repeating: 0, count: n)
        var largestFiles = Largest(keep: max(0, top), path: path)
        // children have larger IDs than their parents: one pass from the leaves up sums the files
        for id in stride(from: n - 1, to: 0, by: -1) {
            guard let s = replay.currentState(id) else { continue }
            if s.kind == .file { largestFiles.offer(id, s.sizeBytes); dirBytes[id] = s.sizeBytes }
            let parent = Int(paths.parents[id])
            if parent > 0 { dirBytes[parent] += dirBytes[id] }
        }
        files = largestFiles.result
        var largestDirectories = Largest(keep: max(0, top), path: path)
        for id in 1..<max(1, n) where dirBytes[id] > 0 && replay.currentState(id)?.kind == .directory {
            largestDirectories.offer(id, dirBytes[id])
        }
        directories = largestDirectories.result
    }

    /// The `keep` largest of the nodes offered, ties by path, gathered in a buffer of at most about twice
    /// that (a million files are not all kept and sorted to show ten). Once the buffer was cut to `keep`,
    /// a node smaller than the last kept is turned away before its path is built.
    private struct Largest {
        let keep: Int
        let path: (Int) -> String
        private var items: [Entry] = []
        private var floor = Int64.min

        init(keep: Int, path: @escaping (Int) -> String) {
            self.keep = keep
            self.path = path
        }

        mutating func offer(_ id: Int, _ bytes: Int64) {
            guard keep > 0, bytes >= floor else { return }
            items.append(Entry(path: path(id), bytes: bytes))
            if items.count >= 2 * keep + 64 { cut() }
        }

        private mutating func cut() {
            items.sort { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.path < $1.path }
            if items.count > keep { items.removeLast(items.count - keep) }
            if items.count == keep, let last = items.last { floor = last.bytes }
        }

        var result: [Entry] {
            var copy = self
            copy.cut()
            return copy.items
        }
    }
}
