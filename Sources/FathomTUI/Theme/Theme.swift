import FathomCore
import Foundation

/// How each `Style` looks: a foreground, a background and attributes. Built-in themes, or a user's
/// YAML file (`themes/NAME.yaml` in fathom's config directory) that starts from one.
public struct Theme: Sendable, Equatable {
    /// A colour as a theme names it.
    public enum Color: Sendable, Equatable {
        /// The terminal's own foreground or background.
        case terminalDefault
        /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
        case ansi(Int)
        /// One of the 256-colour palette's 16–255.
        case indexed(Int)
        /// `#rrggbb`.
        case rgb(UInt32)
    }

    /// One style's look.
    public struct Look: Sendable, Equatable {
        public var fg: Color = .terminalDefault
        public var bg: Color = .terminalDefault
        public var bold = false
        public var reverse = false
        public var underline = false
        public var dim = false
    }

    public let name: String
    public private(set) var looks: [Style: Look]

    /// The look of a style (the normal text's when the theme does not set it).
    public func look(_ style: Style) -> Look { looks[style] ?? looks[.normal] ?? Look() }

    /// The keys a theme file sets, and the style each names.
    public static let keys: [(key: String, style: Style)] = [
        ("text", .normal), ("dim", .dim), ("headers", .bold), ("borders", .title), ("borders-focused", .titleFocused),
        ("selection", .selected), ("selection-unfocused", .selectedUnfocused), ("added", .added), ("removed", .removed),
        ("modified", .modified), ("status-bar", .statusBar), ("status-key", .statusKey), ("warning", .warning),
        ("compare-bottom", .compareBottom), ("compare-top", .compareTop), ("severity-high", .severityHigh),
        ("severity-medium", .severityMedium), ("severity-low", .severityLow), ("frames", .border),
    ]

    init(name: String, looks: [Style: Look]) {
        self.name = name
        self.looks = looks
    }

    // MARK: built-in themes

    /// fathom's look since its first explorer: the terminal's colours, ANSI accents.
    public static let standard = Theme(name: "default", looks: [
        .normal: Look(), .dim: Look(dim: true), .bold: Look(bold: true),
        .title: Look(fg: .ansi(0), bg: .ansi(6)), .titleFocused: Look(fg: .ansi(0), bg: .ansi(6), bold: true, reverse: true),
        .selected: Look(reverse: true), .selectedUnfocused: Look(underline: true),
        .added: Look(fg: .ansi(2)), .removed: Look(fg: .ansi(1)), .modified: Look(fg: .ansi(3)),
        .statusBar: Look(reverse: true), .statusKey: Look(bold: true, reverse: true), .warning: Look(fg: .ansi(3), bold: true),
        .compareBottom: Look(fg: .ansi(2), bold: true), .compareTop: Look(fg: .ansi(5), bold: true),
        .severityHigh: Look(fg: .ansi(1)), .severityMedium: Look(fg: .ansi(3)), .severityLow: Look(),
        .border: Look(fg: .ansi(6)),
    ])

    /// For light backgrounds: dark accents, a pale selection.
    public static let light: Theme = {
        let paper = Color.rgb(0xFFFFFF)
        return Theme(name: "light", looks: [
            .normal: Look(fg: .rgb(0x1F2328), bg: paper), .dim: Look(fg: .rgb(0x6E7781), bg: paper),
            .bold: Look(fg: .rgb(0x1F2328), bg: paper, bold: true),
            .title: Look(fg: .rgb(0x1F2328), bg: .rgb(0xD0D7DE)), .titleFocused: Look(fg: .rgb(0xFFFFFF), bg: .rgb(0x0969DA), bold: true),
            .selected: Look(fg: .rgb(0x1F2328), bg: .rgb(0xB6E3FF)), .selectedUnfocused: Look(fg: .rgb(0x1F2328), bg: .rgb(0xEAEEF2)),
            .added: Look(fg: .rgb(0x1A7F37), bg: paper), .removed: Look(fg: .rgb(0xCF222E), bg: paper), .modified: Look(fg: .rgb(0x9A6700), bg: paper),
            .statusBar: Look(fg: .rgb(0x1F2328), bg: .rgb(0xD0D7DE)), .statusKey: Look(fg: .rgb(0x0969DA), bg: .rgb(0xD0D7DE), bold: true),
            .warning: Look(fg: .rgb(0x9A6700), bg: paper, bold: true),
            .compareBottom: Look(fg: .rgb(0x1A7F37), bg: paper, bold: true), .compareTop: Look(fg: .rgb(0x8250DF), bg: paper, bold: true),
            .severityHigh: Look(fg: .rgb(0xCF222E), bg: paper, bold: true), .severityMedium: Look(fg: .rgb(0x9A6700), bg: paper),
            .severityLow: Look(fg: .rgb(0x6E7781), bg: paper), .border: Look(fg: .rgb(0x8C959F), bg: paper),
        ])
    }()

    /// Maximum contrast: white on black, pure accents, bold where it matters.
    public static let highContrast = Theme(name: "high-contrast", looks: [
        .normal: Look(fg: .ansi(15), bg: .ansi(0)), .dim: Look(fg: .ansi(7), bg: .ansi(0)), .bold: Look(fg: .ansi(15), bg: .ansi(0), bold: true),
        .title: Look(fg: .ansi(0), bg: .ansi(15), bold: true), .titleFocused: Look(fg: .ansi(0), bg: .ansi(11), bold: true),
        .selected: Look(fg: .ansi(0), bg: .ansi(14), bold: true), .selectedUnfocused: Look(fg: .ansi(15), bg: .ansi(0), bold: true, underline: true),
        .added: Look(fg: .ansi(10), bg: .ansi(0), bold: true), .removed: Look(fg: .ansi(9), bg: .ansi(0), bold: true),
        .modified: Look(fg: .ansi(11), bg: .ansi(0), bold: true),
        .statusBar: Look(fg: .ansi(0), bg: .ansi(15)), .statusKey: Look(fg: .ansi(0), bg: .ansi(15), bold: true, underline: true),
        .warning: Look(fg: .ansi(11), bg: .ansi(0), bold: true),
        .compareBottom: Look(fg: .ansi(10), bg: .ansi(0), bold: true), .compareTop: Look(fg: .ansi(13), bg: .ansi(0), bold: true),
        .severityHigh: Look(fg: .ansi(9), bg: .ansi(0), bold: true), .severityMedium: Look(fg: .ansi(11), bg: .ansi(0), bold: true),
        .severityLow: Look(fg: .ansi(15), bg: .ansi(0)), .border: Look(fg: .ansi(15), bg: .ansi(0)),
    ])

    /// Dracula (draculatheme.com): its background, foreground and accents.
    public static let dracula = Theme(name: "dracula", looks: palette(
        background: 0x282A36, foreground: 0xF8F8F2, comment: 0x6272A4, line: 0x44475A,
        green: 0x50FA7B, red: 0xFF5555, yellow: 0xF1FA8C, purple: 0xBD93F9, cyan: 0x8BE9FD, orange: 0xFFB86C))

    /// Gruvbox dark (morhetz/gruvbox), medium contrast.
    public static let gruvbox = Theme(name: "gruvbox", looks: palette(
        background: 0x282828, foreground: 0xEBDBB2, comment: 0x928374, line: 0x504945,
        green: 0xB8BB26, red: 0xFB4934, yellow: 0xFABD2F, purple: 0xD3869B, cyan: 0x83A598, orange: 0xFE8019))

    /// Nord (nordtheme.com).
    public static let nord = Theme(name: "nord", looks: palette(
        background: 0x2E3440, foreground: 0xD8DEE9, comment: 0x616E88, line: 0x434C5E,
        green: 0xA3BE8C, red: 0xBF616A, yellow: 0xEBCB8B, purple: 0xB48EAD, cyan: 0x88C0D0, orange: 0xD08770))

    /// A dark palette's looks, built the same way for each.
    static func palette(background: UInt32, foreground: UInt32, comment: UInt32, line: UInt32, green: UInt32, red: UInt32,
                        yellow: UInt32, purple: UInt32, cyan: UInt32, orange: UInt32) -> [Style: Look] {
        let bg = Color.rgb(background)
        return [
            .normal: Look(fg: .rgb(foreground), bg: bg), .dim: Look(fg: .rgb(comment), bg: bg), .bold: Look(fg: .rgb(foreground), bg: bg, bold: true),
            .title: Look(fg: .rgb(foreground), bg: .rgb(line)), .titleFocused: Look(fg: .rgb(background), bg: .rgb(purple), bold: true),
            .selected: Look(fg: .rgb(background), bg: .rgb(cyan)), .selectedUnfocused: Look(fg: .rgb(foreground), bg: .rgb(line)),
            .added: Look(fg: .rgb(green), bg: bg), .removed: Look(fg: .rgb(red), bg: bg), .modified: Look(fg: .rgb(yellow), bg: bg),
            .statusBar: Look(fg: .rgb(foreground), bg: .rgb(line)), .statusKey: Look(fg: .rgb(purple), bg: .rgb(line), bold: true),
            .warning: Look(fg: .rgb(orange), bg: bg, bold: true),
            .compareBottom: Look(fg: .rgb(green), bg: bg, bold: true), .compareTop: Look(fg: .rgb(purple), bg: bg, bold: true),
            .severityHigh: Look(fg: .rgb(red), bg: bg, bold: true), .severityMedium: Look(fg: .rgb(orange), bg: bg),
            .severityLow: Look(fg: .rgb(comment), bg: bg), .border: Look(fg: .rgb(comment), bg: bg),
        ]
    }

    /// Every built-in theme, `default` first.
    public static let builtIns: [Theme] = [standard, light, highContrast, dracula, gruvbox, nord]

    public static func builtIn(_ name: String) -> Theme? { builtIns.first { $0.name == name } }
}

/// A theme configuration problem: `FILE: what is wrong`, or an unknown theme's name.
public struct ThemeError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Theme {
    /// The theme `name` names: a built-in, else `DIRECTORY/themes/NAME.yaml`, else (a path with `/` or
    /// ending in `.yaml`) that file.
    /// - Throws: `ThemeError` for an unknown name or a bad file.
    public static func named(_ name: String, configDirectory: String?) throws -> Theme {
        if let theme = builtIn(name) { return theme }
        var path: String?
        if name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            path = name
        } else if let dir = configDirectory {
            for ext in ["yaml", "yml"] where FileManager.default.fileExists(atPath: "\(dir)/themes/\(name).\(ext)") {
                path = "\(dir)/themes/\(name).\(ext)"
                break
            }
        }
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ThemeError(message: "--theme: no theme '\(oneLineName(name))' (built in: \(builtIns.map(\.name).joined(separator: ", "))"
                + (configDirectory.map { "; or a file \($0)/themes/\(oneLineName(name)).yaml" } ?? "") + ")")
        }
        return try parse(yaml: text, file: path, name: (name as NSString).lastPathComponent)
    }

    static func oneLineName(_ s: String) -> String { TerminalText.escape(s.count > 60 ? String(s.prefix(60)) + "…" : s) }

    /// A theme file: `base:` (a built-in, `default` when absent), then keys of `Theme.keys`, each a colour
    /// (the foreground) or a mapping of `fg`, `bg`, `bold`, `reverse`, `underline`, `dim`; what a key does
    /// not set stays as the base has it.
    /// - Throws: `ThemeError` naming the file and the key.
    public static func parse(yaml: String, file: String, name: String) throws -> Theme {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(yaml) } catch { throw ThemeError(message: "\(file): invalid YAML: \(error)") }
        guard let pairs = root?.mapping else {
            if root == nil || root!.isNull { return Theme(name: name, looks: standard.looks) }
            throw ThemeError(message: "\(file): a theme file is a mapping of keys (\(keys.map(\.key).joined(separator: ", ")))")
        }
        var theme = Theme(name: name, looks: standard.looks)
        if let base = root?["base"] {
            guard let baseName = base.string, let found = builtIn(baseName) else {
                throw ThemeError(message: "\(file): base: '\(oneLineName(base.label))' is not a built-in theme (\(builtIns.map(\.name).joined(separator: ", ")))")
            }
            theme.looks = found.looks
        }
        for pair in pairs {
            let key = pair.key.label
            if key == "base" { continue }
            guard let style = keys.first(where: { $0.key == key })?.style else {
                throw ThemeError(message: "\(file): unknown key \(CIConfigError.quoted(key)) (known: base, \(keys.map(\.key).joined(separator: ", ")))")
            }
            // a key starts from the base's look for that style: `added: "#a3be8c"` keeps the base's background
            var look = theme.looks[style] ?? Look()
            if let text = pair.value.string {
                look.fg = try color(text, file: file, key: key)
            } else if let fields = pair.value.mapping {
                for f in fields {
                    let field = f.key.label
                    switch field {
                    case "fg", "bg":
                        guard let text = f.value.string else { throw ThemeError(message: "\(file): \(key).\(field): a colour, not \(f.value.label)") }
                        if field == "fg" { look.fg = try color(text, file: file, key: "\(key).fg") } else { look.bg = try color(text, file: file, key: "\(key).bg") }
                    case "bold", "reverse", "underline", "dim":
                        guard let text = f.value.string?.lowercased(), ["true", "false", "yes", "no"].contains(text) else {
                            throw ThemeError(message: "\(file): \(key).\(field): true or false")
                        }
                        let on = text == "true" || text == "yes"
                        switch field {
                        case "bold": look.bold = on
                        case "reverse": look.reverse = on
                        case "underline": look.underline = on
                        default: look.dim = on
                        }
                    default:
                        throw ThemeError(message: "\(file): \(key): unknown field \(CIConfigError.quoted(field)) (fg, bg, bold, reverse, underline, dim)")
                    }
                }
            } else {
                throw ThemeError(message: "\(file): \(key): a colour or a mapping of fg, bg, bold, reverse, underline, dim")
            }
            theme.looks[style] = look
        }
        return theme
    }

    static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// `#rrggbb`, `default`, an ANSI name (`red`, `bright-red`), or a 256-colour index (0–255).
    static func color(_ text: String, file: String, key: String) throws -> Color {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "default" || t == "none" { return .terminalDefault }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) { return .rgb(v) }
        if let i = ansiNames.firstIndex(of: t) { return .ansi(i) }
        if t.hasPrefix("bright-"), let i = ansiNames.firstIndex(of: String(t.dropFirst(7))) { return .ansi(i + 8) }
        if let n = Int(t), (0...255).contains(n) { return n < 16 ? .ansi(n) : .indexed(n) }
        throw ThemeError(message: "\(file): \(key): '\(oneLineName(text))' is not a colour (#rrggbb, default, black…white, bright-red…, or 0-255)")
    }
}
