/// Compression of a blob, detected from its first bytes, never from a file name.
///
/// gzip starts `1f 8b` (RFC 1952), zstd frames start `28 b5 2f fd` (RFC 8878).
/// eStargz is gzip and zstd:chunked is zstd, so both read as their base format.
public enum Compression: String, Sendable, Codable {
    case none, gzip, zstd

    /// The compression the magic bytes at the start of `prefix` announce.
    public static func detect<C: Collection>(_ prefix: C) -> Compression where C.Element == UInt8 {
        let b = Array(prefix.prefix(4))
        if b.count >= 2 && b[0] == 0x1F && b[1] == 0x8B { return .gzip }
        if b.count >= 4 && b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD { return .zstd }
        return .none
    }
}
