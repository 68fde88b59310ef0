import FathomCore
import Foundation

extension LoadingModel {
    /// The title of the pane where the file tree goes while it is not there yet (never "Current Layer
    /// Contents": that title means the explorer is complete, for the e2e checks and the benchmark).
    static let pendingTreeTitle = "File tree"

    /// Draws the loading screen, or once the outline is known the explorer's layout with what is known.
    public func render() -> Grid {
        var g = Grid(width: width, height: height)
        guard progress.outline != nil else { return loadingScreen() }
        let l = layout
        if l.isTooSmall {
            g.putCentred(["fathom needs at least \(Layout.minimumWidth)×\(Layout.minimumHeight)",
                         "(this terminal is \(width)×\(height))", "q cancels the loading"], style: .warning)
            return g
        }
        renderLayers(&g, l.layers)
        renderDetails(&g, l.details)
        renderImage(&g, l.image)
        renderStatusPane(&g, l.tree)
        renderStatusBar(&g, y: l.statusY)
        if showHelp { renderHelp(&g) }
        return g
    }

    /// Before the outline: what is being loaded, blobs read, seconds, the last member, how to cancel.
    func loadingScreen() -> Grid {
        var g = Grid(width: width, height: height)
        g.putCentred(["fathom", "Loading \(title)", "\(progress.blobs) blobs read, \(Self.seconds(progress.seconds))",
                     DisplayWidth.truncate(progress.lastMember, to: max(0, width - 4)), "", "q cancels"], boldFirst: true)
        return g
    }

    // MARK: layers

    /// The layer list: `✓` and the entry count for each decoded layer, `…` for the others.
    private func renderLayers(_ g: inout Grid, _ r: Rect) {
        g.paneTitle(r, "Layers", focused: true, extra: "(\(decodedCount) of \(layers.count) read)")
        guard r.height > 1 else { return }
        g.put(DisplayWidth.truncate("Read  Stored   Entries  Command", to: r.width - 1), x: r.x + 1, y: r.y + 1, style: .bold)
        for row in 0..<max(0, r.height - 2) {
            let i = layerScroll + row
            guard i < layers.count else { break }
            let y = r.y + 2 + row
            let selected = i == selectedLayer
            let style: Style = selected ? .selected : .normal
            if selected { g.fill(x: r.x, y: y, count: r.width, style: style) }
            let layer = layers[i]
            let decoded = progress.decoded[i]
            if decoded != nil { g.put("✓", x: r.x + 1, y: y, style: selected ? style : .added) }
            let entries = decoded.map { Self.count($0.entries) } ?? "…"
            let text = "\(String(i).leftPad(2, with: " ")) \(TextReportPad.left(layer.storedBytes.map(ByteFormat.si) ?? "?", 7))  "
                + "\(TextReportPad.left(entries, 8))  \(LayerCommand.display(layer.createdBy))"
            g.put(DisplayWidth.truncate(text, to: r.width - 4), x: r.x + 3, y: y, style: style, maxWidth: r.width - 4)
        }
    }

    // MARK: layer details

    private func renderDetails(_ g: inout Grid, _ r: Rect) {
        g.paneTitle(r, "Layer details", focused: false)
        guard layers.indices.contains(selectedLayer) else { return }
        let layer = layers[selectedLayer]
        var lines: [(String, Style)] = []
        lines.append(("Diff ID:  \(layer.configDiffID?.value ?? "(not in the config; computed when read)")", .normal))
        lines.append(("Blob:     \(layer.memberPath)", .normal))
        let stored = layer.storedBytes.map { "\(ByteFormat.si($0)) stored" } ?? "stored size not known yet"
        if let d = progress.decoded[selectedLayer] {
            lines.append(("\(stored), \(Self.count(d.entries)) \(d.entries == 1 ? "entry" : "entries"), "
                          + "\(ByteFormat.si(d.fileBytes)) of files", .normal))
        } else {
            lines.append(("\(stored), not read yet", .normal))
        }
        lines.append(("Changes (added, modified, removed): pending", .dim))
        for line in ScreenModel.wrap("Command: " + LayerCommand.display(layer.createdBy), width: r.width - 2) { lines.append((line, .normal)) }
        for (i, (text, style)) in lines.prefix(max(0, r.height - 1)).enumerated() {
            g.put(DisplayWidth.truncate(text, to: r.width - 2), x: r.x + 1, y: r.y + 1 + i, style: style)
        }
    }

    // MARK: image details

    private func renderImage(_ g: inout Grid, _ r: Rect) {
        g.paneTitle(r, "Image details", focused: false)
        guard let outline = progress.outline else { return }
        let stored = layers.compactMap(\.storedBytes).reduce(0, +)
        let decoded = progress.decoded.values.filter { layers.indices.contains($0.index) }
        let facts: [(String, Style)] = [
            ("Image name: \(outline.names.first ?? outline.archivePath)", .normal),
            ("Layers: \(layers.count), \(ByteFormat.si(stored)) stored" + (layers.contains { $0.storedBytes == nil } ? " so far" : ""), .normal),
            ("Read so far: \(Self.count(decoded.map(\.entries).reduce(0, +))) entries, "
             + "\(ByteFormat.si(decoded.map(\.fileBytes).reduce(0, +))) of files", .normal),
            ("Efficiency, wasted bytes, inefficient files:", .dim),
            ("when the analysis is complete", .dim),
        ]
        for (i, (text, style)) in facts.enumerated() where i < r.height - 1 {
            g.put(DisplayWidth.truncate(text, to: r.width - 2), x: r.x + 1, y: r.y + 1 + i, style: style)
        }
    }

    // MARK: where the tree goes

    private func renderStatusPane(_ g: inout Grid, _ r: Rect) {
        g.paneTitle(r, Self.pendingTreeTitle, focused: false, extra: "(when the analysis is complete)")
        var lines: [(String, Style)] = [("", .normal)]
        let n = decodedCount
        if n < layers.count {
            lines.append(("\(n) of \(layers.count) layers read, \(Self.seconds(progress.seconds))", .bold))
            // (the progress hook names a member when its decoding starts, not when it ends: not shown here)
            let pending = layers.indices.filter { progress.decoded[$0] == nil }
            lines.append(("Not read yet: " + Self.list(pending), .normal))
        } else {
            lines.append(("All \(layers.count) layers read, \(Self.seconds(progress.seconds))", .bold))
            lines.append(("Replaying the layers and computing the analysis…", .normal))
        }
        lines += [("", .normal), ("The file tree appears when the analysis is complete.", .normal),
                  ("Meanwhile ↑↓ move through the layers; q cancels.", .dim)]
        for (i, (text, style)) in lines.enumerated() where i < r.height - 1 {
            g.put(DisplayWidth.truncate(text, to: r.width - 3), x: r.x + 2, y: r.y + 1 + i, style: style)
        }
    }

    // MARK: status bar and help


    private func renderStatusBar(_ g: inout Grid, y: Int) {
        g.fill(x: 0, y: y, count: width, style: .statusBar)
        var noteWidth = 0
        if let message {
            let text = DisplayWidth.truncate(" " + message + " ", to: max(0, width * 2 / 3))
            noteWidth = DisplayWidth.of(text)
            g.put(text, x: width - noteWidth, y: y, style: .warning)
        }
        let items = [("q", "Cancel"), (bindings.label(.up) + bindings.label(.down), "Layer"), (bindings.label(.help), "Help")]
        var x = 0
        for (k, label) in items {
            let hint = " " + label + " "
            guard x + DisplayWidth.of(k) + DisplayWidth.of(hint) <= width - noteWidth - 1 else { break }
            x += g.put(k, x: x, y: y, style: .statusKey)
            x += g.put(hint, x: x, y: y, style: .statusBar)
        }
    }

    private func renderHelp(_ g: inout Grid) {
        func keys(_ a: Action) -> String { (bindings.keys[a] ?? []).map(\.label).joined(separator: " ") }
        let lines = [
            TextReportPad.right(keys(.up) + " " + keys(.down), 16) + "  move through the layers",
            TextReportPad.right(keys(.pageUp) + " " + keys(.pageDown), 16) + "  page up / down",
            TextReportPad.right(keys(.home) + " " + keys(.end), 16) + "  first / last layer",
            TextReportPad.right("q ^C", 16) + "  cancel the loading",
            "",
            "The layers are still being read. The file tree, filters,",
            "the waste table and the advice open when the analysis is",
            "complete; the selected layer stays selected.",
            "Esc or ? closes this help",
        ]
        let w = min(width - 4, (lines.map { DisplayWidth.of($0) }.max() ?? 40) + 4)
        let h = min(height - 2, lines.count + 2)
        let x0 = max(0, (width - w) / 2), y0 = max(0, (height - h) / 2)
        for y in y0..<(y0 + h) { g.fill(x: x0, y: y, count: w, style: .titleFocused) }
        g.put(" Keys while loading ", x: x0 + 2, y: y0, style: .titleFocused)
        for (i, line) in lines.prefix(max(0, h - 2)).enumerated() {
            g.put(DisplayWidth.truncate(line, to: w - 4), x: x0 + 2, y: y0 + 1 + i, style: .titleFocused)
        }
    }

    // MARK: formatting

    var decodedCount: Int { progress.decoded.keys.filter { layers.indices.contains($0) }.count }

    static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }

    /// `41,203`
    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// `1, 4–7`: layer indices with runs folded.
    static func list(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < indices.count {
            var j = i
            while j + 1 < indices.count && indices[j + 1] == indices[j] + 1 { j += 1 }
            parts.append(j > i + 1 ? "\(indices[i])–\(indices[j])" : j == i + 1 ? "\(indices[i]), \(indices[j])" : "\(indices[i])")
            i = j + 1
        }
        return parts.isEmpty ? "none" : "layer" + (indices.count == 1 ? " " : "s ") + parts.joined(separator: ", ")
    }
}
