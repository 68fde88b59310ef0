import Foundation

/// A pull-based source of byte blocks that fathom does not own: an HTTP response body, say.
///
/// `next()` blocks until a block is there and returns it (valid until the following call),
/// an empty buffer at the end; it throws when the source fails (a connection cut short).
/// `close()` is called once the reader is done with it, whether it read to the end or not.
public protocol BlockSource: AnyObject {
    func next() throws -> UnsafeRawBufferPointer
    func close()
}

/// One layer blob of an image fetched piece by piece (a registry): its digest and how to open it.
public struct RemoteLayer: Sendable {
    /// The descriptor's digest (`sha256:<hex>`): the blob is checked against it as it streams.
    public var digest: String
    /// Opens the blob (starts the download); called on a decoding thread, at most `concurrency` at once.
    public var open: @Sendable () throws -> BlockSource
    /// Opens the blob from a byte offset to its end (an HTTP Range request), for reading files after
    /// the analysis; nil when the source cannot.
    public var openFrom: (@Sendable (Int64) throws -> BlockSource)?

    public init(digest: String, open: @escaping @Sendable () throws -> BlockSource,
                openFrom: (@Sendable (Int64) throws -> BlockSource)? = nil) {
        self.digest = digest
        self.open = open
        self.openFrom = openFrom
    }
}

extension ImageLoader {
    /// Loads an image archive (a `docker save` tar stream, e.g. a Docker engine's
    /// `GET /images/{name}/get`) from a byte source, in one pass, without a temporary file.
    ///
    /// - Parameter name: How the source is named in messages and in `Image.archivePath`.
    /// - Throws: `ArchiveError`, `ImageError`, or the source's own errors.
    /// - Parameter reopen: Gives the archive's bytes again from the start (the engine is asked again),
    ///   so that the files in its layers can be read after the analysis; nil: they cannot.
    public static func load(archiveFrom source: BlockSource, name: String, options: LoadOptions = LoadOptions(),
                            reopen: (@Sendable () throws -> BlockSource)? = nil) throws -> Image {
        defer { source.close() }
        let archive = OuterArchive(stream: ByteStream { try source.next() }, name: name)
        return try load(archive, name: name, options: options) { member in
            reopen.map { .fetched(member: member, open: $0) } ?? .unavailable("\(name) was read once, as a stream; its layers cannot be read again")
        }
    }

    /// Builds an image from parts fetched one by one (a registry): the JSON documents of an OCI
    /// image layout (`oci-layout`, `index.json`, `blobs/sha256/<hex>` of the manifest and config)
    /// and the layer blobs, which are streamed and decoded on up to `concurrency` threads at once.
    ///
    /// Every blob is hashed as it streams and must have its descriptor's digest. The layout
    /// then goes through the same resolution as an archive (platform, history, warnings, `--verify`).
    ///
    /// - Throws: `ImageError` (a layer that is not a tar, a digest mismatch…) or the first
    ///   error a layer source threw (a network failure), in layer order.
    public static func load(documents: [String: [UInt8]], layers: [RemoteLayer], name: String,
                            concurrency: Int = 4, options: LoadOptions = LoadOptions()) throws -> Image {
        var contents = ArchiveContents()
        contents.documents = documents
        // a blob named by several layers (the same content twice) is fetched and decoded once
        var unique: [RemoteLayer] = [], uniqueIndex: [String: Int] = [:]
        for layer in layers where uniqueIndex[layer.digest] == nil {
            uniqueIndex[layer.digest] = unique.count
            unique.append(layer)
        }
        let results = RemoteLayerDecoder.decode(unique, concurrency: max(1, concurrency), indexesGzip: options.indexesGzip)
        for (i, layer) in layers.enumerated() {
            let member = Resolver.blobPath(layer.digest)
            if contents.blobs[member] != nil { continue }
            switch results[uniqueIndex[layer.digest]!] {
            case let .success(blob):
                if blob.digest.value != layer.digest {
                    throw ImageError.digestMismatch(archive: name, index: i, member: member, computed: blob.digest)
                }
                contents.blobs[member] = .success(blob)
            case let .failure(error as LayerError):
                contents.blobs[member] = .failure(error)
            case let .failure(error):
                throw error
            }
        }
        var resolver = Resolver(contents: contents, archive: name, options: options)
        var image = try resolver.image()
        let sources = Dictionary(layers.map { (Resolver.blobPath($0.digest), $0) }, uniquingKeysWith: { a, _ in a })
        for i in image.layers.indices {
            image.layers[i].location = sources[image.layers[i].memberPath].map { .fetched(member: nil, open: $0.open, openFrom: $0.openFrom) }
                ?? .unavailable("\(name): no source for layer \(i)")
        }
        LayerReporter.reportAll(image, options: options)
        return image
    }
}

/// Decodes remote layer blobs on worker threads, `concurrency` at a time.
enum RemoteLayerDecoder {
    static func decode(_ layers: [RemoteLayer], concurrency: Int, indexesGzip: Bool = false) -> [Result<LayerBlob, Error>] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var values: [Result<LayerBlob, Error>?]
            init(_ n: Int) { values = Array(repeating: nil, count: n) }
        }
        let results = Results(layers.count)
        let slots = DispatchSemaphore(value: concurrency)
        let group = DispatchGroup()
        for (i, layer) in layers.enumerated() {
            slots.wait()
            group.enter()
            DispatchQueue.global(qos: .userInitiated).async {
                // Raw member names need the C locale (see LayerDecodePool).
                let previous = uselocale(LayerDecodePool.cLocale)
                defer { uselocale(previous); slots.signal(); group.leave() }
                let result: Result<LayerBlob, Error>
                do {
                    let source = try layer.open()
                    defer { source.close() }
                    result = .success(try LayerReader.read(ByteStream { try source.next() }, knownDigest: nil, gzipIndexEvery: indexesGzip ? GzipIndex.spacingBytes : nil))
                } catch {
                    result = .failure(error)
                }
                results.lock.lock(); results.values[i] = result; results.lock.unlock()
            }
        }
        group.wait()
        return results.values.map { $0! }
    }
}
