/// How to choose and check the image inside an archive.
public struct LoadOptions: Sendable {
    /// `--image NAME[:TAG]` or a digest (`sha256:…`, or a unique prefix of its hex); nil = the only image.
    public var imageName: String?
    /// `--platform os/arch[/variant]`; nil = the only one, else the host's.
    public var platform: Platform?
    /// `--verify`: a computed diff ID that differs from the config's is an error, not a warning.
    public var verify: Bool
    /// Called with each member path as its blob is read (for progress display).
    public var progress: (@Sendable (String) -> Void)?
    /// Called once, on a loading thread, when the selected image's layers are known (`ImageOutline`):
    /// before any layer is decoded for a seekable archive, at the end of the pass for standard input.
    public var onOutline: (@Sendable (ImageOutline) -> Void)?
    /// Keep random-access checkpoints of gzip layers (`GzipIndex`, about 0.5 % of their tar bytes), so
    /// that the explorer's viewer opens a file deep in a layer without decoding all before it.
    public var indexesGzip = false
    /// Called on a loading thread as each layer of the outline is decoded (in any order).
    public var onLayerDecoded: (@Sendable (DecodedLayer) -> Void)?

    public init(imageName: String? = nil, platform: Platform? = nil, verify: Bool = false,
                progress: (@Sendable (String) -> Void)? = nil) {
        self.imageName = imageName
        self.platform = platform
        self.verify = verify
        self.progress = progress
    }
}
