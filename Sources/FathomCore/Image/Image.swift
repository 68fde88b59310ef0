/// An image taken from an archive: its layers in manifest order, its config and
/// what was recognised about the archive. The input to replay and analysis.
public struct Image: Sendable {
    /// The archive as the user named it (`-` for standard input).
    public var archivePath: String
    public var layout: Layout
    /// Names and tags (RepoTags, or OCI reference annotations), sorted; may be empty.
    public var names: [String]
    /// The selected image's platform, from its config.
    public var platform: Platform?
    /// For OCI layouts: every usable platform in the index, in index order; nil for `docker save` layouts.
    public var platforms: [Platform]?
    public var config: ImageConfig
    /// Layers in manifest order, base first.
    public var layers: [Layer]
    /// Problems that did not stop loading (diff ID mismatch, history mismatch, ignored names).
    public var warnings: [String]

    /// The archive layouts fathom recognises, by what their contents say (DESIGN.md "Format rules").
    public enum Layout: String, Sendable, Codable {
        /// `docker save` of Docker 24 and older: `<id>/layer.tar`.
        case dockerSaveClassic = "docker-save-classic"
        /// `docker save` of Docker 25+: OCI layout plus `manifest.json` naming `blobs/sha256/…`.
        case dockerSaveOCI = "docker-save-oci"
        /// kaniko `--tarPath` (go-containerregistry tarball): config named `sha256:<hex>`.
        case kanikoTarball = "kaniko-tarball"
        /// skopeo/podman `docker-archive`: `<diffid>.tar` at the top level.
        case skopeoDockerArchive = "skopeo-docker-archive"
        /// Another `manifest.json` archive.
        case dockerArchive = "docker-archive"
        /// OCI image layout without `manifest.json` (buildx, skopeo/podman `oci-archive`).
        case oci = "oci"
    }
}

/// One layer of an image.
public struct Layer: Sendable {
    /// 0-based position in the manifest (0 = base).
    public var index: Int
    /// The member as the manifest names it (`<id>/layer.tar`, `blobs/sha256/<hex>`), before links are followed.
    public var reference: String
    /// The archive member that holds the blob (after following links).
    public var memberPath: String
    /// Media type from the OCI manifest; nil for `docker save` manifests.
    public var mediaType: String?
    /// The blob as read.
    public var blob: LayerBlob
    /// The config's `rootfs.diff_ids` entry for this layer, if there is one.
    public var configDiffID: Digest?
    /// The history entry mapped to this layer; nil when history is absent or does not match the layer count.
    public var history: HistoryEntry?
    /// Where the blob can be read again for the files inside it (`LayerContent`).
    public var location: BlobLocation = .unavailable("the layer cannot be read again")

    /// The history command exactly as stored (`created_by`), nil when unknown.
    public var createdBy: String? { history?.created_by }
}
