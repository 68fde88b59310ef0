import FathomCore

/// The union of OLD's and NEW's final filesystems as one tree, each path with its change and its
/// bytes before and after (directories: the sums below them, as `FileComparison` counts them).
struct DiffTree {
    typealias NodeID = Int32

    var names: [String] = [""]
    var parents: [NodeID] = [-1]
    var children: [[NodeID]] = [[]]
    var isDirectory: [Bool] = [true]
    /// nil: the same in both.
    var change: [FileChangeKind?] = [nil]
    var bytesBefore: [Int64] = [0]
    var bytesAfter: [Int64] = [0]
    /// Something below the node changed.
    var changedBelow: [Bool] = [false]
    /// Both ends of a move: the other end's path, and whether this node is where the content left.
    var moves: [NodeID: (peer: String, origin: Bool)] = [:]

    var count: Int { names.count }

    init(_ diff: ImageDiff) {
        let new = diff.new.replay
        var pathIndex: [String: NodeID] = ["": 0]
        var paths: [String] = [""]
        func add(_ parent: NodeID, _ name: String, directory: Bool, before: Int64, after: Int64) -> NodeID {
            let n = NodeID(names.count)
            names.append(name); parents.append(parent); children.append([]); children[Int(parent)].append(n)
            isDirectory.append(directory); change.append(nil); bytesBefore.append(before); bytesAfter.append(after)
            changedBelow.append(false)
            let path = parent == 0 ? name : paths[Int(parent)] + "/" + name
            paths.append(path)
            pathIndex[path] = n
            return n
        }
        // NEW's final filesystem (PathTable creates parents before children)
        var nodeOf = [NodeID](repeating: -1, count: new.paths.count)
        nodeOf[0] = 0
        for n in 1..<min(new.paths.count, new.nodeCount) {
            guard let s = new.currentState(n), nodeOf[Int(new.paths.parents[n])] >= 0 else { continue }
            nodeOf[n] = add(nodeOf[Int(new.paths.parents[n])], DisplayName.of(new.paths.nameBytes(NodeID(n))),
                            directory: s.kind == .directory, before: s.sizeBytes, after: s.sizeBytes)
        }
        // the changes; removed paths (sorted: a parent before its children) are added under their parents
        func place(_ pathBytes: [UInt8], _ c: FileChange, kind: EntryKind?, before: Int64, after: Int64) -> NodeID? {
            let path = DisplayName.of(pathBytes)
            var node = pathIndex[path]
            if node == nil {
                var parent: NodeID = 0
                let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
                for (i, part) in parts.enumerated() {
                    let sub = parts[0...i].joined(separator: "/")
                    if let existing = pathIndex[sub] { parent = existing; continue }
                    let last = i == parts.count - 1
                    parent = add(parent, part, directory: last ? kind == .directory : true, before: 0, after: 0)
                    if !last { change[Int(parent)] = .removed }
                }
                node = parent
            }
            guard let node, node != 0 else { return nil }
            change[Int(node)] = c.change
            isDirectory[Int(node)] = kind == .directory
            if !isDirectory[Int(node)] {
                bytesBefore[Int(node)] = before
                bytesAfter[Int(node)] = after
            }
            return node
        }
        for c in diff.files.changes {
            guard c.change == .moved, let from = c.movedFromBytes else {
                _ = place(c.pathBytes, c, kind: c.kindAfter ?? c.kindBefore, before: c.bytesBefore, after: c.bytesAfter)
                continue
            }
            // a move is two rows: where the content arrived (bytes after only) and where it left (before only)
            if let n = place(c.pathBytes, c, kind: c.kindAfter, before: 0, after: c.bytesAfter) { moves[n] = (DisplayName.of(from), false) }
            if let n = place(from, c, kind: c.kindBefore, before: c.bytesBefore, after: 0) { moves[n] = (DisplayName.of(c.pathBytes), true) }
        }
        // directory sums and "changed below", children first (a child always has a larger ID)
        for n in stride(from: count - 1, through: 1, by: -1) {
            let p = Int(parents[n])
            bytesBefore[p] += bytesBefore[n]
            bytesAfter[p] += bytesAfter[n]
            if change[n] != nil || changedBelow[n] { changedBelow[p] = true }
        }
    }
}
