/// Why a layer blob could not be read. The loader adds the archive and member names.
public enum LayerError: Error, Sendable, Equatable {
    /// The (decompressed) blob is not a tar stream.
    case notTar(String)
    /// The gzip or zstd stream is corrupt.
    case corrupt(Compression, String)
    /// The tar stream ends in the middle of a member.
    case truncated(String)
    /// A member name has a `..` component (it would escape the root).
    case pathEscapesRoot(String)
    /// A path or link target longer than `Limits.pathBytes`.
    case pathTooLong(Int)
    /// More entries than `Limits.entriesPerLayer`.
    case tooManyEntries
    /// The entries' sizes add up to more than `Limits.layerBytes`.
    case tooLarge
    /// The entries' paths add up to more than `Limits.pathBytesPerImage` bytes.
    case pathsTooLong
    /// The blob decompresses to more than `Limits.expansionRatio` times its stored bytes, past
    /// `Limits.expansionFloorBytes`: (tar bytes, stored bytes read so far).
    case expandsTooMuch(Int64, Int64)

    /// What is wrong, without the file name.
    public var message: String {
        switch self {
        case let .notTar(m): "not a tar stream (\(m))"
        case let .corrupt(c, m): "corrupt \(c.rawValue) data: \(m)"
        case let .truncated(m): "truncated layer: \(m)"
        case let .pathEscapesRoot(name): "entry '\(name)' has a '..' component"
        case let .pathTooLong(n): "an entry's path or link target is \(n) bytes, more than \(Limits.pathBytes) (PATH_MAX)"
        case .tooManyEntries: "more than \(Limits.entriesPerLayer) entries (fathom's limit)"
        case .tooLarge: "its entries' sizes add up to more than \(Limits.layerBytes) bytes (fathom's limit)"
        case .pathsTooLong: "its entries' paths add up to more than \(Limits.pathBytesPerImage) bytes (fathom's limit)"
        case let .expandsTooMuch(tar, stored):
            "\(stored) compressed bytes expand to more than \(tar) (over \(Limits.expansionRatio) times), a decompression bomb (fathom's limit)"
        }
    }
}
