/// Everything one pass over an image archive keeps: JSON documents, layer
/// blobs read as they streamed by, and links between members.
///
/// Which members are layers is only known once `manifest.json` or `index.json`
/// has been read, and in a classic `docker save` the manifest comes last; so
/// every member that is not JSON is read as a candidate layer on the way, and
/// one that turns out not to be a tar keeps its error in case it is referenced.
struct ArchiveContents {
    /// Members whose bytes start with `{` or `[`, or named `*.json` (manifests, configs, indexes), by path.
    var documents: [String: [UInt8]] = [:]
    /// Other regular members, read as layer blobs, by path.
    var blobs: [String: Result<LayerBlob, LayerError>] = [:]
    /// Symlink and hardlink members: path → target path (archive-relative, normalised).
    var links: [String: String] = [:]

    /// Largest member kept as a JSON document, in bytes.
    static let documentLimitBytes: Int64 = 64 << 20

    /// Reads the whole archive in one pass.
    /// - Throws: `ArchiveError` when the archive itself cannot be read.
    /// - Parameter verifyDigests: Hash every blob even when its name states its digest (`--verify`).
    static func scan(_ archive: OuterArchive, progress: ((String) -> Void)? = nil, verifyDigests: Bool = false) throws -> ArchiveContents {
        var contents = ArchiveContents()
        let pool = LayerDecodePool()
        // Members that lie in a file of their own are decoded after the (header-only) pass, once the
        // manifests and configs are known: a compressed blob named by its digest then takes its diff ID
        // from the config instead of hashing gigabytes of decompressed tar (`--verify` still hashes).
        var pending: [(path: String, extent: FileExtent, knownDigest: Digest?)] = []
        do { try archive.forEachMember { member, stream in
            switch member.kind {
            case .file:
                let head = try stream.peek(64)
                let firstByte = head.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
                let looksLikeJSON = firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[")
                // `.json` members are kept whatever they hold, so that a `null` or broken
                // manifest.json is reported as such rather than as a missing manifest.
                if (looksLikeJSON || member.path.hasSuffix(".json")) && member.sizeBytes <= documentLimitBytes {
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(Int(max(member.sizeBytes, 0)))
                    while true {
                        let block = try stream.next()
                        if block.isEmpty { break }
                        bytes.append(contentsOf: block)
                    }
                    contents.documents[member.path] = bytes
                } else {
                    let knownDigest = verifyDigests ? nil : Self.digestInName(member.path)
                    if let extent = member.extent {
                        pending.append((member.path, extent, knownDigest))
                    } else {
                        progress?(member.path)
                        try pool.decode(path: member.path, from: stream, knownDigest: knownDigest)
                    }
                }
            case .symlink:
                contents.links[member.path] = Self.resolveSymlink(member.linkTarget ?? "", from: member.path)
            case .hardlink:
                contents.links[member.path] = member.linkTarget ?? ""
            case .directory, .other:
                break
            }
            }
            let diffIDs = pending.contains { $0.knownDigest != nil } ? ConfiguredDiffIDs.byMember(contents.documents) : [:]
            for job in pending {
                progress?(job.path)
                pool.decode(path: job.path, extent: job.extent, archive: archive.displayPath, knownDigest: job.knownDigest,
                            knownDiffID: job.knownDigest == nil ? nil : diffIDs[job.path])
            }
        } catch {
            pool.cancel()
            throw error
        }
        contents.blobs = try pool.finish()
        return contents
    }

    /// The digest a member's name states: `blobs/sha256/<64 hex>` (OCI image-layout spec: a blob's
    /// path is its digest) or kaniko's `<64 hex>.tar.gz`; nil otherwise.
    static func digestInName(_ path: String) -> Digest? {
        var name = Substring(path)
        if name.hasPrefix("blobs/sha256/") { name = name.dropFirst("blobs/sha256/".count) }
        else if name.hasSuffix(".tar.gz"), !name.contains("/") { name = name.dropLast(".tar.gz".count) }
        else { return nil }
        guard name.count == 64, name.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return Digest("sha256:" + name)
    }

    /// The archive path a symlink member points at: relative targets are taken from the member's directory.
    static func resolveSymlink(_ target: String, from member: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : member.split(separator: "/").dropLast()
        for component in target.split(separator: "/") {
            if component == "." || component.isEmpty { continue }
            if component == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(component)
        }
        return parts.joined(separator: "/")
    }

    /// Follows links from `path` to a stored member.
    /// - Returns: The final path, or nil when no member has that path.
    /// - Throws: `ImageError.symlinkLoop` after 40 hops (as Linux `ELOOP`).
    func resolve(_ path: String, archive: String) throws -> String? {
        var current = (try? PathNormalizer.normalize(path)) ?? path
        for _ in 0..<40 {
            if documents[current] != nil || blobs[current] != nil { return current }
            guard let next = links[current] else { return nil }
            current = next
        }
        throw ImageError.symlinkLoop(archive: archive, member: path)
    }
}
