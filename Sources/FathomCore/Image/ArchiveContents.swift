import Foundation

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
    /// Every member read as a candidate layer blob, with its bytes as stored: known after the
    /// header-only pass, before `blobs` has them (a seekable archive's blobs are decoded after it).
    var candidates: [String: Int64] = [:]

    /// Members that look like JSON documents but are larger than `Limits.documentBytes` (read as candidate blobs).
    var oversized: Set<String> = []
    /// Where each candidate blob lies in a file of its own, when it does (`BlobLocation.file`).
    var extents: [String: FileExtent] = [:]

    /// True when the layers were reported (`onOutline`, `onLayerDecoded`) during the scan.
    var reportedLayers = false

    /// Largest member kept as a JSON document, in bytes.
    static let documentLimitBytes: Int64 = Limits.documentBytes

    /// Reads the whole archive in one pass.
    ///
    /// Members that lie in a file of their own (a seekable archive) are decoded after the header-only
    /// pass, once `plan` has named the selected image's layers from the manifests and config: only
    /// those are decoded, in layer order, and a compressed blob named by its digest takes its diff ID
    /// from the config instead of hashing gigabytes of decompressed tar (`--verify` still hashes).
    /// Without a plan (it threw: the resolution after the pass reports why) every blob is decoded,
    /// unless the resolution failed before reaching any layer (`PlanOutcome.failsBeforeLayers`).
    /// - Parameters:
    ///   - options: `progress`, `verify`, `onOutline` and `onLayerDecoded` are used here.
    ///   - plan: The selected image's layers from the documents alone (`Resolver.plan()`).
    /// - Throws: `ArchiveError` when the archive itself cannot be read.
    static func scan(_ archive: OuterArchive, options: LoadOptions = LoadOptions(),
                     plan: ((ArchiveContents) -> PlanOutcome)? = nil) throws -> ArchiveContents {
        let progress = options.progress, verifyDigests = options.verify
        var contents = ArchiveContents()
        let reporter = LayerReporter(options: options)
        let pool = LayerDecodePool(indexesGzip: options.indexesGzip, onFinished: reporter.finished)
        var pending: [(path: String, extent: FileExtent, knownDigest: Digest?)] = []
        var documentsBytes: Int64 = 0
        var named = Set<String>()
        do { try archive.forEachMember { member, stream in
            if member.kind != .directory, !named.insert(member.path).inserted {
                throw ArchiveError.duplicateMember(archive: archive.displayPath, member: member.path)
            }
            switch member.kind {
            case .file:
                let head = try stream.peek(64)
                let firstByte = head.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
                let looksLikeJSON = firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[")
                // `.json` members are kept whatever they hold, so that a `null` or broken
                // manifest.json is reported as such rather than as a missing manifest.
                if (looksLikeJSON || member.path.hasSuffix(".json")) && member.sizeBytes <= documentLimitBytes {
                    documentsBytes += max(member.sizeBytes, 0)
                    if documentsBytes > Limits.documentsBytes {
                        throw ArchiveError.limitExceeded(archive: archive.displayPath,
                                                         what: "more than \(Limits.documentsBytes) bytes of JSON documents")
                    }
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(Int(max(member.sizeBytes, 0)))
                    while true {
                        let block = try stream.next()
                        if block.isEmpty { break }
                        bytes.append(contentsOf: block)
                        if bytes.count > documentLimitBytes {
                            throw ArchiveError.limitExceeded(archive: archive.displayPath,
                                                             what: "\(member.path) is larger than \(documentLimitBytes) bytes")
                        }
                    }
                    contents.documents[member.path] = bytes
                } else {
                    if looksLikeJSON || member.path.hasSuffix(".json") { contents.oversized.insert(member.path) }
                    contents.candidates[member.path] = member.sizeBytes
                    let knownDigest = verifyDigests ? nil : Self.digestInName(member.path)
                    if let extent = member.extent {
                        contents.extents[member.path] = extent
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
            var configuredDiffIDs: [String: Digest] = [:]
            switch pending.isEmpty ? nil : plan?(contents) {
            // (a member cut short by the end of the file is only noticed when read: then decode, and report that)
            case .failsBeforeLayers? where pending.allSatisfy({ Self.isWhole($0.extent) }):
                pending = []
            case let .layers(plan)?:
                reporter.planned(plan)
                let order = plan.layersByMember.mapValues { $0.min()! }
                pending = pending.filter { order[$0.path] != nil }.sorted { order[$0.path]! < order[$1.path]! }
                configuredDiffIDs = plan.configuredDiffIDs
            default:
                break
            }
            for job in pending {
                progress?(job.path)
                pool.decode(path: job.path, extent: job.extent, archive: archive.displayPath, knownDigest: job.knownDigest,
                            knownDiffID: job.knownDigest == nil ? nil : configuredDiffIDs[job.path])
            }
        } catch {
            pool.cancel()
            throw error
        }
        contents.blobs = try pool.finish()
        contents.reportedLayers = reporter.hadPlan
        return contents
    }

    /// True when the file holds all of `extent` (a truncated archive's last member does not).
    static func isWhole(_ extent: FileExtent) -> Bool {
        var info = stat()
        return stat(extent.path, &info) == 0 && Int64(info.st_size) >= extent.offsetBytes + extent.lengthBytes
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
            if documents[current] != nil || blobs[current] != nil || candidates[current] != nil { return current }
            guard let next = links[current] else { return nil }
            current = next
        }
        throw ImageError.symlinkLoop(archive: archive, member: path)
    }
}
