/// Drawing shared by the explorer and the loading explorer.
extension Grid {
    /// A pane's title bar across `r`'s top row: `▶ ` when focused, then `text` and `extra`.
    mutating func paneTitle(_ r: Rect, _ text: String, focused: Bool, extra: String = "") {
        let style: Style = focused ? .titleFocused : .title
        if framed {
            // the title in the frame's top edge: ─ ▶ Layers  (…) ────
            put(String(repeating: "─", count: max(0, r.width)), x: r.x, y: r.y, style: .border)
            let label = " " + (focused ? "▶ " : "") + text + (extra.isEmpty ? "" : "  " + extra) + " "
            put(DisplayWidth.truncate(label, to: max(0, r.width - 2)), x: r.x + 1, y: r.y, style: style, maxWidth: r.width - 2)
            return
        }
        fill(x: r.x, y: r.y, count: r.width, style: style)
        let label = (focused ? "▶ " : "  ") + text + (extra.isEmpty ? "" : "  " + extra)
        put(DisplayWidth.truncate(label, to: r.width - 1), x: r.x + 1, y: r.y, style: style, maxWidth: r.width - 1)
    }

    /// An overlay's box: `w × h` cells from (x, y) cleared, with a frame around them and `title` in its
    /// top edge; what was drawn below does not show through.
    mutating func overlayBox(x: Int, y: Int, w: Int, h: Int, title: String, style: Style) {
        guard w >= 2, h >= 2 else { return }
        for row in y..<(y + h) { fill(x: x, y: row, count: w, style: style) }
        put("┌" + String(repeating: "─", count: w - 2) + "┐", x: x, y: y, style: style)
        for row in (y + 1)..<(y + h - 1) {
            put("│", x: x, y: row, style: style)
            put("│", x: x + w - 1, y: row, style: style)
        }
        put("└" + String(repeating: "─", count: w - 2) + "┘", x: x, y: y + h - 1, style: style)
        put(DisplayWidth.truncate(" " + title + " ", to: max(0, w - 4)), x: x + 2, y: y, style: style)
    }

    /// `lines` centred on the grid, each line centred on its own.
    mutating func putCentred(_ lines: [String], style: Style = .normal, boldFirst: Bool = false) {
        for (i, line) in lines.enumerated() {
            put(DisplayWidth.truncate(line, to: width), x: max(0, (width - DisplayWidth.of(line)) / 2),
                y: height / 2 - lines.count / 2 + i, style: boldFirst && i == 0 ? .bold : style)
        }
    }
    /// A pane's box around `r`: corners, sides and bottom edge (the top edge is the pane's title row).
    mutating func frame(_ r: Rect) {
        guard r.width >= 2, r.height >= 2 else { return }
        put("┌", x: r.x, y: r.y, style: .border)
        put("┐", x: r.x + r.width - 1, y: r.y, style: .border)
        for y in (r.y + 1)..<(r.y + r.height - 1) {
            put("│", x: r.x, y: y, style: .border)
            put("│", x: r.x + r.width - 1, y: y, style: .border)
        }
        put("└" + String(repeating: "─", count: r.width - 2) + "┘", x: r.x, y: r.y + r.height - 1, style: .border)
    }

    /// The part of `r` inside its frame (the title row stays the top row).
    static func inside(_ r: Rect) -> Rect {
        Rect(x: r.x + 1, y: r.y, width: max(0, r.width - 2), height: max(0, r.height - 1))
    }
}

extension KeyBindings {
    /// The first key bound to `action`, as the status bar names it.
    func label(_ action: Action) -> String { keys[action]?.first?.label ?? "?" }

}
