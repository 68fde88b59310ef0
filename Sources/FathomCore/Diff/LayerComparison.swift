/// Which of NEW's layers a host that has OLD already holds, what it must download, and
/// where the build cache broke.
///
/// Layers are matched by diff ID (SHA-256 of the uncompressed tar), so the same layer
/// stored differently (uncompressed in a `docker save`, zstd in an OCI archive) is shared.
public struct LayerComparison: Sendable {
    /// One layer of NEW.
    public struct NewLayer: Sendable {
        public var index: Int
        public var diffID: Digest
        /// SHA-256 of the blob as NEW stores it.
        public var digest: Digest
        public var compression: Compression
        /// Bytes of the blob as NEW stores it.
        public var storedBytes: Int64
        /// Bytes of the uncompressed layer tar.
        public var tarBytes: Int64
        /// The history command (`created_by`), nil when unknown.
        public var command: String?
        /// The history entry's comment (a base layer's `debootstrap …`), shown when there is no command.
        public var comment: String?
        /// The OLD layer with the same diff ID: the one at the same index if it matches, else the first; nil for a new layer.
        public var oldIndex: Int?
        /// True when a host that has OLD must download this blob: a new diff ID, counted at its
        /// first occurrence in NEW only (a blob is pulled once).
        public var downloaded: Bool
        public var shared: Bool { oldIndex != nil }
    }

    /// One layer of OLD that NEW no longer has.
    public struct DroppedLayer: Sendable {
        public var index: Int
        public var diffID: Digest
        public var command: String?
        public var comment: String?
    }

    /// How the download figure measures blobs.
    public enum DownloadMeasure: String, Sendable {
        /// Every downloaded blob is stored compressed (gzip or zstd): the bytes on the wire.
        case compressed
        /// Every downloaded blob is stored uncompressed (e.g. `docker save` of Docker ≤ 24).
        case uncompressed
        /// Some of each.
        case mixed
        /// Nothing to download.
        case nothing
    }

    /// NEW's layers, base first.
    public var layers: [NewLayer]
    /// OLD's layers whose diff ID NEW does not have, base first.
    public var dropped: [DroppedLayer]
    /// How many leading layers both images have in the same order (the build-cache chain that survived).
    public var sharedPrefix: Int
    /// Bytes of the blobs a host that has OLD must download to run NEW, as NEW stores them.
    public var downloadBytes: Int64
    public var downloadMeasure: DownloadMeasure

    /// NEW's first layer after the shared chain (the step that broke the cache); nil when NEW's
    /// layers are all a prefix of OLD's.
    public var firstCacheMiss: NewLayer? { sharedPrefix < layers.count ? layers[sharedPrefix] : nil }
    /// True when the base changed: both images have layers and their first layers differ.
    public var baseLayersChanged: Bool { sharedPrefix == 0 && !layers.isEmpty && !oldIsEmpty }
    private var oldIsEmpty: Bool

    /// Compares the layer lists of two images (manifest order, base first).
    public init(old: Image, new: Image) {
        var oldIndexByDiffID: [Digest: Int] = [:]
        for l in old.layers where oldIndexByDiffID[l.blob.diffID] == nil { oldIndexByDiffID[l.blob.diffID] = l.index }
        let newDiffIDs = Set(new.layers.map(\.blob.diffID))
        var seen = Set<Digest>()
        var compressedSeen = false, uncompressedSeen = false
        var download: Int64 = 0
        layers = new.layers.map { l in
            let samePlace = l.index < old.layers.count && old.layers[l.index].blob.diffID == l.blob.diffID
            let oldIndex = samePlace ? l.index : oldIndexByDiffID[l.blob.diffID]
            let downloaded = oldIndex == nil && seen.insert(l.blob.diffID).inserted
            if downloaded {
                download += l.blob.storedBytes
                if l.blob.compression == .none { uncompressedSeen = true } else { compressedSeen = true }
            }
            return NewLayer(index: l.index, diffID: l.blob.diffID, digest: l.blob.digest, compression: l.blob.compression,
                            storedBytes: l.blob.storedBytes, tarBytes: l.blob.tarBytes, command: l.createdBy, comment: l.history?.comment,
                            oldIndex: oldIndex, downloaded: downloaded)
        }
        dropped = old.layers.filter { !newDiffIDs.contains($0.blob.diffID) }
            .map { DroppedLayer(index: $0.index, diffID: $0.blob.diffID, command: $0.createdBy, comment: $0.history?.comment) }
        var prefix = 0
        while prefix < old.layers.count, prefix < new.layers.count,
              old.layers[prefix].blob.diffID == new.layers[prefix].blob.diffID { prefix += 1 }
        sharedPrefix = prefix
        downloadBytes = download
        downloadMeasure = switch (compressedSeen, uncompressedSeen) {
        case (true, true): .mixed
        case (true, false): .compressed
        case (false, true): .uncompressed
        case (false, false): .nothing
        }
        oldIsEmpty = old.layers.isEmpty
    }
}
