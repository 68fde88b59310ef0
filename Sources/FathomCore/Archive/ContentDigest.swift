import CXXHash

/// The XXH3 128-bit hash of a regular file's content (xxHash 0.8, as `xxh128sum` prints it): compact,
/// hashable, comparable, and about twenty times cheaper to compute than SHA-256, which matters when
/// every file of a multi-gigabyte image is hashed. Diff IDs and blob digests stay SHA-256 (`Digest`).
///
/// Content equality (modified vs. unchanged, duplicate content) is decided by this
/// digest, never by size alone (DESIGN.md "Union rules").
public struct ContentDigest: Hashable, Sendable {
    /// The high and low 64 bits of the 128-bit hash.
    public var high: UInt64, low: UInt64

    /// The digest slot of rows that are not regular files.
    public static let zero = ContentDigest(high: 0, low: 0)

    init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    init(_ hash: XXH128_hash_t) { self.init(high: hash.high64, low: hash.low64) }

    /// The digest of `bytes` in one call (a file whose content arrived as one block).
    init(of bytes: UnsafeRawBufferPointer) { self.init(XXH3_128bits(bytes.baseAddress, bytes.count)) }

    /// One word is enough for a hash table: XXH3's bits are already uniformly spread.
    public func hash(into hasher: inout Hasher) { hasher.combine(low) }

    /// `xxh128:<32 hex digits>`, the digits as `xxh128sum` prints them.
    public var hex: String {
        var bytes: [UInt8] = []
        for w in [high, low] { withUnsafeBytes(of: w.bigEndian) { bytes.append(contentsOf: $0) } }
        return "xxh128:" + Digest.hex(bytes)
    }
}

/// A streaming XXH3-128 hasher for file content that arrives in several blocks; one per layer
/// reader, reset for each file (its 576-byte state is allocated once).
final class ContentHasher {
    private let state: OpaquePointer

    init() { state = XXH3_createState() }
    deinit { XXH3_freeState(state) }

    func reset() { XXH3_128bits_reset(state) }
    func update(_ bytes: UnsafeRawBufferPointer) { XXH3_128bits_update(state, bytes.baseAddress, bytes.count) }
    var digest: ContentDigest { ContentDigest(XXH3_128bits_digest(state)) }
}
