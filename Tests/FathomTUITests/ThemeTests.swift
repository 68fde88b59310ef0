import FathomCore
import Foundation
import Testing
@testable import FathomTUI

/// Themes turned into what the terminal gets: colour numbers on 8-colour, 256-colour and direct-colour
/// terminals, attributes, the monochrome fallback, and user theme files.
@Suite struct ThemeTests {
    typealias E = Palette.Entry

    /// The default theme draws exactly what fathom drew before themes existed.
    @Test func defaultThemeIsTheOriginalLook() {
        let p = Palette(theme: .standard, colors: 8, monochrome: false)
        #expect(p[.title] == E(fg: 0, bg: 6))
        #expect(p[.titleFocused] == E(fg: 0, bg: 6, bold: true, reverse: true))
        #expect(p[.selected] == E(fg: -1, bg: -1, reverse: true))
        #expect(p[.selectedUnfocused] == E(fg: -1, bg: -1, underline: true))
        #expect(p[.added] == E(fg: 2, bg: -1) && p[.removed] == E(fg: 1, bg: -1) && p[.modified] == E(fg: 3, bg: -1))
        #expect(p[.statusBar] == E(fg: -1, bg: -1, reverse: true) && p[.statusKey] == E(fg: -1, bg: -1, bold: true, reverse: true))
        #expect(p[.warning] == E(fg: 3, bg: -1, bold: true))
        #expect(p[.compareBottom] == E(fg: 2, bg: -1, bold: true) && p[.compareTop] == E(fg: 5, bg: -1, bold: true))
        #expect(p[.severityHigh] == E(fg: 1, bg: -1) && p[.severityMedium] == E(fg: 3, bg: -1) && p[.normal] == E(fg: -1, bg: -1))
    }

    /// NO_COLOR: every theme draws with attributes only, alike.
    @Test func monochromeIgnoresTheTheme() {
        let mono = Theme.builtIns.map { Palette(theme: $0, colors: 256, monochrome: true) }
        #expect(mono.allSatisfy { $0 == mono[0] })
        #expect(mono[0][.selected] == E(fg: -1, bg: -1, reverse: true) && mono[0][.title] == E(fg: -1, bg: -1, underline: true))
        #expect(Style.allCases.allSatisfy { !mono[0][$0].colored })
    }

    @Test func coloursDegradeFromDirectTo256To8() {
        #expect(Palette(theme: .dracula, colors: 1 << 24, monochrome: false)[.added].fg == 0x50FA7B)
        #expect(Palette(theme: .dracula, colors: 256, monochrome: false)[.added].fg == 84)
        #expect(Palette(theme: .dracula, colors: 8, monochrome: false)[.added].fg == 2, "a green stays green (by hue, not RGB distance)")
        #expect(Palette(theme: .dracula, colors: 8, monochrome: false)[.removed].fg == 1)
        #expect(Palette(theme: .dracula, colors: 16, monochrome: false)[.normal].fg == 15, "a near-white foreground is bright white")
        #expect(Palette.nearest256(0x808080) == 244 && Palette.nearest256(0x000000) == 16 && Palette.nearest256(0xFFFFFF) == 231)
        #expect(Palette(theme: .highContrast, colors: 8, monochrome: false)[.added].fg == 2, "bright ANSI on an 8-colour terminal")
        #expect(Palette(theme: .highContrast, colors: 16, monochrome: false)[.added].fg == 10)
    }

    /// Each built-in theme on each kind of terminal: every style resolves, and no coloured text is drawn
    /// in its own background's colour.
    @Test(arguments: Theme.builtIns.map(\.name))
    func everyThemeIsReadable(_ name: String) throws {
        let theme = try #require(Theme.builtIn(name))
        for colors in [8, 16, 256, 1 << 24] {
            let p = Palette(theme: theme, colors: colors, monochrome: false)
            for style in Style.allCases {
                let e = p[style]
                #expect(e.fg == -1 || e.bg == -1 || e.fg != e.bg || e.reverse, "\(name) \(style) on \(colors) colours: \(e)")
            }
        }
    }

    /// The explorer's grid through a theme: the selected row and the focused title take the theme's looks.
    @Test func explorerGridThroughThemes() {
        let grid = ScreenModelTests().model().render()
        let selected = grid.cells.first { $0.style == .selected }!
        let title = grid.cells.first { $0.style == .titleFocused }!
        let dracula = Palette(theme: .dracula, colors: 1 << 24, monochrome: false)
        #expect(dracula[selected.style] == E(fg: 0x282A36, bg: 0x8BE9FD))
        #expect(dracula[title.style] == E(fg: 0x282A36, bg: 0xBD93F9, bold: true))
        let light = Palette(theme: .light, colors: 256, monochrome: false)
        #expect(light[.normal].bg == 231, "light: white paper everywhere")
        #expect(Palette(theme: .standard, colors: 256, monochrome: false)[selected.style].reverse)
    }

    @Test func userThemeFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("themes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("""
            base: dracula
            added: "#00ff00"
            removed: {fg: bright-red, bold: true}
            selection: {fg: black, bg: 33}
            """.utf8).write(to: dir.appendingPathComponent("themes/mine.yaml"))
        let mine = try Theme.named("mine", configDirectory: dir.path)
        #expect(mine.look(.added) == Theme.Look(fg: .rgb(0x00FF00), bg: .rgb(0x282A36)), "the base's background stays")
        #expect(mine.look(.removed) == Theme.Look(fg: .ansi(9), bg: .rgb(0x282A36), bold: true))
        #expect(mine.look(.selected) == Theme.Look(fg: .ansi(0), bg: .indexed(33)))
        #expect(mine.look(.modified) == Theme.dracula.look(.modified), "the rest comes from the base")
        func error(_ yaml: String) -> String {
            do { _ = try Theme.parse(yaml: yaml, file: "t.yaml", name: "t"); return "none" } catch { return "\(error)" }
        }
        #expect(error("adde: red").hasPrefix("t.yaml: unknown key 'adde' (known: base, text,"))
        #expect(error("added: \"#12345\"") .hasPrefix("t.yaml: added: '#12345' is not a colour"))
        #expect(error("base: solarized") .hasPrefix("t.yaml: base: 'solarized' is not a built-in theme"))
        #expect(error("added: {fg: red, blink: true}").hasPrefix("t.yaml: added: unknown field 'blink'"))
        #expect(throws: ThemeError.self) { try Theme.named("absent", configDirectory: dir.path) }
    }

    @Test func diveTabOrderFromTheConfig() throws {
        var bindings = KeyBindings()
        try bindings.apply(yaml: "tab-order: dive\n", file: "config.yaml")
        let m = ScreenModel(analysis: ScreenModelTests.wasteful, width: 120, height: 40, bindings: bindings)
        #expect(m.handle(.tab).focus == .tree && m.handle(.tab).handle(.tab).focus == .layers)
        #expect(ScreenModelTests().model().handle(.tab).focus == .waste, "fathom's order visits the inefficient files")
        #expect(throws: KeyBindingError.self) { try bindings.apply(yaml: "tab-order: vim\n", file: "config.yaml") }
    }

    /// `frames: true`: every pane in a box whose top edge holds its title; the rows keep their content
    /// inside, and a page is one row shorter.
    @Test func framesDrawBoxesAroundThePanes() throws {
        var bindings = KeyBindings()
        try bindings.apply(yaml: "frames: true\n", file: "config.yaml")
        let framed = ScreenModel(analysis: ScreenModelTests.wasteful, width: 120, height: 40, bindings: bindings)
        let lines = framed.render().lines
        #expect(lines[0].hasPrefix("┌─ ▶ Layers  (this layer's changes) ─") && lines[0].contains("┐┌─ Current Layer Contents  (layer 0)"))
        #expect(lines[38].hasPrefix("└") && lines[38].hasSuffix("┘"))
        #expect(lines[3].contains("│ + -rwxr-xr-x         0:0     2.0 MB      └── busybox"))
        #expect(framed.pageHeight(for: .tree) == ScreenModelTests().model().pageHeight(for: .tree) - 1)
        #expect(framed.render().cells[0].style == .border)
        #expect(!ScreenModelTests().model().render().lines[0].contains("┌"), "the compact look stays the default")
        #expect(throws: KeyBindingError.self) { try bindings.apply(yaml: "frames: maybe\n", file: "config.yaml") }
    }
}
