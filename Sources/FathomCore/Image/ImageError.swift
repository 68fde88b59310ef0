/// Why no image could be taken from an archive whose members were readable.
///
/// `description` is `FILE: what is wrong` (the archive as the user named it).
public enum ImageError: Error, CustomStringConvertible, Sendable {
    case invalidJSON(archive: String, member: String, reason: String)
    case notAnArray(archive: String, member: String, found: String)
    case noImage(archive: String)
    /// index.json lists no usable image manifest (`entries` descriptors, all skipped or none).
    case noImageInIndex(archive: String, entries: Int)
    /// Several images and no `--image`: `choices` says what each is (for a picker).
    case severalImages(archive: String, names: [String], choices: [ImageChoice] = [])
    case imageNotFound(archive: String, wanted: String, names: [String])
    case severalPlatforms(archive: String, platforms: [String])
    case platformNotFound(archive: String, wanted: String, platforms: [String])
    case missingMember(archive: String, member: String, referencedBy: String)
    case symlinkLoop(archive: String, member: String)
    case badLayer(archive: String, index: Int, member: String, error: LayerError)
    case notALayer(archive: String, index: Int, member: String)
    case diffIDMismatch(archive: String, index: Int, computed: Digest, configured: Digest?)
    case layerCountMismatch(archive: String, manifestLayers: Int, diffIDs: Int)
    case digestMismatch(archive: String, index: Int, member: String, computed: Digest)
    case badDocument(archive: String, member: String, reason: String)
    /// A member the manifest names as a JSON document (a config, a manifest) is there, but is not one.
    case notADocument(archive: String, member: String, referencedBy: String)
    /// A limit of `Limits` was passed; `what` says which (`more than 4096 layers`).
    case limitExceeded(archive: String, what: String)

    public var description: String {
        switch self {
        case let .invalidJSON(a, m, r): "\(a): \(m) is not valid JSON (\(r))"
        case let .notAnArray(a, m, f): "\(a): \(m) must be a non-empty JSON array, found \(f)"
        case let .noImage(a): "\(a): no image found (neither manifest.json nor index.json)"
        case let .noImageInIndex(a, n):
            n == 0 ? "\(a): index.json lists no manifest" : "\(a): index.json lists \(n) entries but no image manifest (only attestations, unknown platforms or media types)"
        case let .severalImages(a, n, _): "\(a): several images in the archive (\(Self.list(n))): choose one with --image"
        case let .imageNotFound(a, w, n): "\(a): no image named \(w) (the archive has: \(Self.list(n)))"
        case let .severalPlatforms(a, p): "\(a): several platforms (\(Self.list(p))): choose one with --platform"
        case let .platformNotFound(a, w, p): "\(a): no image for platform \(w) (the archive has: \(Self.list(p)))"
        case let .missingMember(a, m, by): "\(a): \(by) names '\(m)', which is not in the archive"
        case let .symlinkLoop(a, m): "\(a): symbolic link loop at '\(m)' (too many levels of symbolic links)"
        case let .badLayer(a, i, m, e): "\(a): layer \(i) (\(m)): \(e.message)"
        case let .notALayer(a, i, m): "\(a): layer \(i) (\(m)) is not a layer blob"
        case let .diffIDMismatch(a, i, c, d):
            "\(a): layer \(i): diff ID \(c) does not match the config's rootfs.diff_ids entry \(d?.value ?? "(none)")"
        case let .layerCountMismatch(a, l, d): "\(a): manifest lists \(l) layers but the config has \(d) diff IDs"
        case let .digestMismatch(a, i, m, c): "\(a): layer \(i): blob \(m) has digest \(c), not the one its name states"
        case let .badDocument(a, m, r): "\(a): \(m): \(r)"
        case let .limitExceeded(a, w): "\(a): \(w) (fathom's limit)"
        case let .notADocument(a, m, by): "\(a): \(by) names '\(m)' as a JSON document, but it is not one (a layer blob?)"
        }
    }

    /// Names for a message: the first ten, then how many more (an archive may list 100,000).
    static func list(_ all: [String]) -> String {
        var seen = Set<String>()
        let names = all.filter { seen.insert($0).inserted }
        let shown = names.prefix(10).joined(separator: ", ")
        return names.count > 10 ? shown + " and \(names.count - 10) more" : shown
    }
}

/// One image of an archive that holds several: its name (a tag, else its config or manifest digest),
/// how many layers it has and their bytes as stored (bytes; nil when the archive does not say).
public struct ImageChoice: Sendable, Equatable {
    public var name: String
    public var layers: Int
    public var storedBytes: Int64?
    /// The platform, when the index names one.
    public var platform: String?

    public init(name: String, layers: Int, storedBytes: Int64?, platform: String?) {
        self.name = name
        self.layers = layers
        self.storedBytes = storedBytes
        self.platform = platform
    }
}
