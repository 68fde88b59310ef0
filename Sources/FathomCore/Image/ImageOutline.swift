/// What is known of an image once its manifests and config are read and before any layer is
/// decoded: enough for the explorer to show the layer list while the layers are still being read.
///
/// For a seekable archive (a file or a directory) it is known right after the header-only pass
/// over the outer archive; for standard input or a compressed archive only at the end.
public struct ImageOutline: Sendable {
    /// The archive as the user named it (`-` for standard input).
    public var archivePath: String
    /// Names and tags of the selected image, sorted; may be empty.
    public var names: [String]
    /// Layers in manifest order, base first.
    public var layers: [Layer]

    /// One layer as the manifest and config describe it.
    public struct Layer: Sendable, Equatable {
        /// 0-based position in the manifest (0 = base).
        public var index: Int
        /// The archive member that holds the blob (after following links).
        public var memberPath: String
        /// Bytes of the blob as stored in the archive; nil when not known yet (standard input).
        public var storedBytes: Int64?
        /// The config's `rootfs.diff_ids` entry for this layer, if there is one.
        public var configDiffID: Digest?
        /// The history command mapped to this layer (`created_by`), nil when unknown.
        public var createdBy: String?

        public init(index: Int, memberPath: String, storedBytes: Int64?, configDiffID: Digest?, createdBy: String?) {
            self.index = index; self.memberPath = memberPath; self.storedBytes = storedBytes
            self.configDiffID = configDiffID; self.createdBy = createdBy
        }
    }

    public init(archivePath: String, names: [String], layers: [Layer]) {
        self.archivePath = archivePath; self.names = names; self.layers = layers
    }
}

/// A layer of the outline that has been decoded (its changeset read), reported while loading goes on.
public struct DecodedLayer: Sendable, Equatable {
    /// The layer's index in the outline.
    public var index: Int
    /// Rows of its changeset (tar members, the root entry excluded).
    public var entries: Int
    /// Regular-file bytes it ships.
    public var fileBytes: Int64

    public init(index: Int, entries: Int, fileBytes: Int64) {
        self.index = index; self.entries = entries; self.fileBytes = fileBytes
    }
}
