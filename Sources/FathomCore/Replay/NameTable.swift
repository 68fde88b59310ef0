/// Interned path components: every distinct name's bytes stored once, named by a `NameID`.
///
/// An open-addressing hash table over the bytes themselves (FNV-1a), so that a lookup allocates
/// nothing: this sits on the hot path of every tar entry.
public struct NameTable: Sendable {
    /// Index of a name in the table.
    public typealias NameID = UInt32
    private var bytes: ContiguousArray<UInt8> = []
    private var ends: ContiguousArray<UInt32> = []
    private var hashes: ContiguousArray<UInt32> = []
    /// Bucket → NameID + 1 (0 = empty); the count is a power of two, at most half full.
    private var buckets: ContiguousArray<UInt32> = ContiguousArray(repeating: 0, count: 1024)

    public init() {}

    public var count: Int { ends.count }

    private static func hash<C: Collection>(_ name: C) -> UInt32 where C.Element == UInt8 {
        var h: UInt32 = 2_166_136_261
        for b in name { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    private func equals<C: Collection>(_ id: Int, _ name: C) -> Bool where C.Element == UInt8 {
        let start = id == 0 ? 0 : Int(ends[id - 1])
        let end = Int(ends[id])
        guard end - start == name.count else { return false }
        var i = start
        for b in name {
            if bytes[i] != b { return false }
            i += 1
        }
        return true
    }

    private func find<C: Collection>(_ name: C, hash h: UInt32) -> (slot: Int, id: NameID?) where C.Element == UInt8 {
        let mask = buckets.count - 1
        var slot = Int(h) & mask
        while true {
            let entry = buckets[slot]
            if entry == 0 { return (slot, nil) }
            let id = Int(entry - 1)
            if hashes[id] == h && equals(id, name) { return (slot, NameID(id)) }
            slot = (slot + 1) & mask
        }
    }

    /// The ID of `name`, adding it when new.
    mutating func intern<C: Collection>(_ name: C) -> NameID where C.Element == UInt8 {
        let h = Self.hash(name)
        let (slot, found) = find(name, hash: h)
        if let found { return found }
        let id = NameID(ends.count)
        bytes.append(contentsOf: name)
        ends.append(UInt32(bytes.count))
        hashes.append(h)
        buckets[slot] = id + 1
        if ends.count * 2 > buckets.count { grow() }
        return id
    }

    private mutating func grow() {
        buckets = ContiguousArray(repeating: 0, count: buckets.count * 2)
        let mask = buckets.count - 1
        for id in 0..<ends.count {
            var slot = Int(hashes[id]) & mask
            while buckets[slot] != 0 { slot = (slot + 1) & mask }
            buckets[slot] = UInt32(id + 1)
        }
    }

    /// The ID of `name` if it was interned.
    func lookup<C: Collection>(_ name: C) -> NameID? where C.Element == UInt8 { find(name, hash: Self.hash(name)).id }

    /// The bytes of name `id`.
    public func bytes(_ id: NameID) -> ArraySlice<UInt8> {
        let start = id == 0 ? 0 : Int(ends[Int(id) - 1])
        return ArraySlice(bytes[start..<Int(ends[Int(id)])])
    }

    /// True when name `a` sorts before name `b` by bytes (Go's `sort.Strings`), without copying.
    func precedes(_ a: NameID, _ b: NameID) -> Bool {
        let sa = a == 0 ? 0 : Int(ends[Int(a) - 1]), ea = Int(ends[Int(a)])
        let sb = b == 0 ? 0 : Int(ends[Int(b) - 1]), eb = Int(ends[Int(b)])
        return bytes.withUnsafeBufferPointer { p in
            let la = ea - sa, lb = eb - sb
            let n = min(la, lb)
            var i = 0
            while i < n {
                let x = p[sa + i], y = p[sb + i]
                if x != y { return x < y }
                i += 1
            }
            return la < lb
        }
    }

}
