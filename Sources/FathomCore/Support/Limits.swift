/// The bounds fathom puts on what an image may ask of it. Each is far above any real image (the
/// README lists them); past one, the input is refused with one line naming the limit, never a
/// trap, a hang or memory that grows with a size field instead of with the input.
public enum Limits {
    /// Layers in one image. Docker's overlay2 and containerd stop at about 127; fathom's layer
    /// index is 16 bits.
    public static let layersPerImage = 4096
    /// Entries (tar members) in one layer.
    public static let entriesPerLayer = 4_000_000
    /// Rows replayed for one image, every layer counted as often as the manifest names it (a blob
    /// named 4096 times is replayed 4096 times): the replay's memory grows with this, about 250 bytes a row.
    public static let imageEntries = 8_000_000
    /// Bytes of all the paths of one layer, and of one image (layers counted as often as named): a
    /// tar header may carry a path of 4096 bytes that gzip shrinks to nothing, and paths are kept.
    public static let pathBytesPerImage = 256 << 20
    /// Bytes of all the paths an image shows, a hardlink counted at each of its paths, bound from above
    /// by (the largest file) × (the hardlinks) + (every file once): the sums over paths (directory sizes,
    /// `fathom diff`'s totals) stay far from `Int64.max`.
    public static let apparentBytes: Int64 = 1 << 60
    /// Members of the outer archive (a `docker save` of 4096 layers has about 16,000).
    public static let archiveMembers = 100_000
    /// JSON objects in one document (a manifest list of 4096 platforms has about 12,000): each costs
    /// kilobytes once parsed, so they are counted before.
    public static let documentObjects = 65_536
    /// Bytes of one path or link target: Linux's `PATH_MAX`, beyond which no engine can extract it.
    public static let pathBytes = 4096
    /// The sizes of one layer's entries added up (GNU sparse files state any size): 256 TiB. With
    /// `layersPerImage`, every sum of sizes fathom makes stays far from `Int64.max`.
    public static let layerBytes: Int64 = 1 << 48
    /// How many times its stored size a compressed layer may expand, once past `expansionFloorBytes`:
    /// gzip cannot pass about 1032 times; zstd (run-length blocks) can reach 32,000, so that a 6.5 MB
    /// archive would hold 200 GiB of tar to decompress and hash.
    public static let expansionRatio: Int64 = 4096
    /// Tar bytes of a layer below which its expansion is not checked (a layer of a few gigabytes of
    /// zeros is an odd image, not an attack).
    public static let expansionFloorBytes: Int64 = 4 << 30
    /// One JSON document of an archive (manifest, index, config).
    public static let documentBytes: Int64 = 64 << 20
    /// All JSON documents of one archive together (read before it is known which ones matter).
    public static let documentsBytes: Int64 = 256 << 20
    /// Levels of indexes, the top `index.json` included (OCI image-layout spec: indexes may nest).
    public static let indexLevels = 8
    /// Manifests and indexes visited when walking an OCI layout's indexes.
    public static let indexEntries = 4096
    /// Files below an image layout directory given as IMAGE.
    public static let directoryFiles = 100_000
    /// All package-database files read for one image together (dpkg status and lists, apk's database,
    /// pip's RECORDs, package.json files): an image of a million large `package.json` files is refused
    /// the rest, with a warning, instead of filling memory.
    public static let packageDatabaseBytes: Int64 = 256 << 20
    /// A layer's command (`created_by`) is cut to this many bytes for display and reports.
    public static let commandBytes = 16 << 10
}
