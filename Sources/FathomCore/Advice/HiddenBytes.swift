// Rules 1 (cleanup in a later layer) and 4 (metadata-only rewrites): bytes a layer ships that a
// later layer hides, grouped by the layer that shipped them and the layer that hid them.
extension Advisor {
    static func hiddenBytes(_ a: Analysis, _ claims: inout InodeClaims) -> [Finding] {
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
            out.append(Finding(
                rule: "cleanup-in-later-layer", severity: g.bytes >= 10_000_000 ? .high : .medium,
                title: "Layer \(shipper) ships \(ByteFormat.si(g.bytes)) that layer \(hider) deletes or overwrites",
                layers: [shipper, hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: "Create, use and delete these files in one RUN step (\(commands(a, [shipper, hider]))): "
                    + "a later layer cannot take bytes out of an earlier one.",
                snippet: "RUN <download or build> \\\n && <use it> \\\n && rm -rf <what it left behind>"))
        }
        for (hider, g) in rewrites {
            out.append(Finding(
                rule: "metadata-only-rewrite", severity: .medium,
                title: "Layer \(hider) ships \(plural(g.paths.count, "file")) again only to change mode or owner (\(ByteFormat.si(g.bytes)))",
                layers: [hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: "Set the mode or owner when the file is first copied (`\(command(a, hider))` in its own layer copies every byte again).",
                snippet: "COPY --chmod=0755 --chown=app:app <src> <dest>"))
        }
        return out
    }
}
