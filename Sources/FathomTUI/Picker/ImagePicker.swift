import FathomCore

/// The screen an archive with several images opens on, on a terminal: the images with their names,
/// platforms, layers and stored bytes; ↑↓ select, Enter opens one, q or Esc leaves.
public struct ImagePicker: TerminalScreen {
    public let archive: String
    public let choices: [ImageChoice]
    public private(set) var cursor = 0
    /// The image Enter chose; nil until then (and when the user left).
    public private(set) var chosen: ImageChoice?
    public private(set) var effect: Effect = .none
    var width: Int
    var height: Int
    private var scroll = 0

    public init(archive: String, choices: [ImageChoice], width: Int, height: Int) {
        self.archive = archive
        self.choices = choices
        self.width = width
        self.height = height
    }

    var listHeight: Int { max(1, height - 5) }

    public func handle(_ key: Key) -> ImagePicker {
        var p = self
        p.effect = .none
        switch key {
        case .up, .char("k"): p.cursor = max(0, cursor - 1)
        case .down, .char("j"): p.cursor = min(choices.count - 1, cursor + 1)
        case .pageUp: p.cursor = max(0, cursor - listHeight)
        case .pageDown: p.cursor = min(choices.count - 1, cursor + listHeight)
        case .home: p.cursor = 0
        case .end: p.cursor = choices.count - 1
        case .enter:
            p.chosen = choices.isEmpty ? nil : choices[cursor]
            p.effect = .quit
        case .char("q"), .escape, .ctrl("c"): p.effect = .quit
        case let .resize(w, h): p.width = w; p.height = h
        case let .click(_, y) where y >= 3 && y - 3 + scroll < choices.count: p.cursor = y - 3 + scroll
        default: break
        }
        if p.cursor < p.scroll { p.scroll = p.cursor }
        if p.cursor >= p.scroll + p.listHeight { p.scroll = p.cursor - p.listHeight + 1 }
        return p
    }

    public func render() -> Grid {
        var g = Grid(width: width, height: height)
        g.fill(x: 0, y: 0, count: width, style: .titleFocused)
        g.put(DisplayWidth.truncate("▶ \(archive) holds \(choices.count) images: choose one", to: width - 2), x: 1, y: 0, style: .titleFocused)
        let nameWidth = max(12, min(60, choices.map { DisplayWidth.of($0.name) }.max() ?? 12))
        let platforms = choices.contains { $0.platform != nil }
        func row(_ name: String, _ platform: String, _ layers: String, _ size: String) -> String {
            TextReportPad.right(DisplayWidth.truncate(name, to: nameWidth), nameWidth) + "  "
                + (platforms ? TextReportPad.right(platform, 14) : "") + TextReportPad.left(layers, 7) + TextReportPad.left(size, 11)
        }
        g.put(DisplayWidth.truncate(row("Image", "Platform", "Layers", "Stored"), to: width - 3), x: 2, y: 2, style: .bold)
        for i in 0..<listHeight {
            let index = scroll + i
            guard index < choices.count else { break }
            let c = choices[index]
            let style: Style = index == cursor ? .selected : .normal
            if index == cursor { g.fill(x: 0, y: 3 + i, count: width, style: style) }
            let text = row(c.name, c.platform ?? "", String(c.layers), c.storedBytes.map { ByteFormat.si($0) } ?? "")
            g.put(DisplayWidth.truncate(text, to: width - 3), x: 2, y: 3 + i, style: style)
        }
        g.fill(x: 0, y: height - 1, count: width, style: .statusBar)
        g.put(DisplayWidth.truncate(" ↑↓ Select  Enter Open  q Quit   (fathom --image NAME opens one directly)", to: width - 1),
              x: 0, y: height - 1, style: .statusBar)
        return g
    }
}
