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

    init(sha256 hasher: SHA256Hasher) {
        value = "sha256:" + Self.hex(hasher.finalize())
    }

    /// The SHA-256 digest of `bytes` (a manifest, a config), `sha256:<64 hex>`.
    public init(sha256Of bytes: [UInt8]) {
        let hasher = SHA256Hasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        self.init(sha256: hasher)
    }

    /// True for `sha256:` and 64 lower-case hex digits, the only digest fathom can check (OCI
    /// image-spec descriptor.md "SHA-256"); anything else from a manifest is refused before it is
    /// used in a URL or a path.
    public static func isSHA256(_ s: String) -> Bool {
        let u = s.utf8
        guard u.count == 71, s.hasPrefix("sha256:") else { return false }
        return u.dropFirst(7).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// Lower-case hex of `bytes`.
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        for b in bytes { chars.append(digits[Int(b >> 4)]); chars.append(digits[Int(b & 15)]) }
        return String(decoding: chars, as: UTF8.self)
    }
}
