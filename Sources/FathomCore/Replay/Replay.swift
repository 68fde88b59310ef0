/// The union filesystem replay: applies each layer's changeset to the stack below,
/// as overlayfs does, and records what every layer added, changed and removed.
///
/// Rules (OCI image-spec layer.md "Whiteouts"; fixtures/tools/README.md "Union rules"):
/// a layer's whiteouts apply first and only to lower content (`.wh.NAME` removes NAME
/// and its subtree, `.wh..wh..opq` every lower child of its directory); then its entries
/// in tar order: missing parents become implicit directories, directory over directory
/// keeps the children, anything else replaces the path and its subtree; a hardlink shares
/// its target's inode. Regular-file bytes are accounted per inode, so a hardlink is counted
/// once and `reclaimable = shipped − final` holds exactly.
public struct Replay: Sendable {
    public private(set) var paths = PathTable()
    /// The regular files' inodes, by number (`NodeState.inode`): 16 bytes each, their size read from the
    /// changeset row that shipped them.
    public var inodes: Inodes { Inodes(replay: self) }
    private var inodeRecords: ContiguousArray<InodeRecord> = []
    public private(set) var diffs: [LayerDiff] = []
    public private(set) var warnings: [String] = []

    // Every state a node has had is a version: the layer that left it, the state (nil = absent) and the
    // node's previous version. A node's current state is its newest version, which a layer creates the
    // first time it touches the node and then edits in place; so the versions a layer created are exactly
    // the nodes it touched, each once, with their state below it one link away.
    // A version stores only the changeset row that wrote it and its inode (8 bytes, not a 32-byte
    // `NodeState`): kind, mode and owner are that row's, the size its inode's.
    /// The newest version of each node (-1: never present).
    private var latestVersion: ContiguousArray<Int32> = [-1]
    /// The row of the layer's changeset that wrote the version; `implicitRow` for a directory created as
    /// a parent, `absentRow` when the version removed the node.
    private var versionRow: ContiguousArray<Int32> = []
    private var versionInode: ContiguousArray<Int32> = []
    private static let implicitRow: Int32 = -1, absentRow: Int32 = -2
    private var versionPrevious: ContiguousArray<Int32> = []
    private var versionNode: ContiguousArray<PathTable.NodeID> = []
    private var versionLayer: ContiguousArray<Int16> = []

    public init() {}

    /// Replays every layer of `changesets`, base first.
    public init(changesets: [Changeset]) {
        reserve(rows: changesets.reduce(0) { $0 + $1.count })
        for c in changesets { apply(c) }
    }

    /// Makes room for `rows` changeset rows in all (the layers applied so far and those to come): every
    /// row makes at most one node and one version (implicit parents are few), so arrays that grow by
    /// doubling would hold up to twice what a large image needs.
    private mutating func reserve(rows: Int) {
        let n = rows + 1
        guard n > latestVersion.capacity else { return }
        paths.reserve(n)
        latestVersion.reserveCapacity(n)
        versionRow.reserveCapacity(n)
        versionInode.reserveCapacity(n)
        versionPrevious.reserveCapacity(n)
        versionNode.reserveCapacity(n)
        versionLayer.reserveCapacity(n)
        inodeRecords.reserveCapacity(n)
    }

    /// The current state of every node (nil = absent), indexed by node; after `apply` of the last
    /// layer, the final filesystem.
    public var current: States { States(replay: self) }

    /// Node → its newest state, as a collection indexed by node (`currentState(_:)` one at a time).
    public struct States: RandomAccessCollection, Sendable {
        fileprivate let replay: Replay
        public var startIndex: Int { 0 }
        public var endIndex: Int { replay.latestVersion.count }
        public subscript(node: Int) -> NodeState? { replay.currentState(node) }
    }

    /// Nodes that have a state slot (`current.count`): every node the replay created.
    public var nodeCount: Int { latestVersion.count }

    /// The current state of `node` (nil = absent): after `apply` of the last layer, in the final filesystem.
    @inline(__always) public func currentState(_ node: Int) -> NodeState? {
        let v = latestVersion[node]
        return v < 0 ? nil : state(version: Int(v))
    }

    @inline(__always) private func state(_ n: PathTable.NodeID) -> NodeState? { currentState(Int(n)) }

    /// True when `n` is present in the current filesystem.
    @inline(__always) private func isPresent(_ n: PathTable.NodeID) -> Bool {
        let v = latestVersion[Int(n)]
        return v >= 0 && versionRow[Int(v)] != Self.absentRow
    }

    /// The state version `v` left, rebuilt from the changeset row that wrote it (nil = absent).
    @inline(__always) private func state(version v: Int) -> NodeState? {
        let row = versionRow[v]
        if row == Self.absentRow { return nil }
        let layer = Int(versionLayer[v])
        if row == Self.implicitRow { return .implicitDirectory(layer: layer) }
        let inode = versionInode[v], r = Int(row)
        return changesets[layer].withRow(r) { kind, mode, uid, gid in
            NodeState(kind: kind, mode: mode, uid: uid, gid: gid, sizeBytes: inode >= 0 ? inodeSize(Int(inode)) : 0,
                      inode: inode, layer: Int16(layer), row: row)
        }
    }

    /// Applies the next layer.
    public mutating func apply(_ changeset: Changeset) {
        let layer = diffs.count
        let firstVersion = versionRow.count
        changesets.append(changeset)   // first: content(_:) and linkTarget(_:) read this layer's rows too
        // The parent whose ancestors (itself included) the last row found all present directories: tar
        // members come grouped by directory, so the next row with that parent need not walk them again.
        // Anything that hides a node may hide one of them: `hide` forgets it.
        var verifiedParent: PathTable.NodeID = -1

        /// The version of `n` this layer edits: created the first time the layer touches `n`.
        func version(_ n: PathTable.NodeID) -> Int {
            let latest = latestVersion[Int(n)]
            if latest >= firstVersion { return Int(latest) }
            let v = versionRow.count
            versionRow.append(Self.absentRow)   // every caller sets it at once
            versionInode.append(-1)
            versionPrevious.append(latest)
            versionNode.append(n)
            versionLayer.append(Int16(layer))
            latestVersion[Int(n)] = Int32(v)
            return v
        }
        func hide(_ n: PathTable.NodeID) {
            guard isPresent(n) else { return }
            verifiedParent = -1
            let inode = versionInode[Int(latestVersion[Int(n)])]
            if inode >= 0 {
                inodeRecords[Int(inode)].visibleCount -= 1
                if inodeRecords[Int(inode)].visibleCount == 0 { inodeRecords[Int(inode)].hiddenBy = Int16(layer) }
            }
            let v = version(n)
            versionRow[v] = Self.absentRow
            versionInode[v] = -1
        }
        func removeSubtree(_ n: PathTable.NodeID, includingSelf: Bool) {
            var stack: [PathTable.NodeID] = paths.children[Int(n)]
            while let m = stack.popLast() {
                if !isPresent(m) { continue }
                stack.append(contentsOf: paths.children[Int(m)])
                hide(m)
            }
            if includingSelf { hide(n) }
        }

        // 1. Whiteouts and opaque markers, whatever their tar position.
        for row in 0..<changeset.count {
            let kind = changeset.kinds[row]
            guard kind == .whiteout || kind == .opaqueWhiteout else { continue }
            let path = changeset.pathSlice(row)
            let node = paths.existingNode(forPath: path)
            if kind == .opaqueWhiteout {
                if let node { removeSubtree(node, includingSelf: false) }
            } else if let node, node != PathTable.root, isPresent(node) {
                removeSubtree(node, includingSelf: true)
            } else {
                warnings.append("layer \(layer): whiteout of \(String(decoding: path, as: UTF8.self)), which no lower layer has")
            }
        }

        // 2. The other entries, in tar order.
        var lookup = PathTable.ParentCache()
        var ancestors: [PathTable.NodeID] = []
        for row in 0..<changeset.count {
            let kind = changeset.kinds[row]
            let node = changeset.withPath(row) { paths.node(forPath: $0, cache: &lookup) }
            if latestVersion.count < paths.count {
                latestVersion.append(contentsOf: repeatElement(-1, count: paths.count - latestVersion.count))
            }
            // the root has no parents, and only a whiteout row can name it (`.wh..wh..opq` at the top):
            // that row did its work in step 1
            if node == PathTable.root { continue }
            // Parents: create the missing ones as implicit directories.
            let parent = paths.parents[Int(node)]
            if parent != verifiedParent {
                ancestors.removeAll(keepingCapacity: true)
                var a = parent
                while a != PathTable.root { ancestors.append(a); a = paths.parents[Int(a)] }
                var allDirectories = true
                for p in ancestors.reversed() {
                    if let state = state(p) {
                        if state.kind != .directory {
                            allDirectories = false
                            warnings.append("layer \(layer): parent \(paths.path(p)) of \(paths.path(node)) is a \(state.kind.name); the path is kept literally")
                        }
                    } else {
                        let v = version(p)
                        versionRow[v] = Self.implicitRow
                        versionInode[v] = -1
                    }
                }
                if allDirectories { verifiedParent = parent }
            }
            if kind == .whiteout || kind == .opaqueWhiteout { continue }
            if kind == .socket {
                warnings.append("layer \(layer): ignored socket entry \(paths.path(node))")
                continue
            }

            var new = NodeState(kind: kind, mode: changeset.modes[row], uid: changeset.uids[row], gid: changeset.gids[row],
                                sizeBytes: 0, inode: -1, layer: Int16(layer), row: Int32(row))
            if kind == .file {
                new.sizeBytes = changeset.sizes[row]
                new.inode = Int32(inodeRecords.count)
                inodeRecords.append(InodeRecord(visibleCount: 0, node: node, row: Int32(row), layer: Int16(layer), hiddenBy: -1))
            } else if kind == .hardlink {
                let target = changeset.linkTargets[row] ?? []
                let targetNode = paths.existingNode(forPath: target)
                if let t = targetNode.flatMap({ state($0) }), (t.kind == .file || t.kind == .hardlink), t.inode >= 0 {
                    new.sizeBytes = t.sizeBytes
                    new.inode = t.inode
                } else {
                    let why = targetNode.flatMap { state($0) }.map { "not a regular file (\($0.kind.name))" } ?? "missing"
                    warnings.append("layer \(layer): hardlink \(paths.path(node)) -> \(String(decoding: target, as: UTF8.self)): target \(why)")
                }
            }
            if let old = state(node), !(old.kind == .directory && kind == .directory) {
                removeSubtree(node, includingSelf: true)
            }
            let v = version(node)
            versionRow[v] = Int32(row)
            versionInode[v] = new.inode
            if new.inode >= 0 { inodeRecords[Int(new.inode)].visibleCount += 1 }
        }

        // 3. The diff against the stack below: one version per node this layer touched.
        var diff = LayerDiff()
        for v in firstVersion..<versionRow.count {
            let n = versionNode[v]
            let previous = versionPrevious[v]
            let before = previous < 0 ? nil : state(version: Int(previous))
            guard let after = state(version: v) else {
                if let before {
                    diff.removed.append(n)
                    diff.removedStates.append(before)
                }
                continue
            }
            let isFile = after.kind == .file
            guard let before else {
                diff.added.append(n)
                if isFile { diff.addedBytes += after.sizeBytes }
                continue
            }
            if !sameContent(before, after, changesetOfAfter: changeset) {
                diff.modified.append(n)
                if isFile { diff.modifiedBytes += after.sizeBytes }
            } else if before.mode != after.mode || before.uid != after.uid || before.gid != after.gid {
                diff.metadataOnly.append(n)
                if isFile { diff.metadataOnlyFiles += 1; diff.metadataOnlyBytes += after.sizeBytes }
            } else {
                diff.unchanged.append(n)
            }
        }
        diffs.append(diff)
    }

    // MARK: versions (the filesystem at any layer)

    /// The state of `node` in the filesystem as it stands after layer `layer` (nil = absent).
    public func state(_ node: PathTable.NodeID, atLayer layer: Int) -> NodeState? {
        guard Int(node) < latestVersion.count else { return nil }
        var v = latestVersion[Int(node)]
        while v >= 0 {
            if Int(versionLayer[Int(v)]) <= layer { return state(version: Int(v)) }
            v = versionPrevious[Int(v)]
        }
        return nil
    }

    /// True when some layer in `range` changed `node` (wrote or removed it).
    public func changed(_ node: PathTable.NodeID, inLayers range: ClosedRange<Int>) -> Bool {
        guard Int(node) < latestVersion.count else { return false }
        var v = latestVersion[Int(node)]
        while v >= 0 {
            let l = Int(versionLayer[Int(v)])
            if range.contains(l) { return true }
            if l < range.lowerBound { return false }
            v = versionPrevious[Int(v)]
        }
        return false
    }

    /// The changesets applied so far (kept for link targets and device numbers).
    public private(set) var changesets: [Changeset] = []

    /// Link target bytes of a state (symlink verbatim, hardlink normalised), nil for other kinds.
    public func linkTarget(_ s: NodeState) -> [UInt8]? {
        guard s.row >= 0, s.kind == .symlink || s.kind == .hardlink else { return nil }
        return changesets[Int(s.layer)].linkTargets[Int(s.row)]
    }

    /// XXH3-128 of a state's content (a file, or a hardlink resolved to one), else zero.
    public func content(_ s: NodeState) -> ContentDigest {
        guard s.inode >= 0 else { return .zero }
        let inode = inodeRecords[Int(s.inode)]
        return changesets[Int(inode.layer)].contentDigests[Int(inode.row)]
    }

    /// Device numbers of a character or block device state.
    public func device(_ s: NodeState) -> Changeset.Device? {
        guard s.row >= 0, s.kind == .charDevice || s.kind == .blockDevice else { return nil }
        return changesets[Int(s.layer)].devices[Int(s.row)]
    }

    /// Content equality: type, content digest, link target and device numbers (truth.py `Node.content`).
    private func sameContent(_ a: NodeState, _ b: NodeState, changesetOfAfter: Changeset) -> Bool {
        guard a.kind == b.kind, content(a) == content(b) else { return false }
        let linkB: [UInt8]? = (b.kind == .symlink || b.kind == .hardlink) ? changesetOfAfter.linkTargets[Int(b.row)] : nil
        let devB: Changeset.Device? = (b.kind == .charDevice || b.kind == .blockDevice) ? changesetOfAfter.devices[Int(b.row)] : nil
        return linkTarget(a) == linkB && device(a) == devB
    }

    // MARK: totals

    /// Regular-file bytes shipped by all layers (one per inode).
    public var shippedBytes: Int64 { inodeRecords.indices.reduce(0) { $0 + inodeSize($1) } }
    /// Regular-file bytes visible in the final filesystem (distinct inodes).
    public var finalBytes: Int64 { inodeRecords.indices.reduce(0) { $0 + (inodeRecords[$1].visibleCount > 0 ? inodeSize($1) : 0) } }

    /// Inode `i`'s bytes: the size in the header of the entry that shipped it.
    @inline(__always) private func inodeSize(_ i: Int) -> Int64 {
        let r = inodeRecords[i]
        return changesets[Int(r.layer)].sizes[Int(r.row)]
    }

    /// An inode as stored (`Inode` without its size, which its changeset row has).
    struct InodeRecord {
        var visibleCount: Int32
        var node: PathTable.NodeID
        var row: Int32
        var layer: Int16
        var hiddenBy: Int16
    }

    /// The inodes as `Inode` values, by number.
    public struct Inodes: RandomAccessCollection, Sendable {
        fileprivate let replay: Replay
        public var startIndex: Int { 0 }
        public var endIndex: Int { replay.inodeRecords.count }
        public subscript(i: Int) -> Inode {
            let r = replay.inodeRecords[i]
            return Inode(sizeBytes: replay.inodeSize(i), layer: r.layer, visibleCount: r.visibleCount, hiddenBy: r.hiddenBy,
                         node: r.node, row: r.row)
        }
    }

    /// Bytes shipped that the final filesystem does not show: `shippedBytes − finalBytes`.
    public var reclaimableBytes: Int64 { shippedBytes - finalBytes }
}
