/// The final filesystems of OLD and NEW compared path by path.
///
/// Paths are matched through the two path tables by name, parent first (one name lookup per
/// node, no path strings), so the cost grows with the number of paths, not their depth.
public struct FileComparison: Sendable {
    /// Every changed path, sorted by raw path bytes.
    public var changes: [FileChange]
    /// Directories (in OLD or NEW) whose bytes at and below them changed, sorted by raw path bytes.
    public var directories: [DirectoryDelta]
    /// Content bytes of every path of OLD's final filesystem (a hardlink counts at each path).
    public var bytesBefore: Int64
    /// The same for NEW.
    public var bytesAfter: Int64
    /// `bytesAfter − bytesBefore`.
    public var deltaBytes: Int64 { bytesAfter - bytesBefore }

    /// How many paths changed in this way.
    public func count(_ kind: FileChangeKind) -> Int { changes.reduce(0) { $0 + ($1.change == kind ? 1 : 0) } }

    /// The `n` changes with the largest absolute byte delta (ties: path order).
    public func largestChanges(_ n: Int) -> [FileChange] {
        Array(changes.sorted { abs($0.deltaBytes) != abs($1.deltaBytes) ? abs($0.deltaBytes) > abs($1.deltaBytes)
                                   : $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }.prefix(max(n, 0)))
    }

    /// The `n` directories with the largest absolute byte delta (ties: path order).
    public func largestDirectories(_ n: Int) -> [DirectoryDelta] {
        Array(directories.sorted { abs($0.deltaBytes) != abs($1.deltaBytes) ? abs($0.deltaBytes) > abs($1.deltaBytes)
                                       : $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }.prefix(max(n, 0)))
    }

    /// Compares the final filesystems of two replays (after their last layer).
    public init(old: Replay, new: Replay) {
        let oldPaths = old.paths, newPaths = new.paths
        // NEW node → OLD node with the same path (-1 none). Parents are created before their
        // children, so one pass in node order sees each parent's match first.
        var match = ContiguousArray<Int32>(repeating: -1, count: newPaths.count)
        var oldMatched = ContiguousArray<Bool>(repeating: false, count: oldPaths.count)
        match[0] = 0
        oldMatched[0] = true
        for n in 1..<newPaths.count {
            let parentMatch = match[Int(newPaths.parents[n])]
            guard parentMatch >= 0, let name = oldPaths.names.lookup(newPaths.nameBytes(PathTable.NodeID(n))),
                  let o = oldPaths.existingChild(parentMatch, name) else { continue }
            match[n] = o
            oldMatched[Int(o)] = true
        }
        let oldSums = Self.subtreeBytes(old), newSums = Self.subtreeBytes(new)

        var changes: [FileChange] = []
        var directories: [DirectoryDelta] = []
        func isDirectory(_ s: NodeState?) -> Bool { s?.kind == .directory }

        for n in 1..<newPaths.count {
            let o = match[n]
            let after = n < new.nodeCount ? new.currentState(n) : nil
            let before = o >= 0 && Int(o) < old.nodeCount ? old.currentState(Int(o)) : nil
            if isDirectory(before) || isDirectory(after) {
                let b = o >= 0 ? oldSums[Int(o)] : 0, a = newSums[n]
                if a != b {
                    let bytes = newPaths.pathBytes(PathTable.NodeID(n))
                    directories.append(DirectoryDelta(path: String(decoding: bytes, as: UTF8.self), pathBytes: bytes,
                                                      bytesBefore: b, bytesAfter: a))
                }
            }
            guard let kind = Self.classify(before, old, after, new) else { continue }
            let bytes = newPaths.pathBytes(PathTable.NodeID(n))
            changes.append(FileChange(path: String(decoding: bytes, as: UTF8.self), pathBytes: bytes, change: kind,
                                      kindBefore: before?.kind, kindAfter: after?.kind,
                                      bytesBefore: before?.sizeBytes ?? 0, bytesAfter: after?.sizeBytes ?? 0))
        }
        for o in 1..<oldPaths.count where !oldMatched[o] {
            guard o < old.nodeCount, let before = old.currentState(o) else { continue }
            let bytes = oldPaths.pathBytes(PathTable.NodeID(o))
            let path = String(decoding: bytes, as: UTF8.self)
            changes.append(FileChange(path: path, pathBytes: bytes, change: .removed, kindBefore: before.kind, kindAfter: nil,
                                      bytesBefore: before.sizeBytes, bytesAfter: 0))
            if before.kind == .directory, oldSums[o] != 0 {
                directories.append(DirectoryDelta(path: path, pathBytes: bytes, bytesBefore: oldSums[o], bytesAfter: 0))
            }
        }
        self.changes = changes.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }
        self.directories = directories.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }
        bytesBefore = oldSums[0]
        bytesAfter = newSums[0]
    }

    /// How a path changed, nil when it did not (or is absent from both).
    static func classify(_ before: NodeState?, _ old: Replay, _ after: NodeState?, _ new: Replay) -> FileChangeKind? {
        switch (before, after) {
        case (nil, nil): return nil
        case (nil, _): return .added
        case (_, nil): return .removed
        case let (b?, a?):
            let regular: (EntryKind) -> Bool = { $0 == .file || $0 == .hardlink }
            let sameType = b.kind == a.kind || (regular(b.kind) && regular(a.kind))
            if !sameType { return .typeChanged }
            let sameContent: Bool = switch a.kind {
            case .file, .hardlink: old.content(b) == new.content(a) && b.sizeBytes == a.sizeBytes
            case .symlink: old.linkTarget(b) == new.linkTarget(a)
            case .charDevice, .blockDevice: old.device(b) == new.device(a)
            default: true
            }
            if !sameContent { return .modified }
            if b.mode != a.mode || b.uid != a.uid || b.gid != a.gid { return .metadataOnly }
            return nil
        }
    }

    /// Per node, the content bytes of the visible paths at and below it (index 0: the whole filesystem).
    static func subtreeBytes(_ replay: Replay) -> ContiguousArray<Int64> {
        let count = replay.paths.count
        var sums = ContiguousArray<Int64>(repeating: 0, count: count)
        // children always have larger node IDs than their parent: one backward pass
        for n in stride(from: count - 1, through: 1, by: -1) {
            if n < replay.nodeCount, let s = replay.currentState(n) { sums[n] += s.sizeBytes }
            sums[Int(replay.paths.parents[n])] += sums[n]
        }
        return sums
    }
}
