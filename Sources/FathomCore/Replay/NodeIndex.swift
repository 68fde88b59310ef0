/// A hash map from a 64-bit key (a parent node and a name, packed) to a node: open addressing with
/// linear probing and a multiplicative hash. Swift's `Dictionary` hashes every key with SipHash,
/// which cost more than the rest of a tree insertion on images of a million files.
///
/// The table has any size, not a power of two (a hash is mapped to a slot by multiplying, Lemire's
/// "fastrange"): reserved for a million nodes it holds 1.33 million slots instead of 2 million.
struct NodeIndex: Sendable {
    /// Stored keys plus one; 0 marks an empty slot.
    private var keys: [UInt64]
    private var values: [Int32]
    private(set) var count = 0

    init(capacity: Int = 12) {
        let size = max(16, capacity + capacity / 3 + 1)   // at most 3/4 full
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
    }

    /// Makes room for `capacity` keys without growing.
    mutating func reserve(_ capacity: Int) {
        guard capacity * 4 > keys.count * 3 else { return }
        rehash(NodeIndex(capacity: capacity))
    }

    private mutating func rehash(_ empty: NodeIndex) {
        var grown = empty
        for (i, k) in keys.enumerated() where k != 0 { grown.insert(k &- 1, values[i]) }
        self = grown
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: UInt64(keys.count)).high)
    }

    @inline(__always) private func next(_ i: Int) -> Int { i + 1 == keys.count ? 0 : i + 1 }

    subscript(key: UInt64) -> Int32? {
        get {
            let stored = key &+ 1
            var i = slot(key)
            while true {
                let k = keys[i]
                if k == stored { return values[i] }
                if k == 0 { return nil }
                i = next(i)
            }
        }
        set {
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    private mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let stored = key &+ 1
        var i = slot(key)
        while keys[i] != 0 && keys[i] != stored { i = next(i) }
        if keys[i] == 0 { count += 1 }
        keys[i] = stored
        values[i] = value
    }

    /// Backward-shift deletion: later entries of the probe run move up, so lookups never need tombstones.
    private mutating func remove(_ key: UInt64) {
        let stored = key &+ 1
        var i = slot(key)
        while keys[i] != stored {
            if keys[i] == 0 { return }
            i = next(i)
        }
        count -= 1
        var hole = i
        var j = i
        while true {
            j = next(j)
            let k = keys[j]
            if k == 0 { break }
            let home = slot(k &- 1)
            // move k into the hole when its home slot is not in (hole, j] (cyclically)
            let inRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !inRange {
                keys[hole] = k
                values[hole] = values[j]
                hole = j
            }
        }
        keys[hole] = 0
    }

    private mutating func grow() { rehash(NodeIndex(capacity: keys.count * 3 / 2)) }
}
