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
    /// The current state of every node (nil = absent); after `apply` of the last layer, the final filesystem.
    public private(set) var current: ContiguousArray<NodeState?> = [nil]
    public private(set) var inodes: [Inode] = []
    public private(set) var diffs: [LayerDiff] = []
    public private(set) var warnings: [String] = []

    public init() {}

    /// Replays every layer of `changesets`, base first.
    public init(changesets: [Changeset]) {
        reserve(rows: changesets.reduce(0) { $0 + $1.count })
        for c in changesets { apply(c) }
    }

    /// Makes room for `rows` changeset rows in all (the layers applied so far and those to come): every
    /// row makes at most one node and one version (implicit parents are few), so arrays that grow by
    /// doubling would hold up to twice what a large image needs.
    public mutating func reserve(rows: Int) {
        let n = rows + 1
        guard n > current.capacity else { return }
        paths.reserve(n)
        for a in [\Replay.touchedIn, \Replay.savedAt, \Replay.classifiedIn, \Replay.latestVersion, \Replay.versionPrevious] {
            self[keyPath: a].reserveCapacity(n)
        }
        current.reserveCapacity(n)
        versionState.reserveCapacity(n)
        versionLayer.reserveCapacity(n)
        inodes.reserveCapacity(n)
    }

    /// Per node: the last layer that touched it, and where its saved state is in that layer's list.
    private var touchedIn: ContiguousArray<Int32> = [-1]
    private var savedAt: ContiguousArray<Int32> = [-1]
    private var classifiedIn: ContiguousArray<Int32> = [-1]

    private mutating func grow() {
        let missing = paths.count - current.count
        guard missing > 0 else { return }
        current.append(contentsOf: repeatElement(nil, count: missing))
        touchedIn.append(contentsOf: repeatElement(-1, count: missing))
        savedAt.append(contentsOf: repeatElement(-1, count: missing))
        classifiedIn.append(contentsOf: repeatElement(-1, count: missing))
    }

    /// Applies the next layer.
    public mutating func apply(_ changeset: Changeset) {
        let layer = diffs.count
        changesets.append(changeset)   // first: content(_:) and linkTarget(_:) read this layer's rows too
        // The state each node had below this layer, for the nodes this layer touches: per-node stamps
        // and a list rather than a dictionary (this runs for every entry of every layer).
        var saved: [(node: PathTable.NodeID, before: NodeState?)] = []
        var touched: [PathTable.NodeID] = []
        var implicitCreated: [PathTable.NodeID] = []
        // The parent whose ancestors (itself included) the last row found all present directories: tar
        // members come grouped by directory, so the next row with that parent need not walk them again.
        // Anything that hides a node may hide one of them: `hide` forgets it.
        var verifiedParent: PathTable.NodeID = -1

        func remember(_ n: PathTable.NodeID) {
            if touchedIn[Int(n)] != Int32(layer) {
                touchedIn[Int(n)] = Int32(layer)
                savedAt[Int(n)] = Int32(saved.count)
                saved.append((n, current[Int(n)]))
            }
        }
        func hide(_ n: PathTable.NodeID) {
            guard let state = current[Int(n)] else { return }
            verifiedParent = -1
            remember(n)
            if state.inode >= 0 {
                inodes[Int(state.inode)].visibleCount -= 1
                if inodes[Int(state.inode)].visibleCount == 0 { inodes[Int(state.inode)].hiddenBy = Int16(layer) }
            }
            current[Int(n)] = nil
        }
        func removeSubtree(_ n: PathTable.NodeID, includingSelf: Bool) {
            var stack: [PathTable.NodeID] = paths.children[Int(n)]
            while let m = stack.popLast() {
                if current[Int(m)] == nil { continue }
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
            } else if let node, node != PathTable.root, current[Int(node)] != nil {
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
            grow()
            // Parents: create the missing ones as implicit directories.
            let parent = paths.parents[Int(node)]
            if parent != verifiedParent {
                ancestors.removeAll(keepingCapacity: true)
                var a = parent
                while a != PathTable.root { ancestors.append(a); a = paths.parents[Int(a)] }
                var allDirectories = true
                for p in ancestors.reversed() {
                    if let state = current[Int(p)] {
                        if state.kind != .directory {
                            allDirectories = false
                            warnings.append("layer \(layer): parent \(paths.path(p)) of \(paths.path(node)) is a \(state.kind.name); the path is kept literally")
                        }
                    } else {
                        remember(p)
                        current[Int(p)] = .implicitDirectory(layer: layer)
                        implicitCreated.append(p)
                    }
                }
                if allDirectories { verifiedParent = parent }
            }
            if kind == .whiteout || kind == .opaqueWhiteout { continue }
            if kind == .socket {
                warnings.append("layer \(layer): ignored socket entry \(paths.path(node))")
                continue
            }

            var state = NodeState(kind: kind, mode: changeset.modes[row], uid: changeset.uids[row], gid: changeset.gids[row],
                                  sizeBytes: 0, inode: -1, layer: Int16(layer), row: Int32(row))
            if kind == .file {
                state.sizeBytes = changeset.sizes[row]
                state.inode = Int32(inodes.count)
                inodes.append(Inode(sizeBytes: state.sizeBytes, layer: Int16(layer), visibleCount: 0, hiddenBy: -1, node: node,
                                    row: Int32(row)))
            } else if kind == .hardlink {
                let target = changeset.linkTargets[row] ?? []
                let targetNode = paths.existingNode(forPath: target)
                if let t = targetNode.flatMap({ current[Int($0)] }), (t.kind == .file || t.kind == .hardlink), t.inode >= 0 {
                    state.sizeBytes = t.sizeBytes
                    state.inode = t.inode
                } else {
                    let why = targetNode.flatMap { current[Int($0)] }.map { "not a regular file (\($0.kind.name))" } ?? "missing"
                    warnings.append("layer \(layer): hardlink \(paths.path(node)) -> \(String(decoding: target, as: UTF8.self)): target \(why)")
                }
            }
            if let old = current[Int(node)], !(old.kind == .directory && kind == .directory) {
                removeSubtree(node, includingSelf: true)
            } else {
                remember(node)
            }
            current[Int(node)] = state
            if state.inode >= 0 { inodes[Int(state.inode)].visibleCount += 1 }
            touched.append(node)
        }

        // 3. The diff against the stack below.
        var diff = LayerDiff()
        // each node once (a path written twice in the layer is one change): a per-node stamp, not a Set
        let stamp = Int32(-2 - layer)
        for n in touched + implicitCreated where classifiedIn[Int(n)] != stamp {
            classifiedIn[Int(n)] = stamp
            guard let after = current[Int(n)] else { continue }
            let isFile = after.kind == .file
            guard let before = saved[Int(savedAt[Int(n)])].before else {
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
        for (n, before) in saved {
            if let before, current[Int(n)] == nil {
                diff.removed.append(n)
                diff.removedStates.append(before)
            }
            recordVersion(n, layer: layer)
        }
        diffs.append(diff)
    }

    // MARK: versions (the filesystem at any layer)

    /// For each version: the layer, the state it left (nil = absent), and the previous version of the node (-1 none).
    private var versionLayer: ContiguousArray<Int16> = []
    private var versionState: ContiguousArray<NodeState?> = []
    private var versionPrevious: ContiguousArray<Int32> = []
    /// The newest version of each node (-1: never changed).
    private var latestVersion: ContiguousArray<Int32> = [-1]

    private mutating func recordVersion(_ n: PathTable.NodeID, layer: Int) {
        while latestVersion.count < paths.count { latestVersion.append(-1) }
        let v = Int32(versionLayer.count)
        versionLayer.append(Int16(layer))
        versionState.append(current[Int(n)])
        versionPrevious.append(latestVersion[Int(n)])
        latestVersion[Int(n)] = v
    }

    /// The state of `node` in the filesystem as it stands after layer `layer` (nil = absent).
    public func state(_ node: PathTable.NodeID, atLayer layer: Int) -> NodeState? {
        guard Int(node) < latestVersion.count else { return nil }
        var v = latestVersion[Int(node)]
        while v >= 0 {
            if Int(versionLayer[Int(v)]) <= layer { return versionState[Int(v)] }
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

    /// SHA-256 of a state's content (a file, or a hardlink resolved to one), else zero.
    public func content(_ s: NodeState) -> ContentDigest {
        guard s.inode >= 0 else { return .zero }
        let inode = inodes[Int(s.inode)]
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
    public var shippedBytes: Int64 { inodes.reduce(0) { $0 + $1.sizeBytes } }
    /// Regular-file bytes visible in the final filesystem (distinct inodes).
    public var finalBytes: Int64 { inodes.reduce(0) { $0 + ($1.visibleCount > 0 ? $1.sizeBytes : 0) } }
    /// Bytes shipped that the final filesystem does not show: `shippedBytes − finalBytes`.
    public var reclaimableBytes: Int64 { shippedBytes - finalBytes }
}
