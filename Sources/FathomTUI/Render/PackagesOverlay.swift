import FathomCore

// The packages overlay: the selected layer's package changes, the final image's packages by bytes,
// the bytes no package owns; the whole screen, as the advice overlay.
extension ScreenModel {
    func renderPackages(_ g: inout Grid) {
        let y0 = 1, w = width, h = max(4, height - 2)
        for y in y0..<min(height, y0 + h) { g.fill(x: 0, y: y, count: w, style: .normal) }
        let keys = " Esc closes "
        let keysWidth = DisplayWidth.of(keys)
        g.fill(x: 0, y: y0, count: w, style: .titleFocused)
        g.put(DisplayWidth.truncate(" Packages of layer \(selectedLayer) and of the final image ", to: max(0, w - keysWidth)),
              x: 0, y: y0, style: .titleFocused, maxWidth: max(0, w - keysWidth))
        g.put(keys, x: max(0, w - keysWidth), y: y0, style: .titleFocused)
        let rows = packageRows, inner = w - 2, listHeight = min(packagesListHeight, h - 1)
        let cursor = min(packagesCursor, max(0, rows.count - 1))
        let first = cursor < listHeight ? 0 : cursor - listHeight + 1
        // one column for the right-hand fields of every row shown
        let shown = rows[first..<min(rows.count, first + listHeight)]
        let rightWidth = min(inner / 2, shown.map { DisplayWidth.of($0.right) + 2 }.max() ?? 0)
        for line in 0..<listHeight {
            let i = first + line
            guard i < rows.count else { break }
            let r = rows[i], y = y0 + 1 + line, selected = i == cursor
            let kindStyle: Style = switch r.kind {
            case .heading: .bold
            case .note: .warning
            case .unowned: .dim
            case .change: r.left.hasPrefix("−") ? .removed : r.left.hasPrefix("↑") ? .modified : .added
            case .package: .normal
            }
            let style = selected ? Style.selected : kindStyle
            if selected { g.fill(x: 0, y: y, count: w, style: .selected) }
            let indent = r.kind == .heading || r.kind == .note ? "" : "  "
            let right = r.right.isEmpty ? "" : "  " + r.right
            let left = DisplayWidth.truncate(indent + r.left, to: max(0, inner - rightWidth))
            g.put(left, x: 1, y: y, style: style, maxWidth: max(0, inner - rightWidth))
            g.put(DisplayWidth.truncate(right, to: rightWidth), x: 1 + inner - rightWidth, y: y, style: style, maxWidth: rightWidth)
        }
    }
}
