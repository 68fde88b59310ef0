import Foundation

/// The diff ID each layer member should have, as the archive's own configs state it: Docker's
/// `manifest.json` (`Config`, `Layers[i]` ↔ `rootfs.diff_ids[i]`) and OCI image manifests
/// (`config.digest`, `layers[i].digest` ↔ `rootfs.diff_ids[i]`; OCI image-spec manifest.md, config.md).
///
/// Read before the layers are decoded, so that a compressed blob named by its digest need not have
/// its decompressed tar hashed (`LayerReader.read(_:knownDigest:knownDiffID:)`). A member that two
/// manifests pair with different diff IDs is left out (it is hashed). Unparsable documents are
/// skipped here; `ImageLoader` reports them.
enum ConfiguredDiffIDs {
    /// Member path → configured diff ID.
    static func byMember(_ documents: [String: [UInt8]]) -> [String: Digest] {
        var result: [String: Digest] = [:]
        var conflicting = Set<String>()
        func pair(_ members: [String], configPath: String) {
            guard let config = object(documents[configPath]),
                  let rootfs = config["rootfs"] as? [String: Any],
                  let diffIDs = rootfs["diff_ids"] as? [String], diffIDs.count == members.count else { return }
            for (member, diffID) in zip(members, diffIDs) {
                let digest = Digest(diffID)
                if let earlier = result[member], earlier != digest { conflicting.insert(member) }
                result[member] = digest
            }
        }
        for (_, bytes) in documents {
            guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) else { continue }
            if let entries = json as? [[String: Any]] {   // Docker's manifest.json
                for entry in entries {
                    guard let config = entry["Config"] as? String, let layers = entry["Layers"] as? [String] else { continue }
                    pair(layers.map(normalized), configPath: normalized(config))
                }
            } else if let manifest = json as? [String: Any],
                      let config = (manifest["config"] as? [String: Any])?["digest"] as? String,
                      let layers = manifest["layers"] as? [[String: Any]] {   // an OCI image manifest
                let digests = layers.compactMap { $0["digest"] as? String }
                guard digests.count == layers.count, let configPath = blobPath(config) else { continue }
                let members = digests.compactMap(blobPath)
                if members.count == digests.count { pair(members, configPath: configPath) }
            }
        }
        for member in conflicting { result[member] = nil }
        return result
    }

    private static func object(_ bytes: [UInt8]?) -> [String: Any]? {
        bytes.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// `sha256:<hex>` → `blobs/sha256/<hex>` (OCI image-layout spec: a blob's path is its digest).
    private static func blobPath(_ digest: String) -> String? {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        return "blobs/\(parts[0])/\(parts[1])"
    }

    private static func normalized(_ path: String) -> String { (try? PathNormalizer.normalize(path)) ?? path }
}
