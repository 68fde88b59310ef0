// Rules 1 (cleanup in a later layer) and 4 (metadata-only rewrites): bytes a layer ships that a
// later layer hides, grouped by the layer that shipped them and the layer that hid them.
extension Advisor {
    static func hiddenBytes(_ a: AdviceInput, _ claims: inout InodeClaims) -> [Finding] {
        // inodes hidden by a metadata-only rewrite of their path belong to rule 4
        var metadataOnly = Set<UInt64>()
        for (layer, diff) in a.replay.diffs.enumerated() {
            for n in diff.metadataOnly { metadataOnly.insert(UInt64(layer) << 32 | UInt64(UInt32(bitPattern: n))) }
        }
        struct Group { var bytes: Int64 = 0; var paths: [(String, Int64)] = [] }
        var cleanup: [Int: Group] = [:]       // key: shipper << 16 | hider
        var rewrites: [Int: Group] = [:]      // key: hider layer
        for (index, inode) in a.replay.inodes.enumerated()
        where inode.visibleCount == 0 && inode.hiddenBy > inode.layer && inode.sizeBytes > 0 {
            guard claims.claim(Int32(index)) else { continue }
            let key = UInt64(UInt16(inode.hiddenBy)) << 32 | UInt64(UInt32(bitPattern: inode.node))
            let item = (path(a, inode.node), inode.sizeBytes)
            if metadataOnly.contains(key) {
                rewrites[Int(inode.hiddenBy), default: Group()].bytes += inode.sizeBytes
                rewrites[Int(inode.hiddenBy), default: Group()].paths.append(item)
            } else {
                let k = Int(inode.layer) << 16 | Int(inode.hiddenBy)
                cleanup[k, default: Group()].bytes += inode.sizeBytes
                cleanup[k, default: Group()].paths.append(item)
            }
        }
        var out: [Finding] = []
        for (k, g) in cleanup {
            let shipper = k >> 16, hider = k & 0xFFFF
            if shipper == 0 {
                // the base layer: nothing in this Dockerfile wrote these files
                out.append(Finding(
                    rule: "cleanup-in-later-layer", severity: g.bytes >= 10_000_000 ? .medium : .low,
                    title: "The base layer ships \(ByteFormat.si(g.bytes)) that layer \(hider) deletes or rewrites",
                    layers: [shipper, hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                    fix: "Files of the base that a step rewrites (package databases, logs, caches) are shipped twice (\(commands(a, [hider]))): "
                        + "start from a base that already has what the step adds, or rewrite less in it.",
                    snippet: "FROM <a base with these packages>\n# or build the base yourself with the packages installed"))
                continue
            }
            let hiderIsCopy = FinalPayload.isCopyLayer(a, hider) && hasCommand(a, hider)
            out.append(Finding(
                rule: "cleanup-in-later-layer", severity: severity(bytes: g.bytes),
                title: "Layer \(shipper) ships \(ByteFormat.si(g.bytes)) that layer \(hider) \(hiderIsCopy ? "overwrites" : "deletes or overwrites")",
                layers: [shipper, hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: hiderIsCopy
                    ? "Copy each file once, in its final version (\(commands(a, [shipper, hider]))): an overwritten file still ships in the earlier layer."
                    : "Create, use and delete these files in one RUN step (\(commands(a, [shipper, hider]))): "
                        + "a later layer cannot take bytes out of an earlier one.",
                snippet: hiderIsCopy
                    ? "# .dockerignore the stale copy, or\nCOPY --from=build /out/app /app"
                    : "RUN <download or build> \\\n && <use it> \\\n && rm -rf <what it left behind>"))
        }
        for (hider, g) in rewrites {
            let hiderIsCopy = FinalPayload.isCopyLayer(a, hider) && hasCommand(a, hider)
            out.append(Finding(
                rule: "metadata-only-rewrite", severity: severity(bytes: g.bytes),
                title: "Layer \(hider) ships \(plural(g.paths.count, "file")) again only to change mode or owner (\(ByteFormat.si(g.bytes)))",
                layers: [hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: hiderIsCopy
                    ? "An earlier layer already holds these files with the same content: copy them once, with the mode and owner "
                        + "they need (`\(command(a, hider))` copies them again)."
                    : "Set the mode or owner when the file is first copied (`\(command(a, hider))` in its own layer copies every byte again).",
                snippet: hiderIsCopy
                    ? "# leave the file out of the first COPY, or give that COPY the mode:\nCOPY --chmod=0755 --chown=app:app <src> <dest>"
                    : "COPY --chmod=0755 --chown=app:app <src> <dest>"))
        }
        return out
    }
}
