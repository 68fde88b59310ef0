import Foundation

/// Turns an image archive into an `Image`: reads it in one pass, recognises the
/// layout from its contents, chooses the image and platform, maps history to layers.
public enum ImageLoader {
    /// Loads the image at `path` (a file, a directory, or `-` for standard input).
    ///
    /// - Throws: `ArchiveError` when the input cannot be read as an archive,
    ///   `ImageError` when it holds no usable image or a referenced layer is bad.
    public static func load(path: String, options: LoadOptions = LoadOptions()) throws -> Image {
        let archive = try OuterArchive(path: path)
        if path == "-" {
            let why = "standard input is read once, so the files in its layers cannot be read again: "
                + "save the image to a file (docker save -o app.tar) or read it with docker://NAME"
            return try load(archive, name: "standard input", options: options) { _ in .unavailable(why) }
        }
        // a blob without an extent lies in a compressed archive file: read the archive again to it
        return try load(archive, name: path, options: options) { member in
            .member(member, archive: { try FileRangeSource(path: path) })
        }
    }

    /// Scans `archive` (named `name` in messages) and resolves the image; reports the layers to
    /// `options`' hooks during the scan when a plan could be made, else once the image is resolved.
    /// - Parameter reread: Where a layer blob that does not lie in a file of its own can be read again.
    static func load(_ archive: OuterArchive, name: String, options: LoadOptions,
                     reread: @escaping @Sendable (String) -> BlobLocation) throws -> Image {
        let contents = try ArchiveContents.scan(archive, options: options) { partial in
            var planner = Resolver(contents: partial, archive: name, options: options)
            do {
                return .layers(try planner.plan())
            } catch {
                // an error about the documents alone (several images, a bad manifest): no blob can change it
                return planner.reachedLayers ? .unknown : .failsBeforeLayers
            }
        }
        var resolver = Resolver(contents: contents, archive: name, options: options)
        var image = try resolver.image()
        for i in image.layers.indices {
            let member = image.layers[i].memberPath
            image.layers[i].location = contents.extents[member].map {
                .file(path: $0.path, offsetBytes: $0.offsetBytes, lengthBytes: $0.lengthBytes)
            } ?? reread(member)
        }
        if !contents.reportedLayers { LayerReporter.reportAll(image, options: options) }
        return image
    }
}

/// The steps after the scan: layout, selection, layers, history.
struct Resolver {
    let contents: ArchiveContents
    let archive: String
    let options: LoadOptions
    var warnings: [String] = []
    /// Resolving from the documents alone (`plan()`): layers get an empty placeholder blob.
    private var planOnly = false
    /// True once the resolution has looked at a layer member (its errors before that depend on documents only).
    private(set) var reachedLayers = false

    init(contents: ArchiveContents, archive: String, options: LoadOptions) {
        self.contents = contents
        self.archive = archive
        self.options = options
    }

    /// The selected image's layers from the documents and the members' headers alone, before any
    /// blob is decoded. Throws what `image()` would throw about the documents.
    mutating func plan() throws -> LayerPlan {
        planOnly = true
        let image = try image()
        return LayerPlan(outline: ImageOutline(image) { [contents] in contents.candidates[$0.memberPath] })
    }

    mutating func image() throws -> Image {
        for top in ["manifest.json", "index.json"] where contents.documents[top] == nil && contents.oversized.contains(top) {
            throw ImageError.limitExceeded(archive: archive, what: "\(top) is larger than \(Limits.documentBytes) bytes")
        }
        if contents.documents["manifest.json"] != nil {
            return try fromDockerManifest()
        }
        if contents.documents["index.json"] != nil {
            return try fromOCIIndex()
        }
        throw ImageError.noImage(archive: archive)
    }

    // MARK: documents

    func document(_ member: String, referencedBy: String) throws -> [UInt8] {
        guard let path = try contents.resolve(member, archive: archive) else {
            throw ImageError.missingMember(archive: archive, member: member, referencedBy: referencedBy)
        }
        if contents.oversized.contains(path) {
            throw ImageError.limitExceeded(archive: archive, what: "\(member) is larger than \(Limits.documentBytes) bytes")
        }
        guard let bytes = contents.documents[path] else {
            throw ImageError.notADocument(archive: archive, member: member, referencedBy: referencedBy)
        }
        return bytes
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], member: String) throws -> T {
        try checkObjects(bytes, member: member)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let e as DecodingError {
            throw ImageError.badDocument(archive: archive, member: member, reason: Self.describe(e))
        }
    }

    /// Refuses a document of more than `Limits.documentObjects` objects before it is parsed.
    func checkObjects(_ bytes: [UInt8], member: String) throws {
        guard JSONObjectCount.isWithinLimit(bytes) else {
            throw ImageError.limitExceeded(archive: archive, what: "\(member) holds more than \(Limits.documentObjects) JSON objects")
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case let .dataCorrupted(c): "invalid JSON: \(c.debugDescription)"
        case let .keyNotFound(k, c): "missing field '\((c.codingPath + [k]).map(\.stringValue).joined(separator: "."))'"
        case let .typeMismatch(_, c), let .valueNotFound(_, c):
            "unexpected value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        @unknown default: "\(e)"
        }
    }

    // MARK: docker save (manifest.json)

    mutating func fromDockerManifest() throws -> Image {
        let bytes = contents.documents["manifest.json"]!
        try checkObjects(bytes, member: "manifest.json")
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let ns = error as NSError
            let reason = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
            throw ImageError.invalidJSON(archive: archive, member: "manifest.json", reason: reason)
        }
        guard let list = json as? [Any], !list.isEmpty else {
            let found = json is NSNull ? "null" : (json as? [Any]).map { _ in "[]" } ?? "a \(type(of: json)) value"
            throw ImageError.notAnArray(archive: archive, member: "manifest.json", found: found)
        }
        let entries = try decode([DockerManifestEntry].self, bytes, member: "manifest.json")
        let entry = try chooseManifestEntry(entries)
        try checkLayerCount(entry.Layers.count)

        let configPath = try contents.resolve(entry.Config, archive: archive) ?? entry.Config
        let configBytes = try document(entry.Config, referencedBy: "manifest.json")
        let config = try decode(ImageConfig.self, configBytes, member: entry.Config)

        var layers: [Layer] = []
        for (i, member) in entry.Layers.enumerated() {
            layers.append(try layer(i, member: member, mediaType: nil, referencedBy: "manifest.json"))
        }

        let layout: Image.Layout
        if configPath.hasPrefix("blobs/") {
            layout = .dockerSaveOCI
        } else if entry.Config.hasPrefix("sha256:") {
            layout = .kanikoTarball
        } else if entry.Layers.allSatisfy({ $0.hasSuffix("/layer.tar") && $0.split(separator: "/").count == 2 }) {
            layout = .dockerSaveClassic
        } else if entry.Layers.allSatisfy({ !$0.contains("/") }) {
            layout = .skopeoDockerArchive
        } else {
            layout = .dockerArchive
        }
        return try finish(layout: layout, names: (entry.RepoTags ?? []).sorted(), platforms: nil, config: config, layers: layers)
    }

    func chooseManifestEntry(_ entries: [DockerManifestEntry]) throws -> DockerManifestEntry {
        let allNames = entries.map { ($0.RepoTags ?? []).first ?? $0.Config }
        guard let wanted = options.imageName else {
            if entries.count == 1 { return entries[0] }
            let choices = entries.map { e in
                ImageChoice(name: (e.RepoTags ?? []).first ?? e.Config, layers: e.Layers.count,
                            storedBytes: e.Layers.reduce(Int64(0)) { $0 + (contents.candidates[$1] ?? 0) }, platform: nil)
            }
            throw ImageError.severalImages(archive: archive, names: allNames, choices: choices)
        }
        let matches = entries.filter { e in
            (e.RepoTags ?? []).contains { ImageName.matches(tag: $0, wanted: wanted) } || ImageName.matchesDigest(e.Config, wanted: wanted)
        }
        guard let first = matches.first else {
            throw ImageError.imageNotFound(archive: archive, wanted: wanted, names: allNames)
        }
        return first
    }

    // MARK: OCI layout (index.json)

    struct Candidate {
        var manifestDigest: String
        var manifest: ImageManifest
        var platform: Platform?
        var names: [String]
    }

    mutating func fromOCIIndex() throws -> Image {
        let index = try decode(ImageIndex.self, contents.documents["index.json"]!, member: "index.json")
        var candidates: [Candidate] = []
        var visited = 0
        for descriptor in index.manifests ?? [] {
            let names = [descriptor.annotations?["io.containerd.image.name"],
                         descriptor.annotations?["org.opencontainers.image.ref.name"]].compactMap { $0 }
            try collect(descriptor, names: names, depth: 1, visited: &visited, into: &candidates)
        }
        if candidates.isEmpty { throw ImageError.noImageInIndex(archive: archive, entries: index.manifests?.count ?? 0) }
        let chosen = try chooseCandidate(candidates)
        try checkLayerCount(chosen.manifest.layers.count)

        let configMember = Self.blobPath(chosen.manifest.config.digest)
        let configBytes = try document(configMember, referencedBy: "manifest \(chosen.manifestDigest)")
        let config = try decode(ImageConfig.self, configBytes, member: configMember)
        var layers: [Layer] = []
        for (i, d) in chosen.manifest.layers.enumerated() {
            layers.append(try layer(i, member: Self.blobPath(d.digest), mediaType: d.mediaType,
                                    referencedBy: "manifest \(chosen.manifestDigest)"))
        }
        let platforms = candidates.compactMap(\.platform)
        return try finish(layout: .oci, names: Array(Set(chosen.names)).sorted(),
                          platforms: platforms.isEmpty ? nil : platforms, config: config, layers: layers)
    }

    static func blobPath(_ digest: String) -> String {
        let parts = digest.split(separator: ":", maxSplits: 1)
        return parts.count == 2 ? "blobs/\(parts[0])/\(parts[1])" : "blobs/\(digest)"
    }

    /// Refuses an image whose replay would outgrow the limits on rows, path bytes and the bytes its
    /// paths show (a blob named by many layers counts as often as it is named).
    func checkReplayLimits(_ layers: [Layer]) throws {
        var rows = 0, pathBytes = 0, hardlinks = 0
        var largest: Int64 = 0, fileBytes: Int64 = 0
        for layer in layers {
            let c = layer.blob.changeset
            rows += c.count
            pathBytes += c.pathBytes.count
            hardlinks += c.linkTargets.count - c.kinds.lazy.filter { $0 == .symlink }.count
            largest = max(largest, c.sizes.max() ?? 0)
            fileBytes += c.fileBytes
        }
        if rows > Limits.imageEntries {
            throw ImageError.limitExceeded(archive: archive, what: "its layers hold \(rows) entries in all, more than \(Limits.imageEntries)")
        }
        if pathBytes > Limits.pathBytesPerImage {
            throw ImageError.limitExceeded(archive: archive, what: "its layers' paths add up to \(pathBytes) bytes, more than \(Limits.pathBytesPerImage)")
        }
        let (product, overflow) = largest.multipliedReportingOverflow(by: Int64(hardlinks))
        if overflow || product > Limits.apparentBytes - fileBytes {
            throw ImageError.limitExceeded(archive: archive,
                what: "\(hardlinks) hardlinks to files of up to \(largest) bytes could show more than \(Limits.apparentBytes) bytes")
        }
    }

    /// Refuses more layers than `Limits.layersPerImage`.
    func checkLayerCount(_ count: Int) throws {
        if count > Limits.layersPerImage {
            throw ImageError.limitExceeded(archive: archive, what: "\(count) layers, more than \(Limits.layersPerImage)")
        }
    }

    /// Walks index → (nested indexes) → image manifests, depth first; `depth` counts index.json as 1.
    /// Skips attestation manifests, `unknown/unknown` platforms and unknown media types.
    /// - Throws: `ImageError.limitExceeded` past `Limits.indexLevels` levels (an index that names
    ///   itself, directly or not, loops until then) or `Limits.indexEntries` descriptors.
    mutating func collect(_ d: Descriptor, names: [String], depth: Int, visited: inout Int, into out: inout [Candidate]) throws {
        visited += 1
        if visited > Limits.indexEntries {
            throw ImageError.limitExceeded(archive: archive, what: "the indexes list more than \(Limits.indexEntries) manifests")
        }
        if d.annotations?["vnd.docker.reference.type"] == "attestation-manifest" { return }
        if d.platform?.os == "unknown" || d.platform?.architecture == "unknown" { return }
        let member = Self.blobPath(d.digest)
        var mediaType = d.mediaType
        if mediaType == nil || mediaType == MediaType.ociIndex || mediaType == MediaType.dockerList
            || mediaType == MediaType.ociManifest || mediaType == MediaType.dockerManifest {
            let bytes = try document(member, referencedBy: "index.json")
            if mediaType == nil {
                try checkObjects(bytes, member: member)
                let peek = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
                mediaType = peek?["mediaType"] as? String ?? (peek?["manifests"] != nil ? MediaType.ociIndex : MediaType.ociManifest)
            }
            switch mediaType {
            case MediaType.ociIndex, MediaType.dockerList:
                guard depth < Limits.indexLevels else {
                    throw ImageError.limitExceeded(archive: archive,
                        what: "indexes nested deeper than \(Limits.indexLevels) levels at \(member) (or an index that lists itself)")
                }
                let nested = try decode(ImageIndex.self, bytes, member: member)
                for child in nested.manifests ?? [] {
                    try collect(child, names: names, depth: depth + 1, visited: &visited, into: &out)
                }
            default:
                let manifest = try decode(ImageManifest.self, bytes, member: member)
                var platform = d.platform.flatMap { p in
                    p.os.flatMap { os in p.architecture.map { Platform(os: os, architecture: $0, variant: p.variant) } }
                }
                if platform == nil, let configBytes = try? document(Self.blobPath(manifest.config.digest), referencedBy: member),
                   let config = try? decode(ImageConfig.self, configBytes, member: member),
                   let os = config.os, let arch = config.architecture {
                    platform = Platform(os: os, architecture: arch, variant: config.variant)
                }
                out.append(Candidate(manifestDigest: d.digest, manifest: manifest, platform: platform, names: names))
            }
        } else {
            warnings.append("skipped index entry \(d.digest) of media type \(mediaType ?? "?")")
        }
    }

    func chooseCandidate(_ all: [Candidate]) throws -> Candidate {
        var pool = all
        if let wanted = options.imageName {
            pool = all.filter { c in
                c.names.contains { ImageName.matches(tag: $0, wanted: wanted) || $0 == wanted } || ImageName.matchesDigest(c.manifestDigest, wanted: wanted)
            }
            if pool.isEmpty {
                throw ImageError.imageNotFound(archive: archive, wanted: wanted, names: Array(Set(all.flatMap(\.names))).sorted())
            }
        } else {
            let distinctNames = Set(all.map { $0.names.sorted().joined(separator: ",") })
            if distinctNames.count > 1 {
                let choices = all.map { c in
                    ImageChoice(name: c.names.first ?? c.manifestDigest, layers: c.manifest.layers.count,
                                storedBytes: c.manifest.layers.reduce(Int64(0)) { $0 + max(0, $1.size ?? 0) },
                                platform: c.platform?.description)
                }
                throw ImageError.severalImages(archive: archive, names: all.map { $0.names.first ?? $0.manifestDigest }, choices: choices)
            }
        }
        return pool[try Platform.choose(pool.map(\.platform), wanted: options.platform, archive: archive)]
    }

    // MARK: layers and history

    mutating func layer(_ i: Int, member: String, mediaType: String?, referencedBy: String) throws -> Layer {
        reachedLayers = true
        guard let path = try contents.resolve(member, archive: archive) else {
            throw ImageError.missingMember(archive: archive, member: member, referencedBy: referencedBy)
        }
        if planOnly {
            guard contents.candidates[path] != nil else { throw ImageError.notALayer(archive: archive, index: i, member: member) }
            let placeholder = LayerBlob(changeset: Changeset(), compression: .none, digest: Digest(""), diffID: Digest(""),
                                        storedBytes: 0, tarBytes: 0)
            return Layer(index: i, reference: member, memberPath: path, mediaType: mediaType, blob: placeholder,
                         configDiffID: nil, history: nil)
        }
        guard let result = contents.blobs[path] else {
            throw ImageError.notALayer(archive: archive, index: i, member: member)
        }
        switch result {
        case let .success(blob):
            return Layer(index: i, reference: member, memberPath: path, mediaType: mediaType, blob: blob, configDiffID: nil,
                         history: nil)
        case let .failure(error):
            throw ImageError.badLayer(archive: archive, index: i, member: member, error: error)
        }
    }

    mutating func finish(layout: Image.Layout, names: [String], platforms: [Platform]?, config: ImageConfig,
                         layers: [Layer]) throws -> Image {
        var layers = layers
        if !planOnly { try checkReplayLimits(layers) }
        let diffIDs = config.rootfs?.diff_ids ?? []
        if diffIDs.count != layers.count {
            if options.verify {
                throw ImageError.layerCountMismatch(archive: archive, manifestLayers: layers.count, diffIDs: diffIDs.count)
            }
            warnings.append("the manifest lists \(layers.count) layers but the config has \(diffIDs.count) diff IDs")
        }
        for i in layers.indices where planOnly {
            layers[i].configDiffID = diffIDs.count == layers.count ? Digest(diffIDs[i]) : nil
        }
        for i in layers.indices where !planOnly {
            if options.verify, let named = ArchiveContents.digestInName(layers[i].memberPath), named != layers[i].blob.digest {
                throw ImageError.digestMismatch(archive: archive, index: i, member: layers[i].memberPath, computed: layers[i].blob.digest)
            }
            let configured = i < diffIDs.count ? Digest(diffIDs[i]) : nil
            layers[i].configDiffID = configured
            if let configured, configured != layers[i].blob.diffID {
                if options.verify {
                    throw ImageError.diffIDMismatch(archive: archive, index: i, computed: layers[i].blob.diffID, configured: configured)
                }
                warnings.append("layer \(i): diff ID \(layers[i].blob.diffID) does not match the config's \(configured)")
            }
        }
        // History: entries with empty_layer have no layer; the rest map to layers in order,
        // only when their count equals the layer count (otherwise the mapping is unknowable).
        let nonEmpty = (config.history ?? []).filter { !$0.isEmptyLayer }
        if nonEmpty.count == layers.count {
            for i in layers.indices { layers[i].history = nonEmpty[i] }
        } else {
            warnings.append(config.history == nil
                ? "the config has no history; layer commands are unknown"
                : "the config's history has \(nonEmpty.count) layer entries for \(layers.count) layers; layer commands are unknown")
        }
        for (i, layer) in layers.enumerated() where !layer.blob.changeset.ignoredNames.isEmpty {
            warnings.append("layer \(i): ignored \(layer.blob.changeset.ignoredNames.count) unknown whiteout names")
        }
        var platform: Platform? = nil
        if let os = config.os, let arch = config.architecture {
            platform = Platform(os: os, architecture: arch, variant: config.variant)
        }
        if let wanted = options.platform, let platform, !wanted.selects(platform) {
            throw ImageError.platformNotFound(archive: archive, wanted: wanted.description, platforms: [platform.description])
        }
        return Image(archivePath: archive, layout: layout, names: names, platform: platform, platforms: platforms,
                     config: config, layers: layers, warnings: warnings)
    }
}
