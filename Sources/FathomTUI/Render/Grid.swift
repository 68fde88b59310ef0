import FathomCore

/// What a cell looks like; the curses backend maps each to colours and attributes.
public enum Style: UInt8, Sendable, CaseIterable {
    case normal, dim, bold, title, titleFocused, selected, selectedUnfocused
    case added, removed, modified, statusBar, statusKey, warning, compareBottom, compareTop
    case severityHigh, severityMedium, severityLow
    /// Pane frames (`frames: true` in the config file).
    case border
}

/// A screen as a value: `width × height` cells, row-major (`y * width + x`).
/// A wide character takes two cells; the second is a continuation (`text` empty).
public struct Grid: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var text: String
        public var style: Style
        public static let blank = Cell(text: " ", style: .normal)
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: ContiguousArray<Cell>
    /// Panes are drawn in box frames: a pane's title sits in its top edge (`Grid+Panes`).
    public var framed = false

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = ContiguousArray(repeating: .blank, count: self.width * self.height)
    }

    /// Writes `text` at (x, y) clipped to `maxWidth` columns (and the grid); returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? width, width - max(x, 0))
        var col = 0
        // control characters (a command's, an image name's) are shown as escapes, never sent to the terminal
        for ch in TerminalText.escape(text) {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if col + w > limit { break }
            let cx = x + col
            if cx >= 0 {
                cells[y * width + cx] = Cell(text: String(ch), style: style)
                if w == 2 && cx + 1 < width { cells[y * width + cx + 1] = Cell(text: "", style: style) }
            }
            col += w
        }
        return col
    }

    /// Fills `count` cells of row `y` from `x` with spaces of `style`.
    public mutating func fill(x: Int, y: Int, count: Int, style: Style) {
        guard y >= 0, y < height else { return }
        for cx in max(0, x)..<min(width, x + count) { cells[y * width + cx] = Cell(text: " ", style: style) }
    }

    /// The text of each row (continuations dropped), trailing spaces kept.
    public var lines: [String] {
        (0..<height).map { y in (0..<width).map { cells[y * width + $0].text }.joined() }
    }

    /// All rows joined with newlines, trailing spaces removed (for tests and goldens).
    public var text: String {
        lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// The style of the cell at (x, y).
    public func style(x: Int, y: Int) -> Style { cells[y * width + x].style }
}

/// Display width of characters in a terminal (East Asian wide and emoji = 2, combining = 0),
/// computed here rather than with the C library so that it does not depend on the locale.
public enum DisplayWidth {
    public static func of(_ ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        let v = first.value
        // control characters and bidirectional overrides are never drawn (they would reach the terminal as they are)
        if v < 0x20 || (0x7F..<0xA0).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark { return 0 }
        if ch.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { return 2 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// `s` cut to at most `width` columns, with `…` when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        if of(s) <= width { return s }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = "", used = 0
        for ch in s {
            let w = of(ch)
            if used + w > width - 1 { break }
            out.append(ch); used += w
        }
        return out + "…"
    }

    /// `s` cut at the left to at most `width` columns, with `…` first when cut (a path's end matters most).
    public static func truncateLeft(_ s: String, to width: Int) -> String {
        if of(s) <= width { return s }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = [Character](), used = 0
        for ch in s.reversed() {
            let w = of(ch)
            if used + w > width - 1 { break }
            out.append(ch); used += w
        }
        return "…" + String(out.reversed())
    }
}

/// Names as bytes shown safely: valid UTF-8 as text, control characters and invalid bytes as
/// escapes (`TerminalText.escape(bytes:)`).
public enum DisplayName {
    public static func of<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { TerminalText.escape(bytes: bytes) }
}

extension String {
    func leftPad(_ n: Int, with c: Character = "0") -> String { String(repeating: c, count: max(0, n - count)) + self }
}
