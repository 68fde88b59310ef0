// Rules 1 (cleanup in a later layer) and 4 (metadata-only rewrites): bytes a layer ships that a
// later layer hides, grouped by the layer that shipped them and the layer that hid them.
extension Advisor {
    static func hiddenBytes(_ a: AdviceInput, _ claims: inout InodeClaims) -> [Finding] {
        // inodes hidden by a metadata-only rewrite of their path belong to rule 4
        // inodes hidden by an identical rewrite (`chmod -R` on files that already had the mode) too
        var metadataOnly = Set<UInt64>()
        var unchangedRewrite = Set<UInt64>()
        for (layer, diff) in a.replay.diffs.enumerated() {
            for n in diff.metadataOnly { metadataOnly.insert(UInt64(layer) << 32 | UInt64(UInt32(bitPattern: n))) }
            for n in diff.unchanged { unchangedRewrite.insert(UInt64(layer) << 32 | UInt64(UInt32(bitPattern: n))) }
        }
        // only a COPY/ADD or a RUN that changes modes or owners rewrites files for their metadata; a package
        // manager's RUN that rewrites a file unchanged (debconf's templates.dat) is a rewrite like any other
        let metadataStep = a.image.layers.indices.map { l in
            (FinalPayload.isCopyLayer(a, l) && hasCommand(a, l)) || !hasCommand(a, l) || changesMetadata(a.image.layers[l].createdBy ?? "")
        }
        var unchangedCount: [Int: Int] = [:]
        struct Group { var bytes: Int64 = 0; var paths: [(String, Int64)] = [] }
        var cleanup: [Int: Group] = [:]       // key: shipper << 16 | hider
        var rewrites: [Int: Group] = [:]      // key: hider layer
        for (index, inode) in a.replay.inodes.enumerated()
        where inode.visibleCount == 0 && inode.hiddenBy > inode.layer && inode.sizeBytes > 0 {
            guard claims.claim(Int32(index)) else { continue }
            let key = UInt64(UInt16(inode.hiddenBy)) << 32 | UInt64(UInt32(bitPattern: inode.node))
            let item = (path(a, inode.node), inode.sizeBytes)
            // an identical rewrite by a repeat of the same layer (the same diff ID) stays a cleanup, named as a repeated step
            let repeated = a.image.layers[Int(inode.layer)].blob.diffID == a.image.layers[Int(inode.hiddenBy)].blob.diffID
            let unchanged = unchangedRewrite.contains(key) && !repeated
            if (metadataOnly.contains(key) || unchanged) && metadataStep[Int(inode.hiddenBy)] {
                if unchanged { unchangedCount[Int(inode.hiddenBy), default: 0] += 1 }
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
            let shipperIsCopy = FinalPayload.isCopyLayer(a, shipper) && hasCommand(a, shipper)
            let title = "Layer \(shipper) ships \(ByteFormat.si(g.bytes)) that layer \(hider) \(hiderIsCopy ? "overwrites" : "deletes or overwrites")"
            // the fix follows the instruction that shipped the bytes
            let fix: String, snippet: String
            if a.image.layers[shipper].blob.diffID == a.image.layers[hider].blob.diffID {
                fix = "Layer \(hider) repeats layer \(shipper) (the same diff ID: the same step twice, \(commands(a, [shipper]))): "
                    + "drop the repeated step, or move it after what it must redo."
                snippet = ""
            } else if shipperIsCopy && !hiderIsCopy {
                let ignored = dockerignorePatterns(a, copyLayer: shipper, paths: g.paths.map(\.0))
                fix = "Keep these files out of the COPY (\(commands(a, [shipper, hider]))): name them in .dockerignore or copy less; "
                    + "if a build step needs them, bind-mount them into that RUN or use them in a build stage."
                snippet = "# .dockerignore\n" + ignored.joined(separator: "\n")
                    + "\n# or, for a step that needs them only while it runs:\nRUN --mount=type=bind,source=<dir>,target=/src <step>"
            } else if hiderIsCopy {
                fix = "Copy each file once, in its final version (\(commands(a, [shipper, hider]))): an overwritten file still ships in the earlier layer."
                snippet = "# .dockerignore the stale copy, or\nCOPY --from=build /out/app /app"
            } else {
                fix = "Create, use and delete these files in one RUN step (\(commands(a, [shipper, hider]))): "
                    + "a later layer cannot take bytes out of an earlier one."
                snippet = "RUN <download or build> \\\n && <use it> \\\n && rm -rf <what it left behind>"
            }
            out.append(Finding(
                rule: "cleanup-in-later-layer", severity: severity(bytes: g.bytes), title: title,
                layers: [shipper, hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: fix, snippet: snippet))
        }
        for (hider, g) in rewrites {
            let hiderIsCopy = FinalPayload.isCopyLayer(a, hider) && hasCommand(a, hider)
            out.append(Finding(
                rule: "metadata-only-rewrite", severity: severity(bytes: g.bytes),
                title: "Layer \(hider) ships \(plural(g.paths.count, "file")) again "
                    + (unchangedCount[hider] == g.paths.count ? "unchanged" : (unchangedCount[hider] ?? 0) > 0 ? "unchanged or only to change mode or owner"
                        : "only to change mode or owner") + " (\(ByteFormat.si(g.bytes)))",
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

    /// True when a RUN's command runs `chmod`, `chown`, `chgrp`, `touch` or `setfacl`.
    static func changesMetadata(_ command: String) -> Bool {
        InstallCommand.simpleCommands(command).contains { words in
            ["chmod", "chown", "chgrp", "touch", "setfacl"].contains { InstallCommand.runs([$0], in: words.joined(separator: " ")) }
        }
    }

    /// Where a COPY or ADD layer wrote: `COPY dir:… in /app` (the classic builder), or the last word of
    /// BuildKit's `COPY src dest # buildkit`, a relative one taken from the WORKDIR in force then.
    static func copyDestination(_ a: AdviceInput, _ layer: Int) -> String? {
        let shown = LayerCommand.display(a.image.layers[layer].createdBy)
        if let range = shown.range(of: " in ", options: .backwards) {
            return String(shown[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        var words = shown.split(separator: " ").map(String.init)
        if let hash = words.firstIndex(of: "#") { words = Array(words[..<hash]) }
        guard words.count >= 3, var dest = words.last else { return nil }
        if !dest.hasPrefix("/") {
            // the WORKDIR of the history entries before this layer (empty layers included)
            var workdir = "/"
            let history = a.image.config.history ?? []
            var layersSeen = 0
            for entry in history {
                if !entry.isEmptyLayer { if layersSeen == layer { break }; layersSeen += 1 }
                let c = LayerCommand.display(entry.created_by)
                if c.hasPrefix("WORKDIR ") {
                    let dir = String(c.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                    workdir = dir.hasPrefix("/") ? dir : (workdir.hasSuffix("/") ? workdir : workdir + "/") + dir
                }
            }
            dest = (workdir.hasSuffix("/") ? workdir : workdir + "/") + (dest == "." || dest == "./" ? "" : dest)
        }
        return dest
    }

    /// `.dockerignore` patterns for image paths a COPY layer brought in: relative to its destination,
    /// a folder's whole name when several files of it came, ten at most.
    static func dockerignorePatterns(_ a: AdviceInput, copyLayer: Int, paths: [String]) -> [String] {
        var dest = copyDestination(a, copyLayer) ?? "/"
        if !dest.hasSuffix("/") { dest += "/" }
        var patterns: [String] = []
        var counts: [String: Int] = [:]
        let relative = paths.map { p in p.hasPrefix(dest) ? String(p.dropFirst(dest.count)) : String(p.drop { $0 == "/" }) }
        for r in relative { if let top = r.split(separator: "/").first, r.contains("/") { counts[String(top), default: 0] += 1 } }
        for r in relative.sorted() {
            let top = r.split(separator: "/").first.map(String.init) ?? r
            let pattern = (counts[top] ?? 0) > 1 ? top + "/" : r
            if !patterns.contains(pattern) { patterns.append(pattern) }
            if patterns.count == 10 { break }
        }
        return patterns
    }
}
