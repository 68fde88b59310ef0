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

/// The per-layer dive trees of an image and the metrics computed from them.
public struct DiveModel: Sendable {
    var names = NameTable()
    var trees: [DiveTree] = []
    /// Layers whose efficiency walk dive aborts (a whiteout whose target is absent below), with that path.
    public private(set) var abortedWalks: [(layer: Int, path: String)] = []
    public private(set) var metrics: DiveMetrics

    /// Builds dive's trees from the changesets and computes the metrics.
    public init(changesets: [Changeset]) {
        var names = NameTable()
        var trees: [DiveTree] = []
        for (layer, c) in changesets.enumerated() {
            trees.append(Self.tree(c, layer: layer, names: &names))
        }
        self.names = names
        self.trees = trees
        metrics = DiveMetrics(efficiency: 1, wastedBytes: 0, sizeBytes: 0, userSizeBytes: 0, userWastedPercent: nil,
                              layerSizeBytes: changesets.map(\.headerSizeBytes), inefficientFiles: [])
        compute()
    }

    static func components(_ path: ArraySlice<UInt8>, names: inout NameTable) -> [NameTable.NameID] {
        path.split(separator: 0x2F, omittingEmptySubsequences: true).map { names.intern($0) }
    }

    static func tree(_ c: Changeset, layer: Int, names: inout NameTable) -> DiveTree {
        var tree = DiveTree()
        for row in 0..<c.count {
            var comps = components(c.pathSlice(row), names: &names)
            let payload = DiveTree.Payload(sizeBytes: c.sizes[row], isDirectory: c.kinds[row] == .directory,
                                           layer: Int16(layer), row: Int32(row))
            switch c.kinds[row] {
            case .whiteout:
                guard let last = comps.popLast() else { continue }
                comps.append(names.intern(DiveTree.whiteoutPrefix + Array(names.bytes(last))))
                tree.add(comps, payload: payload, names: names)
            case .opaqueWhiteout:
                comps.append(names.intern(Array(".wh..wh..opq".utf8)))
                tree.add(comps, payload: payload, names: names)
            default:
                tree.add(comps, payload: payload, names: names)
            }
        }
        return tree
    }

    /// The key dive gives a node: `/` + its path, `.wh.` removed from the last component.
    func key(_ tree: DiveTree, _ node: DiveTree.NodeID) -> [UInt8] {
        let comps = tree.components(node)
        var out: [UInt8] = []
        for (i, c) in comps.enumerated() {
            out.append(0x2F)
            let bytes = names.bytes(c)
            if i == comps.count - 1 && bytes.starts(with: DiveTree.whiteoutPrefix) {
                out.append(contentsOf: bytes.dropFirst(DiveTree.whiteoutPrefix.count))
            } else {
                out.append(contentsOf: bytes)
            }
        }
        return out
    }

    func isWhiteout(_ tree: DiveTree, _ node: DiveTree.NodeID) -> Bool {
        names.bytes(tree.names[Int(node)]).starts(with: DiveTree.whiteoutPrefix)
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
    mutating func stack(_ lower: inout DiveTree, _ upper: DiveTree) {
        var table = names
        upper.postOrder(table) { n in
            if isWhiteout(upper, n) {
                let comps = strippedComponents(upper, n, names: &table)
                if let target = lower.lookup(comps) { lower.remove(target) }
            } else {
                lower.add(upper.components(n), payload: upper.payloads[Int(n)], names: table)
            }
        }
        names = table
    }

    struct Abort: Error { let path: [UInt8] }

    mutating func compute() {
        var keys: [[UInt8]: Int] = [:]
        var cumulative: [Int64] = [], minimum: [Int64] = [], counts: [Int] = [], layersOf: [[Int]] = [], keyBytes: [[UInt8]] = []
        var order: [Int] = []
        var stacked = trees.first ?? DiveTree()   // StackTreeRange(0..i-1); for layer 0, tree 0 itself
        for (i, tree) in trees.enumerated() {
            let lookupTree = stacked
            var table = names
            do {
                try tree.postOrder(table) { n in
                    guard tree.children[Int(n)].isEmpty else { return }
                    let k = key(tree, n)
                    let slot: Int
                    if let s = keys[k] { slot = s } else {
                        slot = cumulative.count
                        keys[k] = slot
                        cumulative.append(0); minimum.append(-1); counts.append(0); layersOf.append([]); keyBytes.append(k)
                    }
                    var size: Int64 = 0
                    if isWhiteout(tree, n) {
                        let comps = strippedComponents(tree, n, names: &table)
                        guard let prev = lookupTree.lookup(comps) else { throw Abort(path: k) }
                        if lookupTree.payloads[Int(prev)]?.isDirectory == true {
                            lookupTree.postOrder(table, from: prev, includeStart: true) { m in
                                size += lookupTree.payloads[Int(m)]?.sizeBytes ?? 0
                            }
                        }
                    } else {
                        size = tree.payloads[Int(n)]?.sizeBytes ?? 0
                    }
                    cumulative[slot] += size
                    if minimum[slot] < 0 || size < minimum[slot] { minimum[slot] = size }
                    counts[slot] += 1
                    layersOf[slot].append(i)
                    if counts[slot] == 2 { order.append(slot) }
                }
            } catch let abort as Abort {
                abortedWalks.append((i, String(decoding: abort.path, as: UTF8.self)))
            } catch {}
            names = table
            if i == 0 { stacked = trees[0] }
            stack(&stacked, tree)
        }
        let minSum = minimum.reduce(0, +)
        let cumSum = cumulative.reduce(0, +)
        metrics.efficiency = cumSum == 0 ? 1.0 : Double(minSum) / Double(cumSum)
        // dive: sort.Sort ascending by cumulative (stable for these sizes), then reversed.
        let ascending = order.enumerated().sorted { a, b in
            cumulative[a.element] != cumulative[b.element] ? cumulative[a.element] < cumulative[b.element] : a.offset < b.offset
        }.map(\.element)
        metrics.inefficientFiles = ascending.reversed().map {
            DiveMetrics.InefficientFile(path: String(decoding: keyBytes[$0], as: UTF8.self), pathBytes: keyBytes[$0], count: counts[$0],
                                        sizeBytes: cumulative[$0], layers: layersOf[$0])
        }
        metrics.wastedBytes = order.reduce(0) { $0 + cumulative[$1] }
        metrics.sizeBytes = metrics.layerSizeBytes.reduce(0, +)
        metrics.userSizeBytes = metrics.layerSizeBytes.dropFirst().reduce(0, +)
        metrics.userWastedPercent = metrics.userSizeBytes == 0 ? nil : Double(metrics.wastedBytes) / Double(metrics.userSizeBytes)
    }
}
