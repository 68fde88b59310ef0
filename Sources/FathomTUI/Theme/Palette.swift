/// A theme made concrete for one terminal: each style's colour pair (foreground and background as
/// colour numbers the terminal has: 8, 16, 256, or direct 24-bit RGB) and attributes. Pure, so that
/// tests check what each theme draws on each kind of terminal; `CursesTerminal` only hands it to ncurses.
public struct Palette: Sendable, Equatable {
    /// What one style becomes.
    public struct Entry: Sendable, Equatable {
        /// Colour numbers; -1 is the terminal's default.
        public var fg: Int
        public var bg: Int
        public var bold = false, reverse = false, underline = false, dim = false
        /// True when the style sets a colour (it needs a colour pair).
        public var colored: Bool { fg != -1 || bg != -1 }
    }

    public let entries: [Style: Entry]

    /// - Parameters:
    ///   - colors: The terminal's colour count (ncurses' `COLORS`): 8, 16, 256, or 16,777,216 for direct colour.
    ///   - monochrome: No colours at all (`NO_COLOR`, or a terminal without them): every theme draws with
    ///     attributes only, as fathom's default does then.
    public init(theme: Theme, colors: Int, monochrome: Bool) {
        var out: [Style: Entry] = [:]
        for style in Style.allCases {
            if monochrome {
                out[style] = Self.mono(style)
                continue
            }
            let look = theme.look(style)
            var fg = Self.number(look.fg, colors: colors)
            let bg = Self.number(look.bg, colors: colors)
            // two shades that a small palette merges into one colour: text on its own background
            if fg == bg && fg != -1 { fg = [0, 1, 4, 5, 8].contains(bg) ? (colors >= 16 ? 15 : 7) : 0 }
            out[style] = Entry(fg: fg, bg: bg, bold: look.bold, reverse: look.reverse, underline: look.underline, dim: look.dim)
        }
        entries = out
    }

    public subscript(style: Style) -> Entry { entries[style]! }

    /// fathom's look without colours (every theme alike).
    static func mono(_ style: Style) -> Entry {
        var e = Entry(fg: -1, bg: -1)
        switch style {
        case .normal, .added, .removed, .modified, .severityLow, .border: break
        case .dim: e.dim = true
        case .bold, .warning, .compareBottom, .compareTop, .severityHigh, .severityMedium: e.bold = true
        case .title, .selectedUnfocused: e.underline = true
        case .titleFocused, .statusKey: e.reverse = true; e.bold = true
        case .selected, .statusBar: e.reverse = true
        }
        return e
    }

    /// A theme colour as a colour number of a terminal with `colors` colours.
    static func number(_ c: Theme.Color, colors: Int) -> Int {
        switch c {
        case .terminalDefault: return -1
        case .ansi(let n): return n < colors ? n : n % 8
        case .indexed(let n):
            if n < colors { return n }
            return nearestANSI(rgb(ofIndex: n), colors: colors)
        case .rgb(let v):
            if colors >= 1 << 24 { return Int(v) }
            if colors >= 256 { return nearest256(v) }
            return nearestANSI(v, colors: colors)
        }
    }

    /// The xterm 256-colour palette's nearest entry (its 6×6×6 cube or its 24 greys).
    static func nearest256(_ v: UInt32) -> Int {
        let r = Int(v >> 16 & 0xFF), g = Int(v >> 8 & 0xFF), b = Int(v & 0xFF)
        let levels = [0, 95, 135, 175, 215, 255]
        func step(_ x: Int) -> Int { levels.indices.min { abs(levels[$0] - x) < abs(levels[$1] - x) }! }
        let (ri, gi, bi) = (step(r), step(g), step(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeDistance = sq(levels[ri] - r) + sq(levels[gi] - g) + sq(levels[bi] - b)
        let grey = max(0, min(23, ((r + g + b) / 3 - 8 + 5) / 10))
        let level = 8 + 10 * grey
        let greyDistance = sq(level - r) + sq(level - g) + sq(level - b)
        return greyDistance < cubeDistance ? 232 + grey : cube
    }

    static func sq(_ x: Int) -> Int { x * x }

    /// The RGB value of a 256-palette index 16–255.
    static func rgb(ofIndex n: Int) -> UInt32 {
        if n >= 232 { let l = UInt32(8 + 10 * (n - 232)); return l << 16 | l << 8 | l }
        let levels: [UInt32] = [0, 95, 135, 175, 215, 255]
        let i = n - 16
        return levels[i / 36] << 16 | levels[i / 6 % 6] << 8 | levels[i % 6]
    }

    /// The ANSI colour of the same hue (saturated colours) or lightness (greys): nearest by RGB
    /// distance would turn most greens cyan.
    static func nearestANSI(_ v: UInt32, colors: Int) -> Int {
        let r = Double(v >> 16 & 0xFF) / 255, g = Double(v >> 8 & 0xFF) / 255, b = Double(v & 0xFF) / 255
        let high = max(r, g, b), low = min(r, g, b)
        let bright = colors >= 16 && high > 0.8
        if high < 0.3 { return 0 }   // a dark background, whatever its tint
        if (high - low) / high < 0.25 {   // a grey (or a muted accent): by lightness
            if high < 0.7 && colors >= 16 { return 8 }
            return bright ? 15 : 7
        }
        var hue: Double
        if high == r { hue = 60 * ((g - b) / (high - low)) } else if high == g { hue = 60 * ((b - r) / (high - low)) + 120 } else { hue = 60 * ((r - g) / (high - low)) + 240 }
        if hue < 0 { hue += 360 }
        // ANSI order: 1 red 0°, 3 yellow 60°, 2 green 120°, 6 cyan 180°, 4 blue 240°, 5 magenta 300°
        let byHue = [1, 3, 2, 6, 4, 5]
        let n = byHue[Int((hue + 30).truncatingRemainder(dividingBy: 360) / 60)]
        return bright ? n + 8 : n
    }
}
