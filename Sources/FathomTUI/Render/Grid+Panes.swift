/// Drawing shared by the explorer and the loading explorer.
extension Grid {
    /// A pane's title bar across `r`'s top row: `▶ ` when focused, then `text` and `extra`.
    mutating func paneTitle(_ r: Rect, _ text: String, focused: Bool, extra: String = "") {
        let style: Style = focused ? .titleFocused : .title
        fill(x: r.x, y: r.y, count: r.width, style: style)
        let label = (focused ? "▶ " : "  ") + text + (extra.isEmpty ? "" : "  " + extra)
        put(DisplayWidth.truncate(label, to: r.width - 1), x: r.x + 1, y: r.y, style: style, maxWidth: r.width - 1)
    }

    /// `lines` centred on the grid, each line centred on its own.
    mutating func putCentred(_ lines: [String], style: Style = .normal, boldFirst: Bool = false) {
        for (i, line) in lines.enumerated() {
            put(DisplayWidth.truncate(line, to: width), x: max(0, (width - DisplayWidth.of(line)) / 2),
                y: height / 2 - lines.count / 2 + i, style: boldFirst && i == 0 ? .bold : style)
        }
    }
}

extension KeyBindings {
    /// The first key bound to `action`, as the status bar names it.
    func label(_ action: Action) -> String { keys[action]?.first?.label ?? "?" }
}
