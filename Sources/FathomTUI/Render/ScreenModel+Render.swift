import FathomCore
import Foundation

extension ScreenModel {
    var layout: Layout { Layout(width: width, height: height, layerCount: analysis.image.layers.count) }

    /// Draws the whole screen.
    public func render() -> Grid {
        var g = Grid(width: width, height: height)
        let l = layout
        if l.isTooSmall {
            g.putCentred(["fathom needs at least \(Layout.minimumWidth)×\(Layout.minimumHeight)",
                          "(this terminal is \(width)×\(height))", "q quits"], style: .warning)
            return g
        }
        g.framed = bindings.frames
        let rects = treeRects
        // framed: each pane draws inside its box, whose top edge is the pane's title row
        func inner(_ r: Rect) -> Rect { bindings.frames ? Grid.inside(r) : r }
        renderLayers(&g, inner(l.layers))
        renderDetails(&g, inner(l.details))
        renderImage(&g, inner(l.image), tableTop: l.wasteTableTop)
        renderTree(&g, inner(rects.top), focused: focus == .tree && !lowerFocused, title: "Current Layer Contents")
        if let bottom = rects.bottom, let m = lower?.model {
            m.renderTree(&g, inner(bottom), focused: focus == .tree && lowerFocused, title: "Filesystem at layer \(selectedLayer)")
        }
        if bindings.frames {
            for r in [l.layers, l.details, l.image, rects.top] + (rects.bottom.map { [$0] } ?? []) { g.frame(r) }
        }
        renderStatus(&g, y: l.statusY)
        if showAdvice { renderAdvice(&g) }
        if showPackages { renderPackages(&g) }
        if let viewer {
            let keys = "Esc/q Close  ↑↓ PgUp PgDn Home End  ←→ Scroll  w Wrap  / Search  n/N Next/prev  y Copy path  Y Copy text"
            viewer.render(into: &g, keys: keys)
        }
        if showHelp { renderHelp(&g) }
        return g
    }

    // MARK: layers

    private func renderLayers(_ g: inout Grid, _ r: Rect) {
        let mode = compareMode == .layer ? "this layer's changes" : "changes since layer 0"
        g.paneTitle(r, "Layers", focused: focus == .layers, extra: "(\(mode))")
        guard r.height > 1 else { return }
        g.put(DisplayWidth.truncate("Cmp    Size  Command", to: r.width - 1), x: r.x + 1, y: r.y + 1, style: .bold)
        let layers = analysis.image.layers
        for row in 0..<max(0, r.height - 2) {
            let i = layerScroll + row
            guard i < layers.count else { break }
            let y = r.y + 2 + row
            let selected = i == selectedLayer
            let style: Style = selected ? (focus == .layers ? .selected : .selectedUnfocused) : .normal
            if selected { g.fill(x: r.x, y: y, count: r.width, style: style) }
            let inTop = compareMode == .layer ? i == selectedLayer : (i >= 1 && i <= selectedLayer)
            let inBottom = compareMode == .layer ? i < selectedLayer : i == 0
            let mark = inTop ? "■" : inBottom ? "·" : " "
            g.put(mark, x: r.x + 1, y: y, style: inTop ? .compareTop : inBottom ? .compareBottom : style)
            let layer = layers[i]
            let size = TextReportPad.left(ByteFormat.si(layer.blob.changeset.fileBytes), 7)
            let command = LayerCommand.display(layer.createdBy, comment: layer.history?.comment)
            let text = "\(String(i).leftPad(2, with: " ")) \(size)  \(command)"
            g.put(DisplayWidth.truncate(text, to: r.width - 4), x: r.x + 3, y: y, style: style, maxWidth: r.width - 4)
        }
    }

    // MARK: layer details

    private func renderDetails(_ g: inout Grid, _ r: Rect) {
        g.paneTitle(r, "Layer details", focused: false)
        guard analysis.image.layers.indices.contains(selectedLayer) else { return }
        let layer = analysis.image.layers[selectedLayer]
        let f = analysis.layerFigures[selectedLayer]
        var lines: [(String, Style)] = []
        lines.append(("Diff ID:  \(layer.blob.diffID.value)", .normal))
        lines.append(("Digest:   \(layer.blob.digest.value)", .normal))
        lines.append(("\(layer.blob.compression.rawValue), \(ByteFormat.si(layer.blob.storedBytes)) stored, "
                      + "\(layer.blob.changeset.memberCount) \(layer.blob.changeset.memberCount == 1 ? "entry" : "entries"), "
                      + "\(ByteFormat.si(layer.blob.changeset.fileBytes)) of files"
                      + (layer.history?.created.map { ", created \($0)" } ?? ""), .normal))
        var changes = "Added \(ByteFormat.si(f.addedBytes)), modified \(ByteFormat.si(f.modifiedBytes)), removed \(ByteFormat.si(f.removedBytes))"
        if f.metadataOnlyCount > 0 { changes += ", \(f.metadataOnlyCount) metadata-only (\(ByteFormat.si(f.metadataOnlyBytes)))" }
        lines.append((changes, .normal))
        if f.reclaimableBytes > 0 {
            let by = f.hiddenBy.map { "layer \($0.layer) (\(ByteFormat.si($0.bytes)))" }.joined(separator: ", ")
            lines.append(("Hidden later: \(ByteFormat.si(f.reclaimableBytes)) by \(by)", .removed))
        }
        if let p = analysis.packages {
            // the selected file's package (tree focused), and what this layer did to the packages
            if focus == .tree, let node = selectedNode, let owner = p.owners[node] {
                let o = p.final[owner].package
                lines.append(("Package: \(o.name) \(o.version) (\(ByteFormat.si(p.final[owner].bytes)))", .bold))
            }
            if let c = p.layers.first(where: { $0.layer == selectedLayer }) {
                var parts: [String] = []
                if !c.installed.isEmpty { parts.append("\(c.installed.count) installed") }
                if !c.upgraded.isEmpty { parts.append("\(c.upgraded.count) upgraded") }
                if !c.removed.isEmpty { parts.append("\(c.removed.count) removed") }
                let names = (c.installed + c.upgraded).prefix(3).map(\.package.name).joined(separator: ", ")
                lines.append(("Packages: " + parts.joined(separator: ", ") + " (\(ByteFormat.si(c.bytes)))" + (names.isEmpty ? "" : ": " + names), .normal))
            }
        }
        let command = LayerCommand.display(layer.createdBy, comment: layer.history?.comment)
        let wrapped = Self.wrap("Command: " + command, width: r.width - 2)
        for line in wrapped { lines.append((line, .normal)) }
        for (i, (text, style)) in lines.prefix(max(0, r.height - 1)).enumerated() {
            g.put(DisplayWidth.truncate(text, to: r.width - 2), x: r.x + 1, y: r.y + 1 + i, style: style)
        }
    }

    // MARK: image details and the waste table

    private func renderImage(_ g: inout Grid, _ r: Rect, tableTop: Int) {
        g.paneTitle(r, "Image details", focused: focus == .waste, extra: "Enter: jump to a file's layer")
        let m = analysis.dive.metrics
        let name = analysis.image.names.first ?? analysis.image.archivePath
        let warnings = analysis.warnings
        let facts = [
            "Image name: \(name)",
            "Total size: \(ByteFormat.si(m.sizeBytes)), final filesystem \(ByteFormat.si(analysis.finalBytes))",
            "Efficiency: \(Int(100 * m.efficiency)) %   Wasted (dive): \(ByteFormat.si(m.wastedBytes))",
            "Reclaimable: \(ByteFormat.si(analysis.reclaimableBytes)) (later layers hide it)",
            warnings.isEmpty ? "" : "⚠ \(warnings.count == 1 ? "1 warning" : "\(warnings.count) warnings"): \(warnings[0])",
        ]
        for (i, text) in facts.enumerated() where r.y + 1 + i < min(r.y + r.height, tableTop - 1) {
            g.put(DisplayWidth.truncate(text, to: r.width - 2), x: r.x + 1, y: r.y + 1 + i, style: text.hasPrefix("⚠") ? .warning : .normal)
        }
        guard tableTop - 1 < r.y + r.height else { return }
        g.put("Count  Total Space  Path", x: r.x + 1, y: tableTop - 1, style: .bold, maxWidth: r.width - 2)
        let files = m.inefficientFiles
        if files.isEmpty {
            g.put("None", x: r.x + 1, y: tableTop, maxWidth: r.width - 2)
            return
        }
        for row in 0..<max(0, r.y + r.height - tableTop) {
            let i = wasteScroll + row
            guard i < files.count else { break }
            let y = tableTop + row
            let selected = focus == .waste && i == wasteCursor
            let style: Style = selected ? .selected : .normal
            if selected { g.fill(x: r.x, y: y, count: r.width, style: style) }
            let f = files[i]
            let text = TextReportPad.left(String(f.count), 5) + "  " + TextReportPad.left(ByteFormat.si(f.sizeBytes), 11) + "  "
                + DisplayName.of(f.pathBytes)
            g.put(DisplayWidth.truncate(text, to: r.width - 2), x: r.x + 1, y: y, style: style)
        }
    }

    // MARK: tree

    private func renderTree(_ g: inout Grid, _ r: Rect, focused: Bool, title: String) {
        var extra = compareMode == .layer || selectedLayer == 0 ? "layer \(selectedLayer)" : "layers 1–\(selectedLayer) vs 0"
        extra += sortBySize ? ", by size" : ""
        extra = "(\(extra))"
        var title = title
        if treeCursor < rows.count {
            // the selected entry's full path, cut at the left when it does not fit (y copies it); on a
            // narrow pane the title shortens to leave it room
            func room() -> Int { r.width - 2 - DisplayWidth.of("▶ " + title + "  " + extra + "  ") }
            if room() < 16 { title = title.hasPrefix("Current") ? "Contents" : "Filesystem" }
            let path = "/" + DisplayName.of(analysis.replay.paths.pathBytes(rows[treeCursor].node))
            if room() >= 8 { extra += "  " + DisplayWidth.truncateLeft(path, to: room()) }
        }
        g.paneTitle(r, title, focused: focused, extra: extra)
        guard r.height > 1 else { return }
        // below 72 columns the full attribute columns would leave no room for names: size only
        let compact = r.width < 70
        let header = !showAttributes ? "  Filetree" : compact ? "      Size  Filetree" : "  Permission     UID:GID       Size  Filetree"
        g.put(DisplayWidth.truncate(header, to: r.width - 1), x: r.x + 1, y: r.y + 1, style: .bold)
        let paths = analysis.replay.paths
        let body = max(0, r.height - 2)
        var y = r.y + 2
        var index = treeScroll
        while y < r.y + 2 + body, index < rows.count {
            let row = rows[index]
            let id = Int(row.node)
            let status = snapshot.status[id]
            let selected = index == treeCursor
            var style: Style = switch status {
            case .added: .added
            case .removed: .removed
            case .modified: .modified
            case .unmodified: .normal
            }
            if selected { style = focused ? .selected : .selectedUnfocused }
            if selected { g.fill(x: r.x, y: y, count: r.width, style: style) }
            var text = String(status.marker) + " "
            if showAttributes, let s = snapshot.states[id] {
                let owner = "\(s.uid):\(s.gid)"
                let size = s.kind == .directory || s.kind == .file ? ByteFormat.si(shownSize(id)) : "-"
                text += compact ? TextReportPad.left(size, 8) + "  "
                    : s.modeString() + TextReportPad.left(owner, 12) + TextReportPad.left(size, 11) + "  "
            }
            var name = DisplayName.of(paths.nameBytes(row.node))
            if row.isDirectory && row.isCollapsed { name = "⊕ " + name }
            if let s = snapshot.states[id], let target = analysis.replay.linkTarget(s) {
                // symlink → target as written; hardlink ⇒ /the path whose inode it shares
                name += s.kind == .hardlink ? " ⇒ /" + DisplayName.of(target) : " → " + DisplayName.of(target)
            }
            let line = text + row.prefix + name
            let lineWidth = r.width - 1
            if wrapNames && DisplayWidth.of(line) > lineWidth {
                var rest = line
                while !rest.isEmpty && y < r.y + 2 + body {
                    let piece = Self.prefix(rest, columns: lineWidth)
                    if selected { g.fill(x: r.x, y: y, count: r.width, style: style) }
                    g.put(piece, x: r.x + 1, y: y, style: style)
                    rest = String(rest.dropFirst(piece.count))
                    if !rest.isEmpty { rest = String(repeating: " ", count: min(8, lineWidth / 2)) + rest }
                    y += 1
                }
            } else {
                g.put(DisplayWidth.truncate(line, to: lineWidth), x: r.x + 1, y: y, style: style)
                y += 1
            }
            index += 1
        }
        if rows.isEmpty {
            g.put("(nothing matches the filters)", x: r.x + 2, y: r.y + 2, style: .dim, maxWidth: r.width - 3)
        }
    }

    static func prefix(_ s: String, columns: Int) -> String {
        var out = "", used = 0
        for ch in s {
            let w = DisplayWidth.of(ch)
            if used + w > columns { break }
            out.append(ch); used += w
        }
        return out.isEmpty ? String(s.prefix(1)) : out
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 4 else { return [text] }
        var lines: [String] = []
        var rest = Substring(text)
        while DisplayWidth.of(String(rest)) > width {
            let piece = prefix(String(rest), columns: width)
            let cut = piece.lastIndex(of: " ").map { piece.distance(from: piece.startIndex, to: $0) } ?? piece.count
            let take = cut > width / 2 ? cut : piece.count
            lines.append(String(rest.prefix(take)))
            rest = rest.dropFirst(take).drop { $0 == " " }
            if lines.count > 6 { break }
        }
        if !rest.isEmpty { lines.append(String(rest)) }
        return lines
    }

    // MARK: status bar and help


    private func renderStatus(_ g: inout Grid, y: Int) {
        g.fill(x: 0, y: y, count: width, style: .statusBar)
        if input == .pathFilter {
            let text = "Path Filter: " + filterText + "▏" + (filterError.map { "  (\($0))" } ?? "") + "   Enter keeps · Esc clears · Ctrl+U erases"
            g.put(DisplayWidth.truncate(text, to: width), x: 0, y: y, style: .statusBar)
            return
        }
        if input == .extractTo {
            let what = extractNode.map { "/" + DisplayName.of(analysis.replay.paths.pathBytes($0)) } ?? ""
            let text = "Extract \(what) (\(plural(extractCount, "entry", "entries")), as in layer \(selectedLayer)) under the folder: " + extractInputText
                + "▏   Enter writes · Esc cancels · Ctrl+U erases"
            g.put(DisplayWidth.truncate(text, to: width), x: 0, y: y, style: .statusBar)
            return
        }
        if input == .extractReplace {
            let text = "r replaces · Esc keeps what exists and writes the rest:  \(extractExisting) already exists under \(extractFolder)"
            g.put(DisplayWidth.truncate(text, to: width), x: 0, y: y, style: .statusBar)
            return
        }
        if input == .sizeFilter {
            let text = "Size Filter (at least, e.g. 100kB, 1MiB; empty = off): " + sizeInputText + "▏   Ctrl+U erases"
            g.put(DisplayWidth.truncate(text, to: width), x: 0, y: y, style: .statusBar)
            return
        }
        var state: [String] = []
        if let message { state.append(message) }
        if !filterText.isEmpty { state.append("filter /\(filterText)/") }
        if minSizeBytes > 0 { state.append("≥ \(ByteFormat.si(minSizeBytes))") }
        if wastedOnly { state.append("wasted only") }
        if !hiddenStatuses.isEmpty {
            state.append("hidden: " + DiffStatus.allCases.filter(hiddenStatuses.contains).map { "\($0)" }.joined(separator: ","))
        }
        var noteWidth = 0
        if !state.isEmpty {
            let text = DisplayWidth.truncate(" " + state.joined(separator: " · ") + " ", to: max(0, width * 2 / 3))
            noteWidth = DisplayWidth.of(text)
            g.put(text, x: width - noteWidth, y: y, style: .warning)
        }
        if showAdvice || showPackages {
            let hint = showAdvice ? " Esc Close  ↑↓ Select finding  Enter Go to its layer and path  ^C Quit"
                : analysis.packages?.isEmpty == false ? " Esc Close  ↑↓ PgUp PgDn Select  Enter Go to the layer that installed the package  ^C Quit"
                : " Esc Close  ^C Quit"
            g.put(DisplayWidth.truncate(hint, to: width), x: 0, y: y, style: .statusBar)
            return
        }
        var items: [(String, String)] = [(bindings.label(.quit), "Quit"), (bindings.label(.toggleView), "Switch"),
                                          (bindings.label(.filterFiles), "Filter"), (bindings.label(.advice), "Advice"), (bindings.label(.help), "Help")]
        switch focus {
        case .layers:
            items += [(bindings.label(.compareLayer), "Layer changes"), (bindings.label(.compareAll), "Aggregated")]
        case .waste:
            items += [(bindings.label(.select), "Jump to path")]
        case .tree:
            items += [(bindings.label(.view), "View"), (bindings.label(.extract), "Extract"),
                      (bindings.label(.toggleCollapseDir), "Collapse"), (bindings.label(.toggleCollapseAllDir), "All"),
                      ("^A^R^M^U", "Hide added/removed/modified/unmodified"), (bindings.label(.toggleAttributes), "Attrs"),
                      (bindings.label(.toggleSortOrder), sortBySize ? "Sort:size" : "Sort:name"),
                      (bindings.label(.toggleWastedOnly), "Wasted only"), (bindings.label(.sizeFilter), "Size≥")]
        }
        // hints in the room the note leaves, whole hints only
        let room = width - noteWidth - 1
        var x = 0
        for (k, label) in items {
            let hint = " " + label + " "
            guard x + DisplayWidth.of(k) + DisplayWidth.of(hint) <= room else { break }
            x += g.put(k, x: x, y: y, style: .statusKey)
            x += g.put(hint, x: x, y: y, style: .statusBar)
        }
    }

    private func renderHelp(_ g: inout Grid) {
        let lines = Action.allCases.map { a -> String in
            let keys = (bindings.keys[a] ?? []).map(\.label).joined(separator: " ")
            var summary = a.summary
            if a == .toggleView {
                // the order this session follows (tab-order: dive; the split view's two trees)
                summary = "switch pane (" + (bindings.diveTabOrder ? "layers ↔ file tree" : "layers → waste table → file tree")
                    + (lower != nil ? ", then the lower tree" : "") + ")"
            }
            return TextReportPad.right(keys, 16) + "  " + summary
        } + ["", "Colours: green added, yellow modified, red removed; marker column + ~ -", "Esc or ? closes this help"]
        let w = min(width - 4, (lines.map { DisplayWidth.of($0) }.max() ?? 40) + 4)
        let h = min(height - 2, lines.count + 2)
        let x0 = max(0, (width - w) / 2), y0 = max(0, (height - h) / 2)
        g.overlayBox(x: x0, y: y0, w: w, h: h, title: "Keys", style: .titleFocused)
        let visible = max(0, h - 2)
        let first = min(helpScroll, max(0, lines.count - visible))
        for (i, line) in lines.dropFirst(first).prefix(visible).enumerated() {
            g.put(DisplayWidth.truncate(line, to: w - 4), x: x0 + 2, y: y0 + 1 + i, style: .titleFocused)
        }
        if lines.count > visible {
            g.put(" ↑↓ scroll (\(first + 1)–\(first + visible) of \(lines.count)) ", x: x0 + 10, y: y0, style: .titleFocused)
        }
    }
}

/// Column padding helpers.
enum TextReportPad {
    static func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - DisplayWidth.of(s))) + s }
    static func right(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - DisplayWidth.of(s))) }
}
