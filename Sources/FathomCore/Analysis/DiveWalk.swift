import Foundation

/// The engine of `DiveModel`: dive's efficiency walk and layer stacking (dive-reference.md §1–§2) on one
/// trie of every path of every layer ("union" nodes), so that a path is hashed once per layer row only.
///
/// - A path key of dive's efficiency map is a union node (a whiteout leaf's key is its stripped sibling).
/// - dive's stacked tree (`StackTreeRange(0..i-1)`) is the set of union nodes flagged alive, with their
///   payload's size and directory flag; a removal clears the flag over the subtree, a re-creation sets it
///   again with an empty payload. Alive nodes always have alive parents, so "is this path in the stacked
///   tree" is one flag.
/// - Layer `i`'s own tree is rebuilt per layer as local nodes pointing at union nodes, with its children
///   in byte order (Go `sort.Strings`): a flat child table filled once and sorted only where tar order was not.
struct DiveWalk {
    /// A union node: its place in the trie, its state in the stacked tree and its entry in dive's
    /// efficiency map, side by side (one record per node: a lookup touches one cache line).
    struct Node {
        // (the 64-bit fields first: 48 bytes a record)
        /// Efficiency map: Σ sizes (the smallest is this while the key was seen once, else in `repeated`).
        var cumulative: Int64 = 0
        /// The stacked payload's size (0 for an empty payload).
        var stackedSize: Int64 = 0
        var parent: Int32
        var nameStart: UInt32
        var nameLength: UInt32
        var firstChild: Int32 = -1
        var nextSibling: Int32
        /// The node's local node in the current layer's tree, -1 when not in it.
        var local: Int32 = -1
        /// Efficiency map: the first layer (once `seen`).
        var firstLayer: Int16 = 0
        var flags: UInt8

        init(parent: Int32, nameStart: UInt32, nameLength: UInt32, nextSibling: Int32, local: Int32 = -1, flags: UInt8) {
            self.parent = parent; self.nameStart = nameStart; self.nameLength = nameLength
            self.nextSibling = nextSibling; self.local = local; self.flags = flags
        }
    }

    /// Node flags: `alive` (in the stacked tree), `stackedDirectory` (its stacked payload is a directory),
    /// `diveKey` (dive created the key: a leaf was visited or a walk aborted on it), `whiteoutName`
    /// (the name starts with `.wh.`), `seen` (the efficiency map counted it at least once), `repeatedKey`
    /// (counted twice or more: it has an entry in `repeated`).
    private static let alive: UInt8 = 1, stackedDirectory: UInt8 = 2, diveKey: UInt8 = 4, whiteoutName: UInt8 = 8, seen: UInt8 = 16,
                       repeatedKey: UInt8 = 32

    /// A node of the current layer's tree: its payload is its changeset row's (size, directory or not), or
    /// empty for a parent the layer does not list (`row` -1).
    struct Local {
        var union: Int32
        var parent: Int32
        var row: Int32 = -1
    }

    private(set) var nodes: ContiguousArray<Node> = [Node(parent: -1, nameStart: 0, nameLength: 0, nextSibling: -1, local: 0, flags: 1)]
    private var nameBytes: ContiguousArray<UInt8> = []
    /// Open addressing over (parent, name bytes): the hash's high half, then node + 1; 0 = empty.
    /// At most 3/4 full, of any size: the hash's low half picks the slot by multiplying ("fastrange").
    private var buckets: ContiguousArray<UInt64> = ContiguousArray(repeating: 0, count: 16)
    private var scratch: [UInt8] = []

    /// Only for keys seen twice or more: the smallest size and the layers after the first.
    private var repeated: [Int32: (minimum: Int64, laterLayers: [Int])] = [:]
    /// Keys in the order they reached two occurrences (dive's `matches`).
    private(set) var order: [Int32] = []
    private(set) var abortedWalks: [(layer: Int, path: [UInt8])] = []

    private var locals: ContiguousArray<Local> = []
    /// The current layer's sizes and kinds, by row (its changeset's columns).
    private var layerSizes: ContiguousArray<Int64> = []
    private var layerKinds: ContiguousArray<EntryKind> = []
    /// Children of local node `l`: `childList[childStart[l]..<childStart[l + 1]]`, in byte order.
    private var childStart: ContiguousArray<Int32> = []
    private var childList: ContiguousArray<Int32> = []
    private var postOrder: ContiguousArray<Int32> = []
    /// Loads issued ahead of time to bring buckets into the cache; kept so that they are not dropped.
    private var prefetchSink: UInt64 = 0

    /// - Parameters:
    ///   - capacity: Rows of all layers (at most one node each, whiteout targets aside).
    ///   - nameBytes: Path bytes of all layers, a bound on the names' (reserved, touched only as used).
    init(capacity: Int, nameBytes: Int = 0) {
        let n = capacity + 1
        nodes.reserveCapacity(n)
        self.nameBytes.reserveCapacity(nameBytes)
        buckets = ContiguousArray(repeating: 0, count: max(16, n + n / 3 + 1))
    }

    func isDiveKey(_ u: Int) -> Bool { nodes[u].flags & Self.diveKey != 0 }

    /// Efficiency map: the occurrences of key `u` (0 when a walk aborted on it before counting it).
    func count(_ u: Int32) -> Int {
        let flags = nodes[Int(u)].flags
        return flags & Self.seen == 0 ? 0 : flags & Self.repeatedKey == 0 ? 1 : 1 + repeated[u]!.laterLayers.count
    }

    /// Efficiency map: the smallest size counted for key `u` (-1 when none was).
    func minimum(_ u: Int32) -> Int64 {
        let flags = nodes[Int(u)].flags
        return flags & Self.seen == 0 ? -1 : flags & Self.repeatedKey == 0 ? nodes[Int(u)].cumulative : repeated[u]!.minimum
    }

    /// Efficiency map: the layers key `u` was counted in, in order.
    func layers(_ u: Int32) -> [Int] {
        let flags = nodes[Int(u)].flags
        if flags & Self.seen == 0 { return [] }
        return [Int(nodes[Int(u)].firstLayer)] + (flags & Self.repeatedKey == 0 ? [] : repeated[u]!.laterLayers)
    }

    /// The payload of local node `l`: its row's size and whether it is a directory.
    @inline(__always) private func payload(_ l: Int) -> (size: Int64, directory: Bool) {
        let row = Int(locals[l].row)
        return row < 0 ? (0, false) : (layerSizes[row], layerKinds[row] == .directory)
    }

    /// Adds layer `layer` (layers come in order 0, 1, …): its efficiency walk, then its stacking.
    mutating func add(_ changeset: Changeset, layer: Int) {
        layerSizes = changeset.sizes
        layerKinds = changeset.kinds
        buildLayerTree(changeset)
        if layer == 0 {
            // StackTreeRange(0..-1) is tree 0 itself
            for l in 1..<locals.count { setStacked(Int(locals[l].union), local: l) }
        }
        walk(layer: layer)
        stackLayer()
        for l in 1..<locals.count { nodes[Int(locals[l].union)].local = -1 }
        layerSizes = []
        layerKinds = []
    }

    // MARK: union nodes

    /// True when the name starts with `.wh.`.
    @inline(__always) private static func isWhiteoutName(_ n: UnsafeRawBufferPointer) -> Bool {
        n.count >= 4 && n[0] == 0x2E && n[1] == 0x77 && n[2] == 0x68 && n[3] == 0x2E
    }

    /// True when the name starts with `.wh..wh..` (dive's AddPath never creates such a node).
    @inline(__always) private static func isOpaqueName(_ n: UnsafeRawBufferPointer) -> Bool {
        isWhiteoutName(n) && n.count >= 9 && n[4] == 0x2E && n[5] == 0x77 && n[6] == 0x68 && n[7] == 0x2E && n[8] == 0x2E
    }

    @inline(__always) private static func hash(_ p: Int32, _ n: UnsafeRawBufferPointer) -> UInt64 {
        var h = UInt64(UInt32(bitPattern: p)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(n.count)
        let count = n.count
        var i = 0
        while i + 8 <= count {
            h = (h ^ n.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < count {
            var w: UInt64 = 0, shift: UInt64 = 0
            while i < count { w |= UInt64(n[i]) << shift; shift += 8; i += 1 }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    @inline(__always) private func slot(_ h: UInt64) -> Int { Self.slot(h, count: buckets.count) }
    @inline(__always) private static func slot(_ h: UInt64, count: Int) -> Int { Int(truncatingIfNeeded: ((h & 0xFFFF_FFFF) &* UInt64(count)) >> 32) }
    @inline(__always) private func next(_ slot: Int) -> Int { slot + 1 == buckets.count ? 0 : slot + 1 }

    /// The union node named `n` under `p`, or the empty bucket where it would go (node -1).
    private func find(_ p: Int32, _ n: UnsafeRawBufferPointer, _ h: UInt64) -> (node: Int32, slot: Int) {
        let tag = h >> 32
        var slot = slot(h)
        while true {
            let e = buckets[slot]
            if e == 0 { return (-1, slot) }
            if e >> 32 == tag {
                let u = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                let node = nodes[u]
                if node.parent == p && Int(node.nameLength) == n.count
                    && nameBytes.withUnsafeBytes({ n.count == 0 || memcmp($0.baseAddress! + Int(node.nameStart), n.baseAddress!, n.count) == 0 }) {
                    return (Int32(u), slot)
                }
            }
            slot = next(slot)
        }
    }

    private func lookup(_ p: Int32, _ n: UnsafeRawBufferPointer) -> Int32? {
        let u = find(p, n, Self.hash(p, n)).node
        return u < 0 ? nil : u
    }

    /// The union node named `n` under `p`, created when absent.
    private mutating func unionChild(_ p: Int32, _ n: UnsafeRawBufferPointer) -> Int32 {
        let h = Self.hash(p, n)
        let (found, slot) = find(p, n, h)
        if found >= 0 { return found }
        return makeUnion(p, n, hash: h, slot: slot)
    }

    private mutating func makeUnion(_ p: Int32, _ n: UnsafeRawBufferPointer, hash h: UInt64, slot: Int) -> Int32 {
        let u = Int32(nodes.count)
        buckets[slot] = (h >> 32) << 32 | UInt64(u + 1)
        nodes.append(Node(parent: p, nameStart: UInt32(nameBytes.count), nameLength: UInt32(n.count),
                          nextSibling: nodes[Int(p)].firstChild, flags: Self.isWhiteoutName(n) ? Self.whiteoutName : 0))
        nodes[Int(p)].firstChild = u
        nameBytes.append(contentsOf: n)
        if nodes.count * 4 > buckets.count * 3 { grow() }
        return u
    }

    private mutating func grow() {
        buckets = ContiguousArray(repeating: 0, count: buckets.count * 2)
        for u in 1..<nodes.count {
            let h = withName(u) { Self.hash(nodes[u].parent, $0) }
            var slot = slot(h)
            while buckets[slot] != 0 { slot = next(slot) }
            buckets[slot] = (h >> 32) << 32 | UInt64(u + 1)
        }
    }

    private func withName<R>(_ u: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(nodes[u].nameStart), end = start + Int(nodes[u].nameLength)
        return nameBytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The union node of a whiteout node's target: its sibling named without `.wh.`.
    private mutating func strippedSibling(_ u: Int32, create: Bool) -> Int32? {
        let node = nodes[Int(u)]
        let start = Int(node.nameStart) + 4, end = Int(node.nameStart) + Int(node.nameLength)
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: nameBytes[start..<end])
        let name = scratch
        return name.withUnsafeBytes { n in create ? unionChild(node.parent, n) : lookup(node.parent, n) }
    }

    /// True when union node `a`'s name sorts before `b`'s by bytes (Go `sort.Strings`).
    private static func precedes(_ a: Node, _ b: Node, _ names: UnsafeRawBufferPointer) -> Bool {
        let la = Int(a.nameLength), lb = Int(b.nameLength), m = min(la, lb)
        let c = m == 0 ? 0 : memcmp(names.baseAddress! + Int(a.nameStart), names.baseAddress! + Int(b.nameStart), m)
        return c != 0 ? c < 0 : la < lb
    }

    /// The path of a union node, with a leading `/` per component.
    func pathBytes(_ u: Int32) -> [UInt8] {
        var length = 0
        var k = Int(u)
        while k > 0 { length += 1 + Int(nodes[k].nameLength); k = Int(nodes[k].parent) }
        return [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
            nameBytes.withUnsafeBufferPointer { names in
                var end = length, k = Int(u)
                while k > 0 {
                    let node = nodes[k], n = Int(node.nameLength)
                    end -= n
                    if n > 0 { (out.baseAddress! + end).update(from: names.baseAddress! + Int(node.nameStart), count: n) }
                    end -= 1
                    out[end] = 0x2F
                    k = Int(node.parent)
                }
            }
            initialized = length
        }
    }

    // MARK: the layer's tree (dive `AddPath` per member)

    /// dive `AddPath` step in the layer's tree: the child `n` of local node `lp`, created with an empty
    /// payload when absent; nil when absent and named `.wh..wh..*`. `h` is `hash(lp's union node, n)` if known.
    @inline(__always)
    private mutating func localChild(_ lp: Int32, _ n: UnsafeRawBufferPointer, hash known: UInt64? = nil) -> Int32? {
        // no union node has such a name either: only this function and whiteout targets create them
        if Self.isOpaqueName(n) { return nil }
        let up = locals[Int(lp)].union
        let h = known ?? Self.hash(up, n)
        let (u, slot) = find(up, n, h)
        if u >= 0 {
            let l = nodes[Int(u)].local
            return l >= 0 ? l : makeLocal(u, lp)
        }
        return makeLocal(makeUnion(up, n, hash: h, slot: slot), lp)
    }

    private mutating func makeLocal(_ u: Int32, _ lp: Int32) -> Int32 {
        let l = Int32(locals.count)
        locals.append(Local(union: u, parent: lp))
        nodes[Int(u)].local = l
        return l
    }

    private mutating func buildLayerTree(_ c: Changeset) {
        locals.removeAll(keepingCapacity: true)
        locals.reserveCapacity(c.count + 1)
        locals.append(Local(union: 0, parent: -1))

        // Rows are scanned in blocks: where each row's leaf starts, where its parent ends (an opaque
        // marker's "parent" is its whole path), whether its parent is the previous row's. Once a row's
        // parent is resolved, the leaf hashes of the following rows with that parent (within the block)
        // are computed and their buckets loaded back to back, so that their cache misses overlap.
        let block = 32
        var leafStarts = [Int](repeating: 0, count: block), parentEnds = [Int](repeating: 0, count: block)
        var sameParent = [Bool](repeating: false, count: block)
        var hashes = [UInt64](repeating: 0, count: block), hashParents = [Int32](repeating: -1, count: block)
        var scanStart = 0, scanParentStart = 0, scanParentLength = -1
        var blockStart = 0, blockEnd = 0, hashedUntil = 0
        // The last row's parent (local node, -1 when it did not resolve), and the parent components of the
        // last row resolved from scratch (end offsets within its path, local nodes): tar members come
        // grouped by directory, so most rows share their parent, or at least a prefix, with the previous one.
        var lastParent: Int32 = -1
        var previousStart = 0, previousParentEnd = 0
        var componentEnds: [Int] = [], componentNodes: [Int32] = []
        var sink: UInt64 = 0
        let pathEnds = c.pathEnds, kinds = c.kinds
        let rowCount = kinds.count
        c.pathBytes.withUnsafeBytes { bytes in
            let base = bytes.baseAddress!
            var start = 0
            rows: for row in 0..<rowCount {
                if row == blockEnd {
                    blockStart = row
                    blockEnd = min(row + block, rowCount)
                    for r in blockStart..<blockEnd {
                        let i = r - blockStart, end = Int(pathEnds[r]), kind = kinds[r]
                        defer { scanStart = end }
                        hashParents[i] = -1
                        guard end > scanStart else { sameParent[i] = true; continue }
                        var parentEnd = end, leafStart = end
                        if kind != .opaqueWhiteout {
                            var s = end - 1
                            while s >= scanStart && bytes[s] != 0x2F { s -= 1 }
                            leafStart = s + 1
                            parentEnd = s >= scanStart ? s : scanStart
                        }
                        leafStarts[i] = leafStart; parentEnds[i] = parentEnd
                        let length = parentEnd - scanStart
                        sameParent[i] = length == scanParentLength
                            && (length == 0 || memcmp(base + scanStart, base + scanParentStart, length) == 0)
                        scanParentStart = scanStart; scanParentLength = length
                    }
                }
                let i = row - blockStart
                let end = Int(pathEnds[row])
                defer { start = end }
                guard end > start else { continue }
                let kind = kinds[row]
                let leafStart = leafStarts[i], parentEnd = parentEnds[i]
                var node: Int32
                if sameParent[i] && lastParent >= 0 {
                    node = lastParent
                } else {
                    lastParent = -1
                    // components shared with the parent of the last row resolved from scratch
                    let length = parentEnd - start, previousLength = previousParentEnd - previousStart
                    var common = 0
                    let limit = min(length, previousLength)
                    while common < limit && bytes[start + common] == bytes[previousStart + common] { common += 1 }
                    var reused = componentEnds.count
                    while reused > 0 {
                        let e = componentEnds[reused - 1]
                        if e <= common && (e == length || bytes[start + e] == 0x2F) { break }
                        reused -= 1
                    }
                    componentEnds.removeSubrange(reused...); componentNodes.removeSubrange(reused...)
                    previousStart = start; previousParentEnd = parentEnd
                    node = reused == 0 ? 0 : componentNodes[reused - 1]
                    var s = reused == 0 ? start : start + componentEnds[reused - 1] + 1
                    while s < parentEnd {
                        var e = s
                        while e < parentEnd && bytes[e] != 0x2F { e += 1 }
                        if e > s {
                            guard let child = localChild(node, UnsafeRawBufferPointer(rebasing: bytes[s..<e])) else {
                                previousParentEnd = s > start ? s - 1 : start  // what was resolved
                                continue rows
                            }
                            node = child
                            componentEnds.append(e - start); componentNodes.append(node)
                        }
                        s = e + 1
                    }
                    lastParent = node
                }
                if row >= hashedUntil {
                    let up = locals[Int(node)].union
                    var j = row + 1
                    while j < blockEnd && sameParent[j - blockStart] {
                        let k = kinds[j], jStart = Int(pathEnds[j - 1]), jEnd = Int(pathEnds[j])
                        if jEnd > jStart && k != .opaqueWhiteout && k != .whiteout {
                            hashes[j - blockStart] = Self.hash(up, UnsafeRawBufferPointer(rebasing: bytes[leafStarts[j - blockStart]..<jEnd]))
                            hashParents[j - blockStart] = up
                        }
                        j += 1
                    }
                    if j > row + 1 {
                        let count = buckets.count
                        for i in (row + 1 - blockStart)..<(j - blockStart) where hashParents[i] >= 0 {
                            sink &+= buckets[Self.slot(hashes[i], count: count)]
                        }
                    }
                    hashedUntil = j
                }
                let leaf: Int32?
                switch kind {
                case .opaqueWhiteout:
                    continue rows   // `.wh..wh..opq` is never created: AddPath stops
                case .whiteout:
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: DiveTree.whiteoutPrefix)
                    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[leafStart..<end]))
                    let name = scratch
                    leaf = name.withUnsafeBytes { localChild(node, $0) }
                default:
                    let known = hashParents[i] >= 0 && hashParents[i] == locals[Int(node)].union ? hashes[i] : nil
                    leaf = localChild(node, UnsafeRawBufferPointer(rebasing: bytes[leafStart..<end]), hash: known)
                }
                guard let leaf else { continue }
                locals[Int(leaf)].row = Int32(row)
            }
        }
        prefetchSink &+= sink
        sortChildren()
    }

    /// Fills the child table, sorts each sibling group by name bytes where it is not already sorted,
    /// and lists the nodes in post-order.
    private mutating func sortChildren() {
        let n = locals.count
        childStart.removeAll(keepingCapacity: true)
        childStart.append(contentsOf: repeatElement(0, count: n + 1))
        for l in 1..<n { childStart[Int(locals[l].parent) + 1] += 1 }
        for l in 0..<n { childStart[l + 1] += childStart[l] }
        childList.removeAll(keepingCapacity: true)
        childList.append(contentsOf: repeatElement(0, count: n))
        var fill = childStart
        for l in 1..<n {
            let p = Int(locals[l].parent)
            childList[Int(fill[p])] = Int32(l)
            fill[p] += 1
        }
        let locals = locals, nodes = nodes
        nameBytes.withUnsafeBytes { names in
            for l in 0..<n {
                let a = Int(childStart[l]), b = Int(childStart[l + 1])
                guard b - a > 1 else { continue }
                var sorted = true
                for i in (a + 1)..<b where !Self.precedes(nodes[Int(locals[Int(childList[i - 1])].union)], nodes[Int(locals[Int(childList[i])].union)], names) {
                    sorted = false
                    break
                }
                if !sorted {
                    childList[a..<b].sort { Self.precedes(nodes[Int(locals[Int($0)].union)], nodes[Int(locals[Int($1)].union)], names) }
                }
            }
        }
        // post-order, children first in byte order, the root left out
        postOrder.removeAll(keepingCapacity: true)
        postOrder.reserveCapacity(n)
        var stack: [(node: Int32, next: Int32)] = [(0, childStart[0])]
        while let top = stack.last {
            let node = Int(top.node)
            if top.next < childStart[node + 1] {
                stack[stack.count - 1].next += 1
                let c = childList[Int(top.next)]
                stack.append((c, childStart[Int(c)]))
            } else {
                stack.removeLast()
                if node != 0 { postOrder.append(Int32(node)) }
            }
        }
    }

    // MARK: the stacked tree

    private mutating func setStacked(_ u: Int, local l: Int) {
        let local = payload(l)
        nodes[u].stackedSize = local.size
        nodes[u].flags = local.directory ? nodes[u].flags | Self.alive | Self.stackedDirectory
                                         : (nodes[u].flags | Self.alive) & ~Self.stackedDirectory
    }

    /// dive `AddPath` in the stacked tree: the node and any missing parent, re-created with empty payloads.
    private mutating func revive(_ u: Int32) {
        // the dead ancestors first, root side first (a loop: an image controls the depth)
        var chain: [Int32] = []
        var x = u
        while nodes[Int(x)].flags & Self.alive == 0 { chain.append(x); x = nodes[Int(x)].parent }
        for n in chain.reversed() {
            nodes[Int(n)].flags = (nodes[Int(n)].flags | Self.alive) & ~Self.stackedDirectory
            nodes[Int(n)].stackedSize = 0
        }
    }

    /// dive `RemovePath`: the node and its subtree leave the stacked tree.
    private mutating func remove(_ u: Int32) {
        var stack: [Int32] = [u]
        while let x = stack.popLast() {
            nodes[Int(x)].flags &= ~Self.alive
            var c = nodes[Int(x)].firstChild
            while c >= 0 {
                if nodes[Int(c)].flags & Self.alive != 0 { stack.append(c) }
                c = nodes[Int(c)].nextSibling
            }
        }
    }

    /// Σ payload sizes over a stacked node's subtree, the node included.
    private func subtreeSize(_ u: Int32) -> Int64 {
        var total: Int64 = 0
        var stack: [Int32] = [u]
        while let x = stack.popLast() {
            total += nodes[Int(x)].stackedSize
            var c = nodes[Int(x)].firstChild
            while c >= 0 {
                if nodes[Int(c)].flags & Self.alive != 0 { stack.append(c) }
                c = nodes[Int(c)].nextSibling
            }
        }
        return total
    }

    // MARK: dive's walks

    /// dive's efficiency visitor over the layer's leaves, in post-order; stops at a whiteout whose
    /// target is absent from the stacked tree.
    private mutating func walk(layer: Int) {
        for l in postOrder {
            let l = Int(l)
            guard childStart[l] == childStart[l + 1] else { continue }
            let u = locals[l].union
            let whiteout = nodes[Int(u)].flags & Self.whiteoutName != 0
            let slot = whiteout ? strippedSibling(u, create: true)! : u
            let k = Int(slot)
            nodes[k].flags |= Self.diveKey
            var size: Int64 = 0
            if whiteout {
                guard nodes[k].flags & Self.alive != 0 else {
                    abortedWalks.append((layer, pathBytes(slot)))
                    return
                }
                if nodes[k].flags & Self.stackedDirectory != 0 { size = subtreeSize(slot) }
            } else {
                size = payload(l).size
            }
            if nodes[k].flags & Self.seen == 0 {
                nodes[k].flags |= Self.seen
                nodes[k].cumulative = size
                nodes[k].firstLayer = Int16(truncatingIfNeeded: layer)
            } else if nodes[k].flags & Self.repeatedKey != 0 {
                repeated[slot]!.minimum = min(repeated[slot]!.minimum, size)
                repeated[slot]!.laterLayers.append(layer)
                nodes[k].cumulative += size
            } else {
                repeated[slot] = (min(nodes[k].cumulative, size), [layer])
                nodes[k].flags |= Self.repeatedKey
                nodes[k].cumulative += size
                order.append(slot)
            }
        }
    }

    /// dive `Stack`: the layer's nodes in post-order; a whiteout removes its stripped path, any other
    /// node is added (with its parents) and takes the layer's payload.
    private mutating func stackLayer() {
        for l in postOrder {
            let l = Int(l)
            let u = locals[l].union
            if nodes[Int(u)].flags & Self.whiteoutName != 0 {
                if let target = strippedSibling(u, create: false), nodes[Int(target)].flags & Self.alive != 0 { remove(target) }
            } else {
                revive(u)
                setStacked(Int(u), local: l)
            }
        }
    }
}
