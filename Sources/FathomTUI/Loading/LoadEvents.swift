import FathomCore
import Foundation

/// What the loading thread reports while it reads an image: each blob read, the outline (the layers, once
/// the manifests and config are read), each layer decoded. Thread-safe: the loader calls it on its threads,
/// the terminal loop takes a `LoadProgress` snapshot ten times a second.
public final class LoadEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var blobs = 0
    private var last = ""
    private var outline: ImageOutline?
    private var decoded: [Int: DecodedLayer] = [:]

    public init() {}

    /// A blob (archive member) or a source's status line was read.
    public func progress(_ member: String) { lock.lock(); blobs += 1; last = member; lock.unlock() }

    /// The selected image's layers are known.
    public func outline(_ o: ImageOutline) { lock.lock(); outline = o; lock.unlock() }

    /// A layer of the outline has been decoded.
    public func layerDecoded(_ layer: DecodedLayer) { lock.lock(); decoded[layer.index] = layer; lock.unlock() }

    /// `options` with its `progress`, `onOutline` and `onLayerDecoded` hooks reporting here, and gzip
    /// layers indexed for the explorer's viewer (`LoadOptions.indexesGzip`).
    public func attach(to options: LoadOptions) -> LoadOptions {
        var o = options
        o.indexesGzip = true
        o.progress = { [self] in progress($0) }
        o.onOutline = { [self] in outline($0) }
        o.onLayerDecoded = { [self] in layerDecoded($0) }
        return o
    }

    /// What has been reported so far, `seconds` after loading started.
    public func snapshot(seconds: Double) -> LoadProgress {
        lock.lock(); defer { lock.unlock() }
        return LoadProgress(blobs: blobs, lastMember: last, outline: outline, decoded: decoded, seconds: seconds)
    }
}

/// A snapshot of loading: what the loading explorer (`LoadingModel`) shows.
public struct LoadProgress: Sendable {
    /// Blobs read so far, and the member path of the last one.
    public var blobs: Int
    public var lastMember: String
    /// The selected image's layers, once known; nil shows the plain loading screen.
    public var outline: ImageOutline?
    /// Decoded layers by their index in the outline.
    public var decoded: [Int: DecodedLayer]
    /// Seconds since loading started.
    public var seconds: Double

    public init(blobs: Int = 0, lastMember: String = "", outline: ImageOutline? = nil, decoded: [Int: DecodedLayer] = [:],
                seconds: Double = 0) {
        self.blobs = blobs; self.lastMember = lastMember; self.outline = outline; self.decoded = decoded; self.seconds = seconds
    }
}

/// The loading thread's events and its result, read by the terminal loop.
final class LoadJob<Content>: @unchecked Sendable {
    let events = LoadEvents()
    private let lock = NSLock()
    private var _result: Result<Content, Error>?

    func finish(_ r: Result<Content, Error>) { lock.lock(); _result = r; lock.unlock() }
    var result: Result<Content, Error>? { lock.lock(); defer { lock.unlock() }; return _result }
}
