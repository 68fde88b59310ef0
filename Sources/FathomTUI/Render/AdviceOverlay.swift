import FathomCore

// The advice overlay: the findings (most reclaimable bytes first) above, the selected one's layers,
// paths, fix and Dockerfile snippet below.
extension ScreenModel {
    func renderAdvice(_ g: inout Grid) {
        // the whole width: a cell left undrawn would show the pane below through the overlay
        let x0 = 0, y0 = 1, w = width, h = max(5, height - 2)
        for y in y0..<min(height, y0 + h) { g.fill(x: x0, y: y, count: w, style: .normal) }
        let advice = analysis.advice
        let total = advice.reduce(Int64(0)) { $0 + $1.reclaimableBytes }
        g.fill(x: x0, y: y0, count: w, style: .titleFocused)
        let keys = " Esc closes "
        let head = " Advice: \(advice.count) finding\(advice.count == 1 ? "" : "s"), \(ByteFormat.si(total)) to give back "
            + "(\(ByteFormat.si(analysis.reclaimableBytes)) hidden by later layers, the rest in the final filesystem) "
        let keysWidth = DisplayWidth.of(keys)
        g.put(DisplayWidth.truncate(head, to: max(0, w - keysWidth)), x: x0, y: y0, style: .titleFocused, maxWidth: max(0, w - keysWidth))
        g.put(keys, x: max(0, w - keysWidth), y: y0, style: .titleFocused)
        let inner = w - 2
        guard !advice.isEmpty else {
            g.put(DisplayWidth.truncate("No findings: nothing in the layers or the config that the advice rules flag.", to: inner),
                  x: x0 + 1, y: y0 + 2)
            return
        }
        // the list
        let listHeight = adviceListHeight
        let first = adviceCursor < listHeight ? 0 : adviceCursor - listHeight + 1
        for row in 0..<listHeight {
            let i = first + row
            guard i < advice.count else { break }
            let f = advice[i], y = y0 + 1 + row
            let selected = i == adviceCursor
            if selected { g.fill(x: x0, y: y, count: w, style: .selected) }
            let bytes = f.reclaimableBytes > 0 ? ByteFormat.si(f.reclaimableBytes) : "—"
            let text = TextReportPad.right(f.severity.rawValue.uppercased(), 6) + " " + TextReportPad.left(bytes, 8) + "  " + f.title
            g.put(DisplayWidth.truncate(text, to: inner), x: x0 + 1, y: y, style: selected ? .selected : severityStyle(f.severity), maxWidth: inner)
        }
        // the selected finding
        var y = y0 + 1 + listHeight
        let bottom = y0 + h
        g.put(String(repeating: "─", count: w), x: x0, y: y, style: .dim)
        y += 1
        let f = advice[min(adviceCursor, advice.count - 1)]
        func line(_ text: String, _ style: Style = .normal, indent: Int = 0) {
            guard y < bottom else { return }
            g.put(DisplayWidth.truncate(String(repeating: " ", count: indent) + text, to: inner), x: x0 + 1, y: y, style: style, maxWidth: inner)
            y += 1
        }
        for piece in Self.wrap(f.title, width: inner) { line(piece, .bold) }
        line("\(f.rule) · \(f.severity.rawValue)" + (f.reclaimableBytes > 0 ? " · \(f.reclaimableBytes) bytes reclaimable" : ""), .dim)
        for layer in f.layers where analysis.image.layers.indices.contains(layer) {
            let l = analysis.image.layers[layer]
            line("layer \(layer): " + LayerCommand.display(l.createdBy, comment: l.history?.comment), indent: 2)
        }
        if !f.paths.isEmpty {
            line("Paths (\(f.pathCount)):", .bold)
            let room = max(1, bottom - y - 4)
            for p in f.paths.prefix(min(room, 5)) {
                line(TextReportPad.left(p.bytes > 0 ? ByteFormat.si(p.bytes) : "", 8) + "  " + p.path, indent: 2)
            }
            if f.pathCount > min(room, 5) { line("… and \(f.pathCount - min(room, 5)) more", .dim, indent: 2) }
        }
        for (i, piece) in Self.wrap("Fix: " + f.fix, width: inner).enumerated() { line(piece, i == 0 ? .added : .normal) }
        for snippetLine in f.snippet.split(separator: "\n", omittingEmptySubsequences: false) {
            line(String(snippetLine), .modified, indent: 4)
        }
    }

    private func severityStyle(_ s: Finding.Severity) -> Style {
        switch s {
        case .high: .severityHigh
        case .medium: .severityMedium
        case .low: .severityLow
        }
    }
}
