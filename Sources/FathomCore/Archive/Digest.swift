import Crypto

/// A content digest in OCI form, `sha256:<64 hex>` (OCI image-spec descriptor.md "Digests").
public struct Digest: Hashable, Sendable, CustomStringConvertible {
    /// `algorithm:hex`, e.g. `sha256:403ef4…`.
    public let value: String
    public init(_ value: String) { self.value = value }
    /// The hex part, without the algorithm.
    public var hex: String { value.split(separator: ":", maxSplits: 1).last.map(String.init) ?? value }
    /// The first 12 hex digits, as `docker images` shows them.
    public var short: String { String(hex.prefix(12)) }
    public var description: String { value }

    init(sha256 hasher: SHA256) {
        value = "sha256:" + Self.hex(hasher.finalize())
    }

    /// Lower-case hex of `bytes`.
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        for b in bytes { chars.append(digits[Int(b >> 4)]); chars.append(digits[Int(b & 15)]) }
        return String(decoding: chars, as: UTF8.self)
    }
}
