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

/// dive's metrics of an image, computed as dive walks and stacks its per-layer trees (`DiveWalk`: one
/// trie of every layer's paths; only the current layer's tree is materialised, as a flat table).
/// `layerTree(_:)` builds a layer's own `DiveTree` for the JSON export.
public struct DiveModel: Sendable {
    /// Layers whose efficiency walk dive aborts (a whiteout whose target is absent below), with that path.
    public private(set) var abortedWalks: [(layer: Int, path: String)] = []
    public private(set) var metrics: DiveMetrics

    /// Walks dive's trees of the changesets and computes the metrics.
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

    mutating func compute(_ changesets: [Changeset]) {
        var walk = DiveWalk(capacity: changesets.reduce(0) { $0 + $1.count }, nameBytes: changesets.reduce(0) { $0 + $1.pathBytes.count })
        for (i, changeset) in changesets.enumerated() { walk.add(changeset, layer: i) }
        abortedWalks = walk.abortedWalks.map { ($0.layer, String(decoding: $0.path, as: UTF8.self)) }
        let nodes = walk.nodes, order = walk.order
        var minSum: Int64 = 0, cumSum: Int64 = 0
        for k in 0..<nodes.count where walk.isDiveKey(k) { minSum += walk.minimum(Int32(k)); cumSum += nodes[k].cumulative }
        metrics.efficiency = cumSum == 0 ? 1.0 : Double(minSum) / Double(cumSum)
        // dive: Go's sort.Sort ascending by cumulative (its order of ties included), then reversed.
        var ascending = order
        GoSort.sort(&ascending) { nodes[Int($0)].cumulative < nodes[Int($1)].cumulative }
        metrics.inefficientFiles = ascending.reversed().map { k in
            let bytes = walk.pathBytes(k)
            return DiveMetrics.InefficientFile(path: String(decoding: bytes, as: UTF8.self), pathBytes: bytes, count: walk.count(k),
                                               sizeBytes: nodes[Int(k)].cumulative, layers: walk.layers(k))
        }
        metrics.wastedBytes = order.reduce(0) { $0 + nodes[Int($1)].cumulative }
        metrics.sizeBytes = metrics.layerSizeBytes.reduce(0, +)
        metrics.userSizeBytes = metrics.layerSizeBytes.dropFirst().reduce(0, +)
        metrics.userWastedPercent = metrics.userSizeBytes == 0 ? nil : Double(metrics.wastedBytes) / Double(metrics.userSizeBytes)
    }
}
