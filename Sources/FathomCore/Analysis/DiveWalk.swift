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
    typealias NameID = NameTable.NameID

    private var names = NameTable()
    /// Per name: `whiteoutName` (starts with `.wh.`), `opaqueName` (starts with `.wh..wh..`).
    private var nameFlags: ContiguousArray<UInt8> = []
    private static let whiteoutName: UInt8 = 1, opaqueName: UInt8 = 2
    private var strippedNames: [NameID: NameID] = [:]
    private var scratch: [UInt8] = []

    // The union trie; node 0 is the root.
    private var parent: ContiguousArray<Int32> = [-1]
    private var name: ContiguousArray<NameID> = [0]
    private var firstChild: ContiguousArray<Int32> = [-1]
    private var nextSibling: ContiguousArray<Int32> = [-1]
    private var index = NodeIndex()
    /// Per union node: `alive` (in the stacked tree), `stackedDirectory` (its stacked payload is a
    /// directory), `diveKey` (dive created the key: a leaf was visited or a walk aborted on it).
    private var flags: ContiguousArray<UInt8> = [1]
    private static let alive: UInt8 = 1, stackedDirectory: UInt8 = 2, diveKey: UInt8 = 4
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
        parent.reserveCapacity(n); name.reserveCapacity(n); firstChild.reserveCapacity(n); nextSibling.reserveCapacity(n)
        flags.reserveCapacity(n); stackedSize.reserveCapacity(n); cumulative.reserveCapacity(n); minimum.reserveCapacity(n)
        counts.reserveCapacity(n); firstLayer.reserveCapacity(n); localOf.reserveCapacity(n)
        index.reserve(n)
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

    // MARK: names and union nodes

    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> NameID {
        let id = names.intern(bytes)
        if Int(id) == nameFlags.count { nameFlags.append(Self.flags(of: bytes)) }
        return id
    }

    private mutating func intern(_ bytes: [UInt8]) -> NameID {
        bytes.withUnsafeBufferPointer { intern($0) }
    }

    private static func flags(of bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var f: UInt8 = 0
        if bytes.starts(with: DiveTree.whiteoutPrefix) { f |= whiteoutName }
        if bytes.starts(with: DiveTree.opaquePrefix) { f |= opaqueName }
        return f
    }

    /// The name `.wh.NAME` without its prefix.
    private mutating func stripped(_ n: NameID) -> NameID {
        if let s = strippedNames[n] { return s }
        let bytes = Array(names.bytes(n).dropFirst(DiveTree.whiteoutPrefix.count))
        let s = intern(bytes)
        strippedNames[n] = s
        return s
    }

    @inline(__always) private static func key(_ p: Int32, _ n: NameID) -> UInt64 { UInt64(UInt32(bitPattern: p)) << 32 | UInt64(n) }

    private mutating func unionChild(_ p: Int32, _ n: NameID) -> Int32 {
        if let u = index[Self.key(p, n)] { return u }
        let u = Int32(parent.count)
        index[Self.key(p, n)] = u
        parent.append(p); name.append(n)
        firstChild.append(-1); nextSibling.append(firstChild[Int(p)]); firstChild[Int(p)] = u
        flags.append(0); stackedSize.append(0)
        cumulative.append(0); minimum.append(-1); counts.append(0); firstLayer.append(0)
        localOf.append(-1)
        return u
    }

    /// The path of a union node, with a leading `/` per component.
    func pathBytes(_ u: Int32) -> [UInt8] {
        var chain: [NameID] = []
        var k = u
        while k > 0 { chain.append(name[Int(k)]); k = parent[Int(k)] }
        var out: [UInt8] = []
        for n in chain.reversed() { out.append(0x2F); out.append(contentsOf: names.bytes(n)) }
        return out
    }

    // MARK: the layer's tree (dive `AddPath` per member)

    /// dive `AddPath` step in the layer's tree: the child `n` of local node `lp`, created with an empty
    /// payload when absent; nil when absent and named `.wh..wh..*`.
    private mutating func localChild(_ lp: Int32, _ n: NameID) -> Int32? {
        let up = localUnion[Int(lp)]
        if let u = index[Self.key(up, n)] {
            let l = localOf[Int(u)]
            if l >= 0 { return l }
            if nameFlags[Int(n)] & Self.opaqueName != 0 { return nil }
            return makeLocal(u, lp)
        }
        if nameFlags[Int(n)] & Self.opaqueName != 0 { return nil }
        return makeLocal(unionChild(up, n), lp)
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
        c.pathBytes.withUnsafeBufferPointer { bytes in
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
                        let n = intern(UnsafeBufferPointer(rebasing: bytes[s..<e]))
                        guard let child = localChild(node, n) else {
                            previousParentEnd = s > start ? s - 1 : start  // what was resolved
                            continue rows
                        }
                        node = child
                        componentEnds.append(e - start); componentNodes.append(node)
                    }
                    s = e + 1
                }
                let last: NameID
                switch kind {
                case .opaqueWhiteout:
                    continue rows   // `.wh..wh..opq` is never created: AddPath stops
                case .whiteout:
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: DiveTree.whiteoutPrefix)
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[lastStart..<end]))
                    last = intern(scratch)
                default:
                    last = intern(UnsafeBufferPointer(rebasing: bytes[lastStart..<end]))
                }
                guard let leaf = localChild(node, last) else { continue }
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
        let names = names, name = name, localUnion = localUnion
        for l in 0..<n {
            let a = Int(childStart[l]), b = Int(childStart[l + 1])
            guard b - a > 1 else { continue }
            var sorted = true
            for i in (a + 1)..<b where !names.precedes(name[Int(localUnion[Int(childList[i - 1])])], name[Int(localUnion[Int(childList[i])])]) {
                sorted = false
                break
            }
            if !sorted {
                childList[a..<b].sort { names.precedes(name[Int(localUnion[Int($0)])], name[Int(localUnion[Int($1)])]) }
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
            let n = name[Int(u)]
            let whiteout = nameFlags[Int(n)] & Self.whiteoutName != 0
            let slot = whiteout ? unionChild(parent[Int(u)], stripped(n)) : u
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
            let n = name[Int(u)]
            if nameFlags[Int(n)] & Self.whiteoutName != 0 {
                let s = stripped(n)
                if let target = index[Self.key(parent[Int(u)], s)], flags[Int(target)] & Self.alive != 0 { remove(target) }
            } else {
                revive(u)
                setStacked(Int(u), local: l)
            }
        }
    }
}
