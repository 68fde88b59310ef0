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
    private var scratch: [UInt8] = []

    // The union trie; node 0 is the root. A node's name is `nameBytes[nameEnd[u - 1]..<nameEnd[u]]`.
    private var parent: ContiguousArray<Int32> = [-1]
    private var nameEnd: ContiguousArray<UInt32> = [0]
    private var nameBytes: ContiguousArray<UInt8> = []
    private var firstChild: ContiguousArray<Int32> = [-1]
    private var nextSibling: ContiguousArray<Int32> = [-1]
    /// Open addressing over (parent, name bytes): the hash's high half then node + 1; 0 = empty.
    /// A power of two, at most 3/4 full.
    private var buckets: ContiguousArray<UInt64> = ContiguousArray(repeating: 0, count: 16)
    /// Per union node: `alive` (in the stacked tree), `stackedDirectory` (its stacked payload is a
    /// directory), `diveKey` (dive created the key: a leaf was visited or a walk aborted on it),
    /// `whiteoutName` (the name starts with `.wh.`).
    private var flags: ContiguousArray<UInt8> = [1]
    private static let alive: UInt8 = 1, stackedDirectory: UInt8 = 2, diveKey: UInt8 = 4, whiteoutName: UInt8 = 8
    /// The stacked payload's size (0 for an empty payload).
    private var stackedSize: ContiguousArray<Int64> = [0]

    // dive's efficiency map, by union node.
    private(set) var cumulative: ContiguousArray<Int64> = [0]
    private(set) var minimum: ContiguousArray<Int64> = [-1]
    private(set) var counts: ContiguousArray<Int32> = [0]
    private(set) var firstLayer: ContiguousArray<Int16> = [0]
    /// Only for keys seen twice or more.
    private(set) var laterLayers: [Int32: [Int]] = [:]
    /// Keys in the order they reached two occurrences (dive's `matches`).
    private(set) var order: [Int32] = []
    private(set) var abortedWalks: [(layer: Int, path: [UInt8])] = []

    // The current layer's tree: local node → union node, parent, payload; children in byte order.
    private var localOf: ContiguousArray<Int32> = [0]   // union node → local node, -1 = not in this layer
    private var localUnion: ContiguousArray<Int32> = []
    private var localParent: ContiguousArray<Int32> = []
    private var localSize: ContiguousArray<Int64> = []
    private var localDirectory: ContiguousArray<Bool> = []
    private var childStart: ContiguousArray<Int32> = []
    private var childList: ContiguousArray<Int32> = []
    private var postOrder: ContiguousArray<Int32> = []

    init(capacity: Int) {
        let n = capacity + 1
        parent.reserveCapacity(n); nameEnd.reserveCapacity(n); firstChild.reserveCapacity(n); nextSibling.reserveCapacity(n)
        flags.reserveCapacity(n); stackedSize.reserveCapacity(n); cumulative.reserveCapacity(n); minimum.reserveCapacity(n)
        counts.reserveCapacity(n); firstLayer.reserveCapacity(n); localOf.reserveCapacity(n)
        var size = 16
        while size * 3 < n * 4 { size <<= 1 }
        buckets = ContiguousArray(repeating: 0, count: size)
    }

    var nodeCount: Int { parent.count }
    func isDiveKey(_ u: Int) -> Bool { flags[u] & Self.diveKey != 0 }

    /// Adds layer `layer` (layers come in order 0, 1, …): its efficiency walk, then its stacking.
    mutating func add(_ changeset: Changeset, layer: Int) {
        buildLayerTree(changeset)
        if layer == 0 {
            // StackTreeRange(0..-1) is tree 0 itself
            for l in 1..<localUnion.count { setStacked(Int(localUnion[l]), local: l) }
        }
        walk(layer: layer)
        stackLayer()
        for l in 0..<localUnion.count { localOf[Int(localUnion[l])] = -1 }
        localOf[0] = 0
    }

    // MARK: union nodes

    private static let whiteoutPrefix: (UInt8, UInt8, UInt8, UInt8) = (0x2E, 0x77, 0x68, 0x2E)  // ".wh."

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

    private func nameEquals(_ u: Int, _ n: UnsafeRawBufferPointer) -> Bool {
        let start = Int(nameEnd[u - 1]), end = Int(nameEnd[u])
        guard end - start == n.count else { return false }
        return nameBytes.withUnsafeBytes { b in n.count == 0 || memcmp(b.baseAddress! + start, n.baseAddress!, n.count) == 0 }
    }

    /// The union node named `n` under `p`, or the empty bucket where it would go (node -1).
    private func find(_ p: Int32, _ n: UnsafeRawBufferPointer, _ h: UInt64) -> (node: Int32, slot: Int) {
        let mask = buckets.count - 1, tag = h >> 32
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = buckets[slot]
            if e == 0 { return (-1, slot) }
            if e >> 32 == tag {
                let u = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                if parent[u] == p && nameEquals(u, n) { return (Int32(u), slot) }
            }
            slot = (slot + 1) & mask
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
        let u = Int32(parent.count)
        buckets[slot] = (h >> 32) << 32 | UInt64(u + 1)
        parent.append(p)
        nameBytes.append(contentsOf: n)
        nameEnd.append(UInt32(nameBytes.count))
        firstChild.append(-1); nextSibling.append(firstChild[Int(p)]); firstChild[Int(p)] = u
        flags.append(Self.isWhiteoutName(n) ? Self.whiteoutName : 0); stackedSize.append(0)
        cumulative.append(0); minimum.append(-1); counts.append(0); firstLayer.append(0)
        localOf.append(-1)
        if parent.count * 4 > buckets.count * 3 { grow() }
        return u
    }

    private mutating func grow() {
        buckets = ContiguousArray(repeating: 0, count: buckets.count * 2)
        let mask = buckets.count - 1
        for u in 1..<parent.count {
            let h = withName(u) { Self.hash(parent[u], $0) }
            var slot = Int(truncatingIfNeeded: h) & mask
            while buckets[slot] != 0 { slot = (slot + 1) & mask }
            buckets[slot] = (h >> 32) << 32 | UInt64(u + 1)
        }
    }

    private func withName<R>(_ u: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(nameEnd[u - 1]), end = Int(nameEnd[u])
        return nameBytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The union node of a whiteout node's target: its sibling named without `.wh.`.
    private mutating func strippedSibling(_ u: Int32, create: Bool) -> Int32? {
        let start = Int(nameEnd[Int(u) - 1]) + 4, end = Int(nameEnd[Int(u)])
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: nameBytes[start..<end])
        let p = parent[Int(u)], name = scratch
        return name.withUnsafeBytes { n in create ? unionChild(p, n) : lookup(p, n) }
    }

    /// True when union node `a`'s name sorts before `b`'s by bytes (Go `sort.Strings`).
    private func precedes(_ a: Int, _ b: Int) -> Bool { Self.precedes(a, b, nameEnd, nameBytes) }

    private static func precedes(_ a: Int, _ b: Int, _ nameEnd: ContiguousArray<UInt32>, _ nameBytes: ContiguousArray<UInt8>) -> Bool {
        let sa = Int(nameEnd[a - 1]), la = Int(nameEnd[a]) - sa
        let sb = Int(nameEnd[b - 1]), lb = Int(nameEnd[b]) - sb
        return nameBytes.withUnsafeBytes { p in
            let c = min(la, lb) == 0 ? 0 : memcmp(p.baseAddress! + sa, p.baseAddress! + sb, min(la, lb))
            return c != 0 ? c < 0 : la < lb
        }
    }

    /// The path of a union node, with a leading `/` per component.
    func pathBytes(_ u: Int32) -> [UInt8] {
        var chain: [Int32] = []
        var k = u
        while k > 0 { chain.append(k); k = parent[Int(k)] }
        var out: [UInt8] = []
        for n in chain.reversed() { out.append(0x2F); out.append(contentsOf: nameBytes[Int(nameEnd[Int(n) - 1])..<Int(nameEnd[Int(n)])]) }
        return out
    }

    // MARK: the layer's tree (dive `AddPath` per member)

    /// dive `AddPath` step in the layer's tree: the child `n` of local node `lp`, created with an empty
    /// payload when absent; nil when absent and named `.wh..wh..*`.
    private mutating func localChild(_ lp: Int32, _ n: UnsafeRawBufferPointer) -> Int32? {
        // no union node has such a name either: only this function and whiteout targets create them
        if Self.isOpaqueName(n) { return nil }
        let up = localUnion[Int(lp)]
        let h = Self.hash(up, n)
        let (u, slot) = find(up, n, h)
        if u >= 0 {
            let l = localOf[Int(u)]
            return l >= 0 ? l : makeLocal(u, lp)
        }
        return makeLocal(makeUnion(up, n, hash: h, slot: slot), lp)
    }

    private mutating func makeLocal(_ u: Int32, _ lp: Int32) -> Int32 {
        let l = Int32(localUnion.count)
        localUnion.append(u); localParent.append(lp); localSize.append(0); localDirectory.append(false)
        localOf[Int(u)] = l
        return l
    }

    private mutating func buildLayerTree(_ c: Changeset) {
        localUnion.removeAll(keepingCapacity: true); localParent.removeAll(keepingCapacity: true)
        localSize.removeAll(keepingCapacity: true); localDirectory.removeAll(keepingCapacity: true)
        localUnion.reserveCapacity(c.count + 1); localParent.reserveCapacity(c.count + 1)
        localSize.reserveCapacity(c.count + 1); localDirectory.reserveCapacity(c.count + 1)
        localUnion.append(0); localParent.append(-1); localSize.append(0); localDirectory.append(false)
        localOf[0] = 0

        // The previous row's resolved parent components (end offsets within its path, local nodes):
        // tar members come grouped by directory, so most rows share a prefix with the previous one.
        var previousStart = 0, previousParentEnd = 0
        var componentEnds: [Int] = [], componentNodes: [Int32] = []
        let pathEnds = c.pathEnds, kinds = c.kinds, sizes = c.sizes
        c.pathBytes.withUnsafeBytes { bytes in
            var start = 0
            rows: for row in 0..<kinds.count {
                let end = Int(pathEnds[row])
                defer { start = end }
                guard end > start else { continue }
                let kind = kinds[row]
                var parentEnd = end, lastStart = end
                if kind != .opaqueWhiteout {
                    var s = end - 1
                    while s >= start && bytes[s] != 0x2F { s -= 1 }
                    if s >= start { parentEnd = s; lastStart = s + 1 } else { parentEnd = start; lastStart = start }
                }
                // components shared with the previous row's parent
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
                var node: Int32 = reused == 0 ? 0 : componentNodes[reused - 1]
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
                let leaf: Int32?
                switch kind {
                case .opaqueWhiteout:
                    continue rows   // `.wh..wh..opq` is never created: AddPath stops
                case .whiteout:
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: DiveTree.whiteoutPrefix)
                    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lastStart..<end]))
                    let name = scratch
                    leaf = name.withUnsafeBytes { localChild(node, $0) }
                default:
                    leaf = localChild(node, UnsafeRawBufferPointer(rebasing: bytes[lastStart..<end]))
                }
                guard let leaf else { continue }
                localSize[Int(leaf)] = sizes[row]
                localDirectory[Int(leaf)] = kind == .directory
            }
        }
        sortChildren()
    }

    /// Fills the child table (children of `l` at `childList[childStart[l]..<childStart[l+1]]`), sorts each
    /// sibling group by name bytes where it is not already sorted, and lists the nodes in post-order.
    private mutating func sortChildren() {
        let n = localUnion.count
        childStart.removeAll(keepingCapacity: true)
        childStart.append(contentsOf: repeatElement(0, count: n + 1))
        for l in 1..<n { childStart[Int(localParent[l]) + 1] += 1 }
        for l in 0..<n { childStart[l + 1] += childStart[l] }
        childList.removeAll(keepingCapacity: true)
        childList.append(contentsOf: repeatElement(0, count: n))
        var fill = childStart
        for l in 1..<n {
            let p = Int(localParent[l])
            childList[Int(fill[p])] = Int32(l)
            fill[p] += 1
        }
        for l in 0..<n {
            let a = Int(childStart[l]), b = Int(childStart[l + 1])
            guard b - a > 1 else { continue }
            var sorted = true
            for i in (a + 1)..<b where !precedes(Int(localUnion[Int(childList[i - 1])]), Int(localUnion[Int(childList[i])])) {
                sorted = false
                break
            }
            if !sorted {
                let localUnion = localUnion, nameEnd = nameEnd, nameBytes = nameBytes
                childList[a..<b].sort { Self.precedes(Int(localUnion[Int($0)]), Int(localUnion[Int($1)]), nameEnd, nameBytes) }
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
        stackedSize[u] = localSize[l]
        flags[u] = localDirectory[l] ? flags[u] | Self.alive | Self.stackedDirectory : (flags[u] | Self.alive) & ~Self.stackedDirectory
    }

    /// dive `AddPath` in the stacked tree: the node and any missing parent, re-created with empty payloads.
    private mutating func revive(_ u: Int32) {
        if flags[Int(u)] & Self.alive != 0 { return }
        revive(parent[Int(u)])
        flags[Int(u)] = (flags[Int(u)] | Self.alive) & ~Self.stackedDirectory
        stackedSize[Int(u)] = 0
    }

    /// dive `RemovePath`: the node and its subtree leave the stacked tree.
    private mutating func remove(_ u: Int32) {
        var stack: [Int32] = [u]
        while let x = stack.popLast() {
            flags[Int(x)] &= ~Self.alive
            var c = firstChild[Int(x)]
            while c >= 0 {
                if flags[Int(c)] & Self.alive != 0 { stack.append(c) }
                c = nextSibling[Int(c)]
            }
        }
    }

    /// Σ payload sizes over a stacked node's subtree, the node included.
    private func subtreeSize(_ u: Int32) -> Int64 {
        var total: Int64 = 0
        var stack: [Int32] = [u]
        while let x = stack.popLast() {
            total += stackedSize[Int(x)]
            var c = firstChild[Int(x)]
            while c >= 0 {
                if flags[Int(c)] & Self.alive != 0 { stack.append(c) }
                c = nextSibling[Int(c)]
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
            let u = localUnion[l]
            let whiteout = flags[Int(u)] & Self.whiteoutName != 0
            let slot = whiteout ? strippedSibling(u, create: true)! : u
            let k = Int(slot)
            flags[k] |= Self.diveKey
            var size: Int64 = 0
            if whiteout {
                guard flags[k] & Self.alive != 0 else {
                    abortedWalks.append((layer, pathBytes(slot)))
                    return
                }
                if flags[k] & Self.stackedDirectory != 0 { size = subtreeSize(slot) }
            } else {
                size = localSize[l]
            }
            cumulative[k] += size
            if minimum[k] < 0 || size < minimum[k] { minimum[k] = size }
            counts[k] += 1
            if counts[k] == 1 { firstLayer[k] = Int16(layer) } else { laterLayers[slot, default: []].append(layer) }
            if counts[k] == 2 { order.append(slot) }
        }
    }

    /// dive `Stack`: the layer's nodes in post-order; a whiteout removes its stripped path, any other
    /// node is added (with its parents) and takes the layer's payload.
    private mutating func stackLayer() {
        for l in postOrder {
            let l = Int(l)
            let u = localUnion[l]
            if flags[Int(u)] & Self.whiteoutName != 0 {
                if let target = strippedSibling(u, create: false), flags[Int(target)] & Self.alive != 0 { remove(target) }
            } else {
                revive(u)
                setStacked(Int(u), local: l)
            }
        }
    }
}
