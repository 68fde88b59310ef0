import Foundation

/// `--html PATH`: the analysis as one self-contained HTML page for CI artifacts and reviews: the
/// headline figures, the layers as bars (bytes still shown and bytes a later layer hides; a click
/// lists the layer's changes), the final filesystem as a treemap (area = bytes, colour = the layer
/// that wrote it, wasted paths outlined; a click zooms into a directory), the advice as cards, and the
/// inefficient and largest files as sortable tables.
///
/// No network: scripts and styles are inline, allowed by their SHA-256 in a Content-Security-Policy
/// that forbids every fetch. Every string from the image travels as JSON (with `<`, `>` and `&`
/// escaped) and reaches the page through `textContent`, never as markup.
public enum HTMLReport {
    /// The treemap's nodes on the page: the largest by bytes (a directory holds at least the bytes of
    /// any node under it, so every chosen node's directories are chosen too); the others are summed
    /// into one "N files" tile per directory. About 3 MB of JSON however many files the image has.
    static let treeNodeBudget = 60_000
    /// The changes listed per layer (the largest).
    static let changesPerLayer = 300

    /// The page's bytes.
    /// - Parameters:
    ///   - packages: shown as the owner of treemap files when known.
    ///   - gate: the CI verdict, when `--ci` ran.
    public static func render(_ a: Analysis, gate: CIGate? = nil, generated: Date = Date()) -> [UInt8] {
        HTMLPage.document(title: "fathom: " + (a.image.names.first ?? a.image.archivePath),
                          noscript: "This report draws its charts with JavaScript. " + plainSummary(a),
                          style: HTMLPage.style, body: HTMLPage.body, data: dataJSON(a, gate: gate, generated: generated),
                          script: HTMLPage.script)
    }

    /// Text for HTML (`&`, `<`, `>`, `"`, `'`), control characters as escapes.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in TerminalText.escape(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func plainSummary(_ a: Analysis) -> String {
        let m = a.dive.metrics
        return "Image \(a.image.names.first ?? a.image.archivePath): final filesystem \(ByteFormat.si(a.finalBytes)), "
            + "\(ByteFormat.si(a.shippedBytes)) shipped, \(ByteFormat.si(a.reclaimableBytes)) reclaimable, "
            + "efficiency \(String(format: "%.2f", m.efficiency * 100)) %, \(a.image.layers.count) layers."
    }

    /// Everything the page draws, as JSON.
    static func dataJSON(_ a: Analysis, gate: CIGate?, generated: Date) -> [UInt8] {
        var w = JSONWriter(compact: true)
        let m = a.dive.metrics
        let replay = a.replay, paths = replay.paths
        w.object { w in
            w.key("image")
            w.object { w in
                w.field("name", a.image.names.first ?? a.image.archivePath)
                w.field("source", a.image.archivePath)
                w.field("platform", optional: a.image.platform?.description)
                w.field("generated", ISO8601DateFormatter().string(from: generated))
                JSONReport.writeFigures(a, &w)
                w.field("layers", a.image.layers.count)
            }
            w.key("ci")
            if let gate {
                w.object { w in
                    w.field("passed", gate.passed)
                    w.array("rules", gate.results.map { ($0.rule.rawValue, $0.outcome.rawValue, $0.detail) }
                        + gate.pathResults.map { ($0.name, $0.outcome.rawValue, $0.detail) }) { w, r in
                        w.object { w in w.field("rule", r.0); w.field("outcome", r.1); w.field("detail", r.2) }
                    }
                }
            } else {
                w.null()
            }
            w.array("layers", a.image.layers.enumerated()) { w, item in
                let (i, layer) = item
                let f = a.layerFigures[i]
                let diff = replay.diffs[i]
                w.object { w in
                    w.field("index", i)
                    w.field("command", LayerCommand.display(layer.createdBy, comment: layer.history?.comment))
                    // what the layer ships: a chmod or chown that rewrote a file ships its bytes again
                    w.field("bytes", f.addedBytes + f.modifiedBytes + f.metadataOnlyBytes)
                    w.field("hidden", f.reclaimableBytes)
                    w.field("added", f.addedBytes)
                    w.field("modified", f.modifiedBytes)
                    w.field("removed", f.removedBytes)
                    w.field("stored", layer.blob.storedBytes)
                    // the largest by bytes first, then paths only for those listed (a layer may change a million)
                    var changes: [(PathTable.NodeID, Int64, String)] = []
                    for n in diff.added { if let s = replay.state(n, atLayer: i) { changes.append((n, s.sizeBytes, "added")) } }
                    for n in diff.modified { if let s = replay.state(n, atLayer: i) { changes.append((n, s.sizeBytes, "modified")) } }
                    for n in diff.metadataOnly { if let s = replay.state(n, atLayer: i) { changes.append((n, s.sizeBytes, "metadata")) } }
                    for (n, s) in zip(diff.removed, diff.removedStates) { changes.append((n, s.sizeBytes, "removed")) }
                    w.field("changes", changes.count)
                    changes.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
                    let listed = changes.prefix(changesPerLayer).map { (paths.path($0.0), $0.1, $0.2) }
                        .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
                    w.array("files", listed) { w, c in
                        w.object { w in w.field("path", "/" + c.0); w.field("bytes", c.1); w.field("status", c.2) }
                    }
                }
            }
            w.key("tree")
            writeTree(a, &w)
            w.array("advice", a.advice) { w, f in
                w.object { w in
                    w.field("rule", f.rule)
                    w.field("severity", f.severity.rawValue)
                    w.field("title", f.title)
                    w.field("bytes", f.reclaimableBytes)
                    w.array("layers", f.layers) { w, l in w.int(l) }
                    w.array("paths", f.paths) { w, p in w.object { w in w.field("path", p.path); w.field("bytes", p.bytes) } }
                    w.field("pathCount", f.pathCount)
                    w.field("fix", f.fix)
                    w.field("snippet", f.snippet)
                }
            }
            w.array("inefficient", m.inefficientFiles.prefix(500)) { w, f in
                w.object { w in w.field("path", f.path); w.field("count", f.count); w.field("bytes", f.sizeBytes) }
            }
            let largest = LargestPaths(replay, top: 50)
            w.array("largest", largest.files) { w, e in w.object { w in w.field("path", e.path); w.field("bytes", e.bytes) } }
        }
        return w.bytes
    }

    /// The final filesystem as nested tiles `{n: name, b: bytes, l: layer, w: wasted bytes, c: [children],
    /// f: files under a directory}`, the nodes beyond `treeNodeBudget` summed per directory into one tile
    /// `{n: "N files", b: their bytes, o: N}` (N counts the files under the directories summed too).
    static func writeTree(_ a: Analysis, _ w: inout JSONWriter) {
        let replay = a.replay, paths = replay.paths
        let n = replay.nodeCount
        // each inode's bytes at its first path (by node order), so that the root is the final filesystem's bytes
        var bytes = [Int64](repeating: 0, count: n)
        var files = [Int32](repeating: 0, count: n)   // the files (not directories) at and under each node
        var seen = Set<Int32>()
        for id in 1..<max(1, n) {
            guard let s = replay.currentState(id), s.kind != .directory else { continue }
            files[id] = 1
            guard s.kind == .file || s.kind == .hardlink, s.inode >= 0, seen.insert(s.inode).inserted else { continue }
            bytes[id] = s.sizeBytes
        }
        for id in stride(from: n - 1, to: 0, by: -1) where replay.currentState(id) != nil {
            bytes[Int(paths.parents[id])] += bytes[id]
            files[Int(paths.parents[id])] += files[id]
        }
        var wasted: [Int32: Int64] = [:]
        for inode in replay.inodes where inode.visibleCount == 0 && inode.hiddenBy >= 0 && inode.sizeBytes > 0 {
            wasted[Int32(inode.node), default: 0] += inode.sizeBytes
        }
        let threshold = budgetThreshold((1..<max(1, n)).compactMap { replay.currentState($0) == nil ? nil : bytes[$0] })
        let owners = a.packages
        // depth first with an explicit stack (an image controls how deep its paths go)
        enum Step { case open(Int), rest(files: Int, bytes: Int64), close }
        var stack: [Step] = [.open(0)]
        while let step = stack.popLast() {
            let id: Int
            switch step {
            case .close: w.endArray(); w.endObject(); continue
            case let .rest(count, sum):
                w.element()
                w.object { w in w.field("n", count == 1 ? "1 file" : "\(count) files"); w.field("b", sum); w.field("o", count) }
                continue
            case let .open(node): id = node
            }
            let state = id == 0 ? nil : replay.currentState(id)
            if id != 0 { w.element() }   // the root is the value of "tree"; the others are array elements
            w.beginObject()
            w.field("n", id == 0 ? "/" : String(decoding: paths.nameBytes(PathTable.NodeID(id)), as: UTF8.self))
            w.field("b", bytes[id])
            if let state, state.kind != .directory {
                w.field("l", Int(state.layer))
                if let x = wasted[Int32(id)] { w.field("w", x) }
                if let p = owners, let o = p.owners[PathTable.NodeID(id)] { w.field("p", p.final[o].package.name) }
                w.endObject()
                continue
            }
            if let state { w.field("l", Int(state.layer)) }
            w.field("f", Int(files[id]))
            let kids = paths.children[id].map(Int.init).filter { replay.currentState($0) != nil }
            let big = kids.filter { bytes[$0] >= threshold }.sorted { bytes[$0] > bytes[$1] }
            let small = kids.filter { bytes[$0] < threshold }
            w.key("c")
            w.beginArray()
            stack.append(.close)
            // the summed tile comes last: the children stay in descending order, as the squarified layout wants
            let sum = small.reduce(Int64(0)) { $0 + bytes[$1] }
            if sum > 0 { stack.append(.rest(files: small.reduce(0) { $0 + Int(files[$1]) }, bytes: sum)) }
            for k in big.reversed() { stack.append(.open(k)) }
        }
    }

    /// The least bytes a node needs to be on the page so that at most `treeNodeBudget` nodes are (0
    /// when all fit).
    static func budgetThreshold(_ sizes: [Int64], budget: Int = treeNodeBudget) -> Int64 {
        guard sizes.count > budget, budget > 0 else { return 0 }
        let sorted = sizes.sorted(by: >)
        // ties at the cut would let more than the budget in: the cut then moves just above them
        return sorted[budget] == sorted[budget - 1] ? sorted[budget - 1] + 1 : sorted[budget - 1]
    }
}
