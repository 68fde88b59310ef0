import Crypto

/// The SHA-256 of a regular file's content, as four words: compact, hashable, comparable.
///
/// Content equality (modified vs. unchanged, duplicate content) is decided by this
/// digest, never by size alone (DESIGN.md "Union rules").
public struct ContentDigest: Hashable, Sendable {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The digest slot of rows that are not regular files.
    public static let zero = ContentDigest(w0: 0, w1: 0, w2: 0, w3: 0)

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    init(_ hasher: SHA256) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        hasher.finalize().withUnsafeBytes { raw in
            words = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// One word is enough for a hash table: SHA-256 bits are already uniformly spread.
    public func hash(into hasher: inout Hasher) { hasher.combine(w0) }

    /// `sha256:<hex>`.
    public var hex: String {
        var bytes: [UInt8] = []
        for w in [w0, w1, w2, w3] { withUnsafeBytes(of: w) { bytes.append(contentsOf: $0) } }
        return "sha256:" + Digest.hex(bytes)
    }
}
