import Foundation

/// The selected image's layers as its manifest and config describe them, resolved from the
/// documents alone (`Resolver.plan()`) before any layer blob is decoded.
struct LayerPlan: Sendable {
    var outline: ImageOutline
    /// Member path → the layer indices it holds (a duplicate layer may share an earlier one's member).
    var layersByMember: [String: [Int]]
    /// Member path → the diff ID the config states for it (`rootfs.diff_ids[i]` ↔ `layers[i]`, OCI
    /// image-spec config.md), when the config lists one per layer and every layer of the member agrees.
    var configuredDiffIDs: [String: Digest]

    init(outline: ImageOutline) {
        self.outline = outline
        layersByMember = Dictionary(grouping: outline.layers.indices) { outline.layers[$0].memberPath }
        configuredDiffIDs = [:]
        var conflicting = Set<String>()
        for layer in outline.layers {
            guard let configured = layer.configDiffID else { continue }
            if let earlier = configuredDiffIDs[layer.memberPath], earlier != configured { conflicting.insert(layer.memberPath) }
            configuredDiffIDs[layer.memberPath] = configured
        }
        for member in conflicting { configuredDiffIDs[member] = nil }
    }
}

/// What resolving the documents alone, before any blob is decoded, says about the layers to decode.
enum PlanOutcome {
    /// The selected image's layers: decode these.
    case layers(LayerPlan)
    /// The resolution fails before it reaches a layer (several images and no `--image`, a bad manifest):
    /// decoding blobs cannot change that, so none is decoded and the resolution reports the error.
    case failsBeforeLayers
    /// The resolution fails on a layer: decode every blob, so that the error reported is the one a
    /// complete resolution meets first (a corrupt blob before a missing one, say).
    case unknown
}

/// Tells `LoadOptions.onOutline` and `onLayerDecoded` about the plan and each blob
/// the decode pool finishes: from the pool's worker threads, so behind a lock.
final class LayerReporter: @unchecked Sendable {
    private let options: LoadOptions
    private let lock = NSLock()
    private var plan: LayerPlan?

    init(options: LoadOptions) { self.options = options }

    var hadPlan: Bool { lock.lock(); defer { lock.unlock() }; return plan != nil }

    /// The plan is known: announce the outline. Called before any planned member is decoded.
    func planned(_ plan: LayerPlan) {
        lock.lock(); self.plan = plan; lock.unlock()
        options.onOutline?(plan.outline)
    }

    /// A member's blob is decoded (or failed: the loader reports that).
    func finished(_ path: String, _ result: Result<LayerBlob, LayerError>) {
        lock.lock(); let indices = plan?.layersByMember[path] ?? []; lock.unlock()
        guard case let .success(blob) = result else { return }
        for index in indices { Self.report(index, blob, options) }
    }

    /// Reports every layer of a loaded image at once (no plan was made: standard input, a compressed archive).
    static func reportAll(_ image: Image, options: LoadOptions) {
        guard options.onOutline != nil || options.onLayerDecoded != nil else { return }
        options.onOutline?(ImageOutline(image))
        for layer in image.layers { report(layer.index, layer.blob, options) }
    }

    private static func report(_ index: Int, _ blob: LayerBlob, _ options: LoadOptions) {
        options.onLayerDecoded?(DecodedLayer(index: index, entries: blob.changeset.count, fileBytes: blob.changeset.fileBytes))
    }
}

extension ImageOutline {
    /// The outline of an image; `storedBytes` gives each layer's (its blob's, unless the blob is not read yet).
    init(_ image: Image, storedBytes: (FathomCore.Layer) -> Int64? = { $0.blob.storedBytes }) {
        self.init(archivePath: image.archivePath, names: image.names, layers: image.layers.map {
            ImageOutline.Layer(index: $0.index, memberPath: $0.memberPath, storedBytes: storedBytes($0),
                               configDiffID: $0.configDiffID, createdBy: $0.createdBy)
        })
    }
}
