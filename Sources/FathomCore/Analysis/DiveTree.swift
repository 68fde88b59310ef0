/// dive 0.13.1's file tree (`dive/filetree`), reproduced with its quirks so that
/// dive-compatible numbers come out to the last digit (dive-reference.md §1–§2):
/// whiteouts are nodes under their literal `.wh.NAME`; opaque markers are dropped
/// (their directories are still created); intermediate directories without an entry
/// get an empty payload; the last duplicate of a path wins.
///
/// Used only for dive's JSON `fileList` (`DiveModel.layerTree`); the dive-compatible metrics walk
/// the same trees as `DiveWalk` does. fathom's own accounting is `Replay`.
struct DiveTree {
    typealias NodeID = Int32

    /// A node's FileInfo: where it came from and what dive reads of it. nil = dive's empty FileInfo.
    struct Payload: Equatable {
        var sizeBytes: Int64
        var isDirectory: Bool
        var layer: Int16
        var row: Int32
    }

    var names: [NameTable.NameID] = [0]
    var parents: [NodeID] = [-1]
    var children: [[NodeID]] = [[]]
    var payloads: [Payload?] = [nil]
    private var index = NodeIndex()

    /// A tree with room for `nodes` nodes.
    init(capacity nodes: Int) { reserve(nodes) }

    mutating func reserve(_ nodes: Int) {
        names.reserveCapacity(nodes); parents.reserveCapacity(nodes); children.reserveCapacity(nodes)
        payloads.reserveCapacity(nodes)
        index.reserve(nodes)
    }

    private static func key(_ p: NodeID, _ n: NameTable.NameID) -> UInt64 { UInt64(UInt32(bitPattern: p)) << 32 | UInt64(n) }

    func child(_ parent: NodeID, _ name: NameTable.NameID) -> NodeID? {
        index[Self.key(parent, name)]
    }

    /// Creates a child; children lists stay sorted by name bytes, so traversals never sort.
    private mutating func makeChild(_ parent: NodeID, _ name: NameTable.NameID, _ table: NameTable) -> NodeID {
        let n = NodeID(names.count)
        names.append(name); parents.append(parent); children.append([]); payloads.append(nil)
        let siblings = children[Int(parent)]
        var lo = 0, hi = siblings.count
        if let last = siblings.last, table.precedes(names[Int(last)], name) {
            lo = hi  // the common case: tar order is often sorted
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if table.precedes(names[Int(siblings[mid])], name) { lo = mid + 1 } else { hi = mid }
        }
        children[Int(parent)].insert(n, at: lo)
        index[Self.key(parent, name)] = n
        return n
    }

    /// One step of `AddPath`: the child `name` of `parent`, created (empty payload) when absent;
    /// nil when it is absent and named `.wh..wh..*` (AddPath stops there).
    mutating func addChild(_ parent: NodeID, _ name: NameTable.NameID, names table: NameTable) -> NodeID? {
        if let c = child(parent, name) { return c }
        if table.bytes(name).starts(with: DiveTree.opaquePrefix) { return nil }
        return makeChild(parent, name, table)
    }

    /// Children sorted by name bytes (Go `sort.Strings`): kept sorted on insertion.
    func sortedChildren(_ node: NodeID, _ table: NameTable) -> [NodeID] { children[Int(node)] }

    /// Post-order (children first, byte-sorted) over every node below the root.
    func postOrder(_ table: NameTable, _ visit: (NodeID) throws -> Void) rethrows {
        var stack: [(NodeID, Bool)] = [(0, false)]
        while let (n, expanded) = stack.popLast() {
            if expanded {
                if n != 0 { try visit(n) }
                continue
            }
            stack.append((n, true))
            for c in sortedChildren(n, table).reversed() { stack.append((c, false)) }
        }
    }

    static let whiteoutPrefix: [UInt8] = Array(".wh.".utf8)
    static let opaquePrefix: [UInt8] = Array(".wh..wh..".utf8)
}
