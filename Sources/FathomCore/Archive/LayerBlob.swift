/// One layer blob as read: its entries and the facts measured while streaming it.
public struct LayerBlob: Sendable {
    /// The layer's changeset (entries in tar order).
    public var changeset: Changeset
    /// Compression of the blob as stored.
    public var compression: Compression
    /// SHA-256 of the blob as stored (OCI "digest").
    public var digest: Digest
    /// SHA-256 of the uncompressed tar (OCI "diff ID").
    public var diffID: Digest
    /// Bytes of the blob as stored.
    public var storedBytes: Int64
    /// Bytes of the uncompressed tar stream.
    public var tarBytes: Int64
    /// Random-access checkpoints of a gzip blob, when the load asked for them (`LoadOptions.indexesGzip`).
    public var gzipIndex: GzipIndex? = nil
}
