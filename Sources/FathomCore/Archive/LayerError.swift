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

    /// What is wrong, without the file name.
    public var message: String {
        switch self {
        case let .notTar(m): "not a tar stream (\(m))"
        case let .corrupt(c, m): "corrupt \(c.rawValue) data: \(m)"
        case let .truncated(m): "truncated layer: \(m)"
        case let .pathEscapesRoot(name): "entry '\(name)' has a '..' component"
        }
    }
}
