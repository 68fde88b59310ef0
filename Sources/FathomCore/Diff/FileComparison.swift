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

    /// The `n` directories with the largest absolute byte delta (ties: path order). A directory whose
    /// whole delta lies in one subdirectory (`usr/` over `usr/local/` over `usr/local/lib/`) is not
    /// repeated: only the deepest of such a chain is listed.
    public func largestDirectories(_ n: Int) -> [DirectoryDelta] {
        var byPath: [String: Int64] = [:]
        for d in directories { byPath[d.path] = d.deltaBytes }
        var chained = Set<String>()
        for d in directories {
            guard let slash = d.path.lastIndex(of: "/") else { continue }
            let parent = String(d.path[..<slash])
            if byPath[parent] == d.deltaBytes { chained.insert(parent) }
        }
        return Array(directories.filter { !chained.contains($0.path) }
            .sorted { abs($0.deltaBytes) != abs($1.deltaBytes) ? abs($0.deltaBytes) > abs($1.deltaBytes)
                                       : $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }.prefix(max(n, 0)))
    }

    /// The moves, largest first.
    public var moves: [FileChange] {
        changes.filter { $0.change == .moved }.sorted { $0.bytesAfter != $1.bytesAfter ? $0.bytesAfter > $1.bytesAfter
                                                                                       : $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }
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
        var contents: [Int: ContentDigest] = [:]   // added and removed regular files that may be moves
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
            if kind == .added, let a = after, a.sizeBytes >= Self.moveMinimumBytes, a.inode >= 0 { contents[changes.count] = new.content(a) }
            let bytes = newPaths.pathBytes(PathTable.NodeID(n))
            changes.append(FileChange(path: String(decoding: bytes, as: UTF8.self), pathBytes: bytes, change: kind,
                                      kindBefore: before?.kind, kindAfter: after?.kind,
                                      bytesBefore: before?.sizeBytes ?? 0, bytesAfter: after?.sizeBytes ?? 0))
        }
        for o in 1..<oldPaths.count where !oldMatched[o] {
            guard o < old.nodeCount, let before = old.currentState(o) else { continue }
            let bytes = oldPaths.pathBytes(PathTable.NodeID(o))
            let path = String(decoding: bytes, as: UTF8.self)
            if before.sizeBytes >= Self.moveMinimumBytes, before.inode >= 0 { contents[changes.count] = old.content(before) }
            changes.append(FileChange(path: path, pathBytes: bytes, change: .removed, kindBefore: before.kind, kindAfter: nil,
                                      bytesBefore: before.sizeBytes, bytesAfter: 0))
            if before.kind == .directory, oldSums[o] != 0 {
                directories.append(DirectoryDelta(path: path, pathBytes: bytes, bytesBefore: oldSums[o], bytesAfter: 0))
            }
        }
        changes = Self.pairMoves(changes, contents)
        self.changes = changes.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }
        self.directories = directories.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }
        bytesBefore = oldSums[0]
        bytesAfter = newSums[0]
    }

    /// Files smaller than this are not paired as moves (empty `__init__.py` files share their content).
    static let moveMinimumBytes: Int64 = 1024

    /// Each added file whose content a removed one had (same digest and size; paths in byte order pair
    /// first) becomes one move, and the removed path goes.
    static func pairMoves(_ changes: [FileChange], _ contents: [Int: ContentDigest]) -> [FileChange] {
        struct Key: Hashable { var digest: ContentDigest; var size: Int64 }
        var removed: [Key: [Int]] = [:]
        for (i, c) in changes.enumerated() where c.change == .removed {
            if let d = contents[i] { removed[Key(digest: d, size: c.bytesBefore), default: []].append(i) }
        }
        guard !removed.isEmpty else { return changes }
        for k in removed.keys { removed[k]!.sort { changes[$0].pathBytes.lexicographicallyPrecedes(changes[$1].pathBytes) } }
        var out = changes
        var gone = Set<Int>()
        let added = changes.indices.filter { changes[$0].change == .added && contents[$0] != nil }
            .sorted { changes[$0].pathBytes.lexicographicallyPrecedes(changes[$1].pathBytes) }
        for i in added {
            let key = Key(digest: contents[i]!, size: changes[i].bytesAfter)
            guard var candidates = removed[key], !candidates.isEmpty else { continue }
            let from = candidates.removeFirst()
            removed[key] = candidates
            out[i].change = .moved
            out[i].movedFromBytes = changes[from].pathBytes
            out[i].bytesBefore = changes[from].bytesBefore
            out[i].kindBefore = changes[from].kindBefore
            gone.insert(from)
        }
        return out.enumerated().filter { !gone.contains($0.offset) }.map(\.element)
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
