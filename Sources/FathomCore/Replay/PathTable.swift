import Glibc

/// Every path seen in an image, as a tree of interned names: node 0 is the root,
/// every other node is (parent, name). Paths are looked up component by component
/// through a (parent, name) → node index, never by string.
public struct PathTable: Sendable {
    public typealias NodeID = Int32
    public static let root: NodeID = 0

    public private(set) var names = NameTable()
    public private(set) var parents: ContiguousArray<NodeID> = [-1]
    public private(set) var nameIDs: ContiguousArray<NameTable.NameID> = [0]
    /// Children of each node ever created, in creation order.
    public private(set) var children: [[NodeID]] = [[]]
    private var index = NodeIndex()

    public init() { _ = names.intern([UInt8]()) }

    public var count: Int { parents.count }

    /// Makes room for `nodes` nodes (growing arrays by doubling would hold twice what a large image needs).
    public mutating func reserve(_ nodes: Int) {
        parents.reserveCapacity(nodes)
        nameIDs.reserveCapacity(nodes)
        children.reserveCapacity(nodes)
        index.reserve(nodes)
    }

    private static func key(_ parent: NodeID, _ name: NameTable.NameID) -> UInt64 {
        UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(name)
    }

    /// The child `name` of `parent`, created when absent.
    public mutating func child(_ parent: NodeID, _ name: NameTable.NameID) -> NodeID {
        let k = Self.key(parent, name)
        if let n = index[k] { return n }
        let n = NodeID(parents.count)
        parents.append(parent)
        nameIDs.append(name)
        children.append([])
        children[Int(parent)].append(n)
        index[k] = n
        return n
    }

    /// The existing child `name` of `parent`.
    public func existingChild(_ parent: NodeID, _ name: NameTable.NameID) -> NodeID? { index[Self.key(parent, name)] }

    /// The node of a normalised path (components separated by `/`), created with its ancestors when absent.
    public mutating func node<C: Collection>(forPath path: C) -> NodeID where C.Element == UInt8, C.Index == Int {
        var node = Self.root
        var start = path.startIndex
        while start < path.endIndex {
            var end = start
            while end < path.endIndex && path[end] != 0x2F { end += 1 }
            if end > start { node = child(node, names.intern(path[start..<end])) }
            start = end + 1
        }
        return node
    }

    /// The parent directory of the last path looked up through `node(forPath:cache:)`, as bytes and node.
    public struct ParentCache {
        fileprivate var bytes: [UInt8] = []
        fileprivate var node: NodeID = -1
        public init() {}
    }

    /// `node(forPath:)` for paths that come grouped by directory (tar order): when the parent directory's
    /// bytes equal the previous call's, only the last component is looked up. Nodes are never removed,
    /// so a cached parent stays valid for the life of the table.
    public mutating func node(forPath path: UnsafeRawBufferPointer, cache: inout ParentCache) -> NodeID {
        var slash = path.count - 1
        while slash >= 0 && path[slash] != 0x2F { slash -= 1 }
        let last = UnsafeRawBufferPointer(rebasing: path[(slash + 1)...])
        if slash <= 0 {
            return last.isEmpty ? Self.root : child(Self.root, names.intern(last))
        }
        let parentBytes = UnsafeRawBufferPointer(rebasing: path[..<slash])
        let sameParent = cache.node >= 0 && cache.bytes.count == parentBytes.count
            && cache.bytes.withUnsafeBytes { memcmp($0.baseAddress!, parentBytes.baseAddress!, parentBytes.count) == 0 }
        if !sameParent {
            cache.node = node(forPath: parentBytes)
            cache.bytes.removeAll(keepingCapacity: true)
            cache.bytes.append(contentsOf: parentBytes)
        }
        return last.isEmpty ? cache.node : child(cache.node, names.intern(last))
    }

    /// The node of a normalised path, if every component exists.
    public func existingNode<C: Collection>(forPath path: C) -> NodeID? where C.Element == UInt8, C.Index == Int {
        var node = Self.root
        var start = path.startIndex
        while start < path.endIndex {
            var end = start
            while end < path.endIndex && path[end] != 0x2F { end += 1 }
            if end > start {
                guard let id = names.lookup(path[start..<end]), let c = existingChild(node, id) else { return nil }
                node = c
            }
            start = end + 1
        }
        return node
    }

    /// The name of `node` as bytes.
    public func nameBytes(_ node: NodeID) -> ArraySlice<UInt8> { names.bytes(nameIDs[Int(node)]) }

    /// The path of `node` as bytes, without a leading `/` (empty for the root).
    public func pathBytes(_ node: NodeID) -> [UInt8] {
        var chain: [NodeID] = []
        var n = node
        while n != Self.root { chain.append(n); n = parents[Int(n)] }
        var out: [UInt8] = []
        for c in chain.reversed() {
            if !out.isEmpty { out.append(0x2F) }
            out.append(contentsOf: nameBytes(c))
        }
        return out
    }

    /// The path of `node` as text (invalid UTF-8 replaced by U+FFFD), without a leading `/`.
    public func path(_ node: NodeID) -> String { String(decoding: pathBytes(node), as: UTF8.self) }
}
