/// dive 0.13.1's image metrics, computed exactly as dive computes them
/// (`dive/filetree/efficiency.go`, `dive/image/image.go`; dive-reference.md §2),
/// on the layers as fathom read them (manifest order, symlinked layers followed).
public struct DiveMetrics: Sendable {
    /// Σ min / Σ cumulative over every path key; 1 when the denominator is 0. Ratio 0…1.
    public var efficiency: Double
    /// Σ cumulative bytes of the inefficient paths (all copies, dive issue #684).
    public var wastedBytes: Int64
    /// Σ of every layer's tar header sizes (dive's image `sizeBytes`).
    public var sizeBytes: Int64
    /// Σ of the header sizes of layers 1… (layer 0 is the base).
    public var userSizeBytes: Int64
    /// wastedBytes / userSizeBytes; nil where dive would print NaN or +Inf (no user bytes).
    public var userWastedPercent: Double?
    /// Per layer, dive's `Size`: Σ header sizes of its members.
    public var layerSizeBytes: [Int64]
    /// Paths seen in two or more layers, largest cumulative first (dive's order).
    public var inefficientFiles: [InefficientFile]

    /// One entry of dive's inefficient-file list.
    public struct InefficientFile: Sendable, Equatable {
        /// The path with a leading `/` (invalid UTF-8 replaced by U+FFFD).
        public var path: String
        /// The path's raw bytes, with the leading `/`.
        public var pathBytes: [UInt8]
        /// How many layers hold the path (whiteouts included).
        public var count: Int
        /// Σ of the sizes of every copy, in bytes.
        public var sizeBytes: Int64
        /// The layers in which the path occurs, in order.
        public var layers: [Int]
    }
}

/// dive's metrics of an image, computed on dive's per-layer trees. Only the running stacked tree and
/// the current layer's tree live at once; `layerTree(_:)` rebuilds a layer's tree for the JSON export.
public struct DiveModel: Sendable {
    /// Layers whose efficiency walk dive aborts (a whiteout whose target is absent below), with that path.
    public private(set) var abortedWalks: [(layer: Int, path: String)] = []
    public private(set) var metrics: DiveMetrics

    /// Builds dive's trees from the changesets and computes the metrics.
    public init(changesets: [Changeset]) {
        metrics = DiveMetrics(efficiency: 1, wastedBytes: 0, sizeBytes: 0, userSizeBytes: 0, userWastedPercent: nil,
                              layerSizeBytes: changesets.map(\.headerSizeBytes), inefficientFiles: [])
        compute(changesets)
    }

    /// dive's tree of one layer (for the JSON export's `fileList`), with the names it uses.
    static func layerTree(_ changeset: Changeset, layer: Int) -> (tree: DiveTree, names: NameTable) {
        var names = NameTable()
        let tree = tree(changeset, layer: layer, names: &names)
        return (tree, names)
    }

    static func tree(_ c: Changeset, layer: Int, names: inout NameTable) -> DiveTree {
        var tree = DiveTree(capacity: c.count + 1)
        let opaque = names.intern(Array(".wh..wh..opq".utf8))
        // tar members come grouped by directory: the parent of the previous row is usually the parent of this one
        var cachedParent: ArraySlice<UInt8>?
        var cachedParentNode: DiveTree.NodeID = 0
        rows: for row in 0..<c.count {
            let path = c.pathSlice(row)
            let kind = c.kinds[row]
            guard !path.isEmpty else { continue }
            let parentBytes: ArraySlice<UInt8>, lastName: NameTable.NameID
            if kind == .opaqueWhiteout {
                parentBytes = path
                lastName = opaque
            } else {
                let slash = path.lastIndex(of: 0x2F)
                parentBytes = slash.map { path[path.startIndex..<$0] } ?? path[path.startIndex..<path.startIndex]
                let last = slash.map { path[($0 + 1)...] } ?? path
                lastName = kind == .whiteout ? names.intern(DiveTree.whiteoutPrefix + Array(last)) : names.intern(last)
            }
            var parent: DiveTree.NodeID = 0
            if let cached = cachedParent, cached == parentBytes {
                parent = cachedParentNode
            } else {
                cachedParent = nil
                var start = parentBytes.startIndex
                while start < parentBytes.endIndex {
                    var end = start
                    while end < parentBytes.endIndex && parentBytes[end] != 0x2F { end += 1 }
                    if end > start {
                        guard let child = tree.addChild(parent, names.intern(parentBytes[start..<end]), names: names) else { continue rows }
                        parent = child
                    }
                    start = end + 1
                }
                cachedParent = parentBytes
                cachedParentNode = parent
            }
            guard let node = tree.addChild(parent, lastName, names: names) else { continue }
            tree.payloads[Int(node)] = DiveTree.Payload(sizeBytes: c.sizes[row], isDirectory: kind == .directory,
                                                        layer: Int16(layer), row: Int32(row))
        }
        return tree
    }

    func isWhiteout(_ tree: DiveTree, _ node: DiveTree.NodeID, _ table: NameTable) -> Bool {
        table.bytes(tree.names[Int(node)]).starts(with: DiveTree.whiteoutPrefix)
    }

    /// The stripped components of a whiteout node (the path it removes).
    func strippedComponents(_ tree: DiveTree, _ node: DiveTree.NodeID, names table: inout NameTable) -> [NameTable.NameID] {
        var comps = tree.components(node)
        if let last = comps.popLast() {
            let bytes = table.bytes(last)
            comps.append(table.intern(bytes.dropFirst(DiveTree.whiteoutPrefix.count)))
        }
        return comps
    }

    /// dive `StackTreeRange` step: grafts `upper` onto `lower` (whiteouts remove, other nodes AddPath with their payload).
    /// Each upper node's lower node is remembered, so AddPath walks from the parent, not the root; a removal
    /// forgets everything remembered (a removed subtree's nodes must not be reused).
    func stack(_ lower: inout DiveTree, _ upper: DiveTree, names table: inout NameTable) {
        var memo = [DiveTree.NodeID](repeating: -1, count: upper.names.count)
        var memoGeneration = [Int32](repeating: 0, count: upper.names.count)
        var generation: Int32 = 1
        func lowerNode(_ n: DiveTree.NodeID) -> DiveTree.NodeID? {
            if n == 0 { return 0 }
            if memoGeneration[Int(n)] == generation { return memo[Int(n)] }
            guard let p = lowerNode(upper.parents[Int(n)]), let c = lower.addChild(p, upper.names[Int(n)], names: table) else { return nil }
            memo[Int(n)] = c
            memoGeneration[Int(n)] = generation
            return c
        }
        upper.postOrder(table) { n in
            if isWhiteout(upper, n, table) {
                let comps = strippedComponents(upper, n, names: &table)
                if let target = lower.lookup(comps) { lower.remove(target); generation += 1 }
            } else if let node = lowerNode(n) {
                lower.payloads[Int(node)] = upper.payloads[Int(n)]
            }
        }
    }

    struct Abort: Error { let path: [UInt8] }

    mutating func compute(_ changesets: [Changeset]) {
        // Path keys as a tree of (parent key, name) pairs: no byte strings per leaf.
        var keyIndex = NodeIndex()
        var keyParent: [Int32] = [-1], keyName: [NameTable.NameID] = [0]
        var cumulative: [Int64] = [0], minimum: [Int64] = [-1], counts: [Int32] = [0], firstLayer: [Int16] = [0]
        // keys dive created (a leaf was visited, or a walk aborted on it); directory keys are not dive's
        var isDiveKey: [Bool] = [false]
        var laterLayers: [Int32: [Int]] = [:]   // only for keys seen twice or more
        var order: [Int32] = []
        var table = NameTable()
        var strippedCache: [NameTable.NameID: NameTable.NameID] = [:]
        func keyChild(_ parent: Int32, _ name: NameTable.NameID) -> Int32 {
            let k = UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(name)
            if let id = keyIndex[k] { return id }
            let id = Int32(keyParent.count)
            keyIndex[k] = id
            keyParent.append(parent); keyName.append(name)
            cumulative.append(0); minimum.append(-1); counts.append(0); firstLayer.append(0); isDiveKey.append(false)
            return id
        }
        func keyBytes(_ key: Int32) -> [UInt8] {
            var chain: [NameTable.NameID] = []
            var k = key
            while k > 0 { chain.append(keyName[Int(k)]); k = keyParent[Int(k)] }
            var out: [UInt8] = []
            for name in chain.reversed() { out.append(0x2F); out.append(contentsOf: table.bytes(name)) }
            return out
        }
        let rows = changesets.reduce(0) { $0 + $1.count } + 1
        keyIndex.reserve(rows)
        keyParent.reserveCapacity(rows); keyName.reserveCapacity(rows); cumulative.reserveCapacity(rows)
        minimum.reserveCapacity(rows); counts.reserveCapacity(rows); firstLayer.reserveCapacity(rows); isDiveKey.reserveCapacity(rows)
        var stacked = DiveTree()   // StackTreeRange(0..i-1); for layer 0, tree 0 itself
        for (i, changeset) in changesets.enumerated() {
            let tree = Self.tree(changeset, layer: i, names: &table)
            if i == 0 { stacked = tree; stacked.reserve(rows) }
            var nodeKey = [Int32](repeating: -1, count: tree.names.count)
            nodeKey[0] = 0
            func directoryKey(_ n: DiveTree.NodeID) -> Int32 {
                if nodeKey[Int(n)] >= 0 { return nodeKey[Int(n)] }
                let k = keyChild(directoryKey(tree.parents[Int(n)]), tree.names[Int(n)])
                nodeKey[Int(n)] = k
                return k
            }
            do {
                try tree.postOrder(table) { n in
                    guard tree.children[Int(n)].isEmpty else { return }
                    let whiteout = isWhiteout(tree, n, table)
                    var name = tree.names[Int(n)]
                    if whiteout {
                        if let cached = strippedCache[name] { name = cached } else {
                            let stripped = table.intern(table.bytes(name).dropFirst(DiveTree.whiteoutPrefix.count))
                            strippedCache[name] = stripped
                            name = stripped
                        }
                    }
                    let slot = Int(keyChild(directoryKey(tree.parents[Int(n)]), name))
                    isDiveKey[slot] = true
                    var size: Int64 = 0
                    if whiteout {
                        let comps = tree.components(tree.parents[Int(n)]) + [name]  // `name` is already stripped
                        guard let prev = stacked.lookup(comps) else { throw Abort(path: keyBytes(Int32(slot))) }
                        if stacked.payloads[Int(prev)]?.isDirectory == true {
                            stacked.postOrder(table, from: prev, includeStart: true) { m in
                                size += stacked.payloads[Int(m)]?.sizeBytes ?? 0
                            }
                        }
                    } else {
                        size = tree.payloads[Int(n)]?.sizeBytes ?? 0
                    }
                    cumulative[slot] += size
                    if minimum[slot] < 0 || size < minimum[slot] { minimum[slot] = size }
                    counts[slot] += 1
                    if counts[slot] == 1 { firstLayer[slot] = Int16(i) } else { laterLayers[Int32(slot), default: []].append(i) }
                    if counts[slot] == 2 { order.append(Int32(slot)) }
                }
            } catch let abort as Abort {
                abortedWalks.append((i, String(decoding: abort.path, as: UTF8.self)))
            } catch {}
            stack(&stacked, tree, names: &table)
        }
        var minSum: Int64 = 0, cumSum: Int64 = 0
        for k in cumulative.indices where isDiveKey[k] { minSum += minimum[k]; cumSum += cumulative[k] }
        metrics.efficiency = cumSum == 0 ? 1.0 : Double(minSum) / Double(cumSum)
        // dive: sort.Sort ascending by cumulative (stable for these sizes), then reversed.
        let ascending = order.enumerated().sorted { a, b in
            cumulative[Int(a.element)] != cumulative[Int(b.element)] ? cumulative[Int(a.element)] < cumulative[Int(b.element)] : a.offset < b.offset
        }.map(\.element)
        metrics.inefficientFiles = ascending.reversed().map { k in
            let bytes = keyBytes(k)
            return DiveMetrics.InefficientFile(path: String(decoding: bytes, as: UTF8.self), pathBytes: bytes, count: Int(counts[Int(k)]),
                                               sizeBytes: cumulative[Int(k)], layers: [Int(firstLayer[Int(k)])] + (laterLayers[k] ?? []))
        }
        metrics.wastedBytes = order.reduce(0) { $0 + cumulative[Int($1)] }
        metrics.sizeBytes = metrics.layerSizeBytes.reduce(0, +)
        metrics.userSizeBytes = metrics.layerSizeBytes.dropFirst().reduce(0, +)
        metrics.userWastedPercent = metrics.userSizeBytes == 0 ? nil : Double(metrics.wastedBytes) / Double(metrics.userSizeBytes)
    }
}
