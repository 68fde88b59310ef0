/// Why no image could be taken from an archive whose members were readable.
///
/// `description` is `FILE: what is wrong` (the archive as the user named it).
public enum ImageError: Error, CustomStringConvertible, Sendable {
    case invalidJSON(archive: String, member: String, reason: String)
    case notAnArray(archive: String, member: String, found: String)
    case noImage(archive: String)
    case severalImages(archive: String, names: [String])
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

    public var description: String {
        switch self {
        case let .invalidJSON(a, m, r): "\(a): \(m) is not valid JSON (\(r))"
        case let .notAnArray(a, m, f): "\(a): \(m) must be a non-empty JSON array, found \(f)"
        case let .noImage(a): "\(a): no image found (neither manifest.json nor index.json)"
        case let .severalImages(a, n): "\(a): several images in the archive (\(n.joined(separator: ", "))): choose one with --image"
        case let .imageNotFound(a, w, n): "\(a): no image named \(w) (the archive has: \(n.joined(separator: ", ")))"
        case let .severalPlatforms(a, p): "\(a): several platforms (\(p.joined(separator: ", "))): choose one with --platform"
        case let .platformNotFound(a, w, p): "\(a): no image for platform \(w) (the archive has: \(p.joined(separator: ", ")))"
        case let .missingMember(a, m, by): "\(a): \(by) names '\(m)', which is not in the archive"
        case let .symlinkLoop(a, m): "\(a): symbolic link loop at '\(m)' (too many levels of symbolic links)"
        case let .badLayer(a, i, m, e): "\(a): layer \(i) (\(m)): \(e.message)"
        case let .notALayer(a, i, m): "\(a): layer \(i) (\(m)) is not a layer blob"
        case let .diffIDMismatch(a, i, c, d):
            "\(a): layer \(i): diff ID \(c) does not match the config's rootfs.diff_ids entry \(d?.value ?? "(none)")"
        case let .layerCountMismatch(a, l, d): "\(a): manifest lists \(l) layers but the config has \(d) diff IDs"
        case let .digestMismatch(a, i, m, c): "\(a): layer \(i): blob \(m) has digest \(c), not the one its name states"
        case let .badDocument(a, m, r): "\(a): \(m): \(r)"
        }
    }
}
