import FathomCore
import Foundation
import Testing
@testable import FathomTUI

/// The explorer driven through its screen model, without a terminal.
@Suite struct ScreenModelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures: URL = {
        if let env = ProcessInfo.processInfo.environment["FATHOM_FIXTURES"] { return URL(fileURLWithPath: env) }
        return root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }()
    static let wasteful: Analysis = try! Analysis(image: ImageLoader.load(path: root.appendingPathComponent("SampleImages/wasteful.docker.tar").path))
    /// Per layer of the wasteful sample's truth file: the path lists by diff status.
    static let wastefulTruth: [[String: [String]]] = {
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: root
            .appendingPathComponent("SampleImages/wasteful.docker.truth.json"))) as! [String: Any]
        return (json["layers"] as! [[String: Any]]).map { layer in
            var out: [String: [String]] = [:]
            for k in ["added", "modified", "metadataOnly", "unchanged", "removed"] { out[k] = layer[k] as? [String] ?? [] }
            return out
        }
    }()

    func model(_ a: Analysis = wasteful, width: Int = 120, height: Int = 40) -> ScreenModel {
        ScreenModel(analysis: a, width: width, height: height)
    }

    func press(_ m: ScreenModel, _ keys: [Key]) -> ScreenModel { keys.reduce(m) { $0.handle($1) } }

    func typed(_ s: String) -> [Key] { s.map { Key.char($0) } }

    /// The path of each visible tree row (no leading `/`).
    func rowPaths(_ m: ScreenModel) -> [String] { m.rows.map { m.analysis.replay.paths.path($0.node) } }

    func status(_ m: ScreenModel, _ path: String) -> DiffStatus? {
        guard let node = m.analysis.replay.paths.existingNode(forPath: Array(path.utf8)), m.snapshot.included[Int(node)] else { return nil }
        return m.snapshot.status[Int(node)]
    }

    func truthLayer(_ i: Int) -> [String: [String]] { Self.wastefulTruth[i] }

    @Test func firstFrameShowsEveryPane() {
        let text = model().render().text
        for title in ["Layers", "Layer details", "Image details", "Current Layer Contents", "Count  Total Space  Path",
                      "/app/bin/server", "^C Quit", "Tab Switch"] {
            #expect(text.contains(title), "missing \(title)")
        }
    }

    @Test(arguments: Array(0..<13))
    func eachLayersChangesCarryTheTruthStatuses(_ layer: Int) {
        var m = model()
        m = press(m, Array(repeating: .down, count: layer))
        #expect(m.selectedLayer == layer)
        let truth = truthLayer(layer)
        for p in truth["added"]! { #expect(status(m, p) == .added, "layer \(layer) \(p) added") }
        for p in truth["modified"]! + truth["metadataOnly"]! { #expect(status(m, p) == .modified, "layer \(layer) \(p) modified") }
        for p in truth["removed"]! { #expect(status(m, p) == .removed, "layer \(layer) \(p) removed") }
        // the marker column says it without colour: the selected row is an added path
        if let p = truth["added"]!.last, let node = m.analysis.replay.paths.existingNode(forPath: Array(p.utf8)),
           let i = m.rows.firstIndex(where: { $0.node == node }) {
            var onIt = m.handle(.tab).handle(.tab)
            onIt = onIt.handle(.home)
            onIt = press(onIt, Array(repeating: .down, count: i))
            let line = onIt.render().lines.first { $0.contains("▶ Current Layer Contents") }
            #expect(line != nil)
            let row = onIt.render().lines[onIt.layout.tree.y + 2 + (onIt.treeCursor - onIt.treeScroll)]
            let cell = row.dropFirst(onIt.layout.tree.x + 1).first
            #expect(cell == "+", "layer \(layer): the row of \(p) starts with + (got \(row))")
        }
    }

    @Test func hidingUnmodifiedLeavesOnlyTheLayersChanges() {
        var m = press(model(), Array(repeating: .down, count: 8) + [.tab, .tab, .ctrl("u")])
        #expect(m.focus == .tree)
        #expect(m.hiddenStatuses == [.unmodified])
        #expect(rowPaths(m) == ["app", "app/bin", "app/bin/server"])  // chmod 0755 /app/bin/server, dirs merged as modified
        m = m.handle(.ctrl("u"))
        #expect(rowPaths(m).count > 100)
    }

    @Test func pathFilterNarrowsTheTreeLiveAndEscClears() {
        var m = press(model(), [.char("/")] + typed("plugin"))
        #expect(m.input == .pathFilter)
        #expect(rowPaths(m).isEmpty, "layer 0 has no plugins")
        m = press(model(), Array(repeating: .down, count: 4) + [.char("/")] + typed("plugin-"))
        #expect(rowPaths(m) == ["app", "app/plugins", "app/plugins/plugin-auth.so", "app/plugins/plugin-cache.so"])
        #expect(m.render().text.contains("Path Filter: plugin-"))
        let erased = m.handle(.ctrl("u"))
        #expect(erased.input == .pathFilter && erased.filterText.isEmpty && rowPaths(erased).count > 40, "Ctrl+U erases the line")
        m = m.handle(.enter)
        while m.focus != .tree { m = m.handle(.tab) }
        m = press(m, [.down, .down])
        let picked = m.selectedNode
        #expect(m.treeCursor == 2 && rowPaths(m)[2] == "app/plugins/plugin-auth.so")
        m = press(m, [.char("/"), .escape])
        #expect(m.input == .none)
        #expect(m.filterText.isEmpty)
        #expect(rowPaths(m).count > 40)
        #expect(picked != nil && m.selectedNode == picked, "Esc keeps the row that was selected")
        // a filter that hides the selected entry selects its nearest folder still listed
        m = press(m, [.char("/")] + typed("plugin-cache"))
        #expect(rowPaths(m).contains("app/plugins") && m.selectedNode.map { m.analysis.replay.paths.path($0) } == "app/plugins",
                "\(m.selectedNode.map { m.analysis.replay.paths.path($0) } ?? "none")")
    }

    @Test func invalidRegexKeepsTheLastTree() {
        let m = press(model(), Array(repeating: .down, count: 4) + [.char("/")] + typed("plugin-("))
        #expect(m.filterError == "invalid regular expression")
        #expect(rowPaths(m).contains("app/plugins/plugin-auth.so"))
    }

    @Test func collapseAndExpand() {
        var m = press(model(), Array(repeating: .down, count: 4) + [.tab, .tab, .home])
        let before = rowPaths(m)
        #expect(before.first == "app")
        m = m.handle(.char(" "))
        #expect(rowPaths(m).count == before.count - before.filter { $0.hasPrefix("app/") }.count)
        #expect(m.render().text.contains("⊕ app"))
        m = m.handle(.right)
        #expect(rowPaths(m) == before)
        m = press(m, [.down, .down, .left])   // a file: left goes to its parent
        m = m.handle(.ctrlSpace)
        #expect(rowPaths(m).allSatisfy { !$0.contains("/") })
        m = m.handle(.ctrlSpace)
        #expect(rowPaths(m) == before)
    }

    @Test func aggregatedModeComparesAgainstTheBaseLayer() {
        var m = press(model(), Array(repeating: .down, count: 12) + [.ctrl("a")])
        #expect(m.compareMode == .aggregated)
        // the download cache was added in layer 5 and removed in layer 11: gone from both ends, so not shown
        #expect(status(m, "var/cache/downloads") == nil)
        // busybox is in layer 0: unmodified; the app is added since
        #expect(status(m, "bin/busybox") == .unmodified)
        #expect(status(m, "app/main.sh") == .added)
        #expect(m.render().text.contains("layers 1–12 vs 0"))
        m = m.handle(.ctrl("l"))
        #expect(m.compareMode == .layer)
        #expect(status(m, "var/lib/apt/lists/deb.example.org_debian_dists_bookworm_main_binary-amd64_Packages") == .removed)
    }

    @Test func enterInTheWasteTableJumpsToThePathInTheLayerThatWastesIt() {
        var m = press(model(), [.tab])
        #expect(m.focus == .waste)
        m = press(m, [.down, .enter])
        let file = Self.wasteful.dive.metrics.inefficientFiles[1]
        #expect(m.focus == .tree)
        #expect(m.selectedLayer == file.layers.first)
        let node = try! #require(m.selectedNode)
        #expect("/" + m.analysis.replay.paths.path(node) == file.path)
        #expect(m.render().text.contains(String(file.path.split(separator: "/").last!.prefix(12))))
    }

    @Test func adviceOverlayListsFindingsAndJumpsToTheirLayerAndPath() throws {
        var m = press(model(), [.char("a")])
        #expect(m.showAdvice)
        let advice = Self.wasteful.advice
        let screen = m.render().text
        #expect(screen.contains("Advice: \(advice.count) findings"))
        #expect(screen.contains(advice[0].title))
        #expect(screen.contains(advice[0].fix.prefix(40)))
        // the build toolchain: its layer (5), its largest path selected in the tree
        let index = try #require(advice.firstIndex { $0.rule == "build-toolchain" })
        m = press(m, Array(repeating: .down, count: index) + [.enter])
        #expect(!m.showAdvice)
        #expect(m.focus == .tree && m.selectedLayer == 5 && m.compareMode == .layer)
        let node = try #require(m.selectedNode)
        #expect("/" + m.analysis.replay.paths.path(node) == advice[index].paths[0].path)
        // a hidden-bytes finding goes to the layer that shipped the bytes, not the one that hid them
        m = press(m, [.char("a"), .home])
        let cleanup = try #require(advice.firstIndex { $0.rule == "cleanup-in-later-layer" })
        m = press(m, Array(repeating: .down, count: cleanup) + [.enter])
        #expect(m.selectedLayer == advice[cleanup].layers[0])
        // the config finding has no path: the overlay closes with a message; Esc closes too
        let root = try #require(advice.firstIndex { $0.rule == "runs-as-root" })
        m = press(m, [.char("a"), .home] + Array(repeating: .down, count: root) + [.enter])
        #expect(!m.showAdvice && m.message == "runs-as-root: the image config, not a path")
        m = press(m, [.char("a"), .escape])
        #expect(!m.showAdvice)
        // a jump turns the tree's filters off so that the path shows, and says so
        m = press(model(), [.tab, .tab, .char("w")])
        #expect(m.wastedOnly)
        m = press(m, [.char("a"), .home] + Array(repeating: .down, count: index) + [.enter])
        #expect(!m.wastedOnly)
        #expect(m.message == "filters turned off to show \(advice[index].paths[0].path)")
    }

    @Test func adviceOverlayOnAWellBuiltImage() throws {
        let good = try Analysis(image: ImageLoader.load(path: Self.root.appendingPathComponent("SampleImages/good.docker.tar.zst").path))
        let m = press(model(good), [.char("a")])
        #expect(m.render().text.contains("No findings"))
    }

    @Test func wasteTableScrolls() throws {
        // many-files has more inefficient files than fit: the table scrolls with the cursor (dive issue #413)
        let a = try Analysis(image: ImageLoader.load(path: Self.fixtures.appendingPathComponent("real/many-files.docker20.tar.zst").path))
        var m = press(model(a, width: 120, height: 40), [.tab])
        let count = a.dive.metrics.inefficientFiles.count
        #expect(count > 100)
        m = press(m, Array(repeating: .down, count: 60))
        #expect(m.wasteCursor == 60)
        #expect(m.wasteScroll > 0)
        #expect(m.render().text.contains(a.dive.metrics.inefficientFiles[60].path))
        m = m.handle(.end)
        #expect(m.wasteCursor == count - 1)
    }

    @Test func sortBySizePutsTheLargestFirst() {
        let m = press(model(), Array(repeating: .down, count: 12) + [.tab, .tab, .ctrl("o")])
        #expect(m.sortBySize)
        let top = m.rows.filter { $0.depth == 0 }.map { m.analysis.replay.paths.path($0.node) }
        #expect(top.first == "bin")   // busybox, 2 MB
        #expect(m.render().text.contains("by size"))
    }

    @Test func sizeFilterShowsOnlyEntriesOfAtLeastNBytes() {
        let m = press(model(), Array(repeating: .down, count: 12) + [.tab, .tab, .char("s")] + typed("20kB") + [.enter])
        #expect(m.minSizeBytes == 20_000)
        let files = m.rows.filter { !$0.isDirectory }
        #expect(!files.isEmpty)
        for r in files { #expect(m.snapshot.sizes[Int(r.node)] >= 20_000) }
        #expect(m.render().text.contains("≥ 20 kB"))
    }

    @Test func wastedOnlyShowsPathsTheFinalImageDoesNotShow() {
        let m = press(model(), Array(repeating: .down, count: 5) + [.tab, .tab, .char("w")])
        let files = m.rows.filter { !$0.isDirectory }.map { m.analysis.replay.paths.path($0.node) }
        #expect(files.contains("var/cache/downloads/fake-toolchain-1.0.tar.gz"))
        #expect(!files.contains("usr/local/fake-gcc/bin/gcc"))
    }

    /// With "wasted only" on, a folder shows the bytes of the wasted files below it, not its full size.
    @Test func wastedOnlyFoldersShowTheirWastedBytes() {
        let m = press(model(), Array(repeating: .down, count: 5) + [.tab, .tab, .char("w")])
        var smaller = 0
        for (i, row) in m.rows.enumerated() where row.isDirectory && !row.isCollapsed {
            let below = m.rows[(i + 1)...].prefix { $0.depth > row.depth }.filter { !$0.isDirectory }
            #expect(m.shownSize(Int(row.node)) == below.reduce(0) { $0 + m.shownSize(Int($1.node)) },
                    "\(m.analysis.replay.paths.path(row.node))")
            if m.shownSize(Int(row.node)) < m.snapshot.sizes[Int(row.node)] { smaller += 1 }
        }
        #expect(smaller > 0)
        let unfiltered = m.handle(.char("w"))
        #expect(unfiltered.rows.allSatisfy { unfiltered.shownSize(Int($0.node)) == unfiltered.snapshot.sizes[Int($0.node)] })
    }

    @Test func attributesToggle() {
        var m = press(model(), [.tab, .tab])
        #expect(m.render().text.contains("Permission"))
        m = m.handle(.ctrl("b"))
        #expect(!m.render().text.contains("Permission"))
    }

    @Test func helpOverlayListsEveryKeyAndClosesWithEsc() {
        var m = model(height: 60).handle(.char("?"))
        let text = m.render().text
        #expect(text.contains("Keys"))
        for a in Action.allCases { #expect(text.contains(a.summary), "help lists \(a)") }
        m = m.handle(.escape)
        #expect(!m.showHelp)
    }

    @Test func quitAndSuspendAreEffects() {
        #expect(model().handle(.char("q")).effect == .quit)
        #expect(model().handle(.ctrl("c")).effect == .quit)
        #expect(model().handle(.ctrl("z")).effect == .suspend)
        #expect(model().handle(.down).effect == .none)
    }

    @Test(arguments: [(40, 12), (1, 1), (0, 0), (59, 40), (200, 14)])
    func smallTerminalsShowAMessageAndNeverCrash(_ w: Int, _ h: Int) {
        let m = model().handle(.resize(width: w, height: h))
        let g = m.render()
        #expect(g.width == max(0, w) && g.height == max(0, h))
        if w >= 30 && h >= 3 { #expect(g.text.contains("fathom needs at least 60×15")) }
        let back = m.handle(.resize(width: 120, height: 40))
        #expect(back.render().text.contains("Current Layer Contents"))
    }

    @Test func clickSelectsATreeRowAndWheelScrolls() {
        var m = model()
        let tree = m.layout.tree
        m = m.handle(.click(x: tree.x + 5, y: tree.y + 3))
        #expect(m.focus == .tree)
        #expect(m.treeCursor == 1)
        m = m.handle(.wheelDown(x: 2, y: 3))
        #expect(m.focus == .layers)
        #expect(m.selectedLayer == 3)
    }

    @Test func keyBindingsFromAConfigFile() throws {
        var b = KeyBindings()
        try b.apply(yaml: "keybinding:\n  quit: x\n  toggle-unchanged-files: ctrl+k\n", file: "config.yaml")
        let m = ScreenModel(analysis: Self.wasteful, width: 120, height: 40, bindings: b)
        #expect(m.handle(.char("x")).effect == .quit)
        #expect(m.handle(.char("q")).effect == .none)
        let tree = press(m, [.tab, .tab, .ctrl("k")])
        #expect(tree.hiddenStatuses == [.unmodified])
        #expect(throws: KeyBindingError.self) { try b.apply(yaml: "keybinding:\n  fly: x\n", file: "config.yaml") }
        #expect(throws: KeyBindingError.self) { try b.apply(yaml: "keybinding:\n  quit: hyper+x\n", file: "config.yaml") }
    }

    @Test func wideAndInvalidNamesKeepColumnsAligned() throws {
        let wide = try Analysis(image: ImageLoader.load(path: Self.fixtures.appendingPathComponent("synthetic/wide-chars.tar").path))
        var m = press(model(wide), [.down, .tab, .tab])
        var g = m.render()
        for line in g.lines { #expect(line.reduce(0) { $0 + DisplayWidth.of($1) } == 120 || line.contains { DisplayWidth.of($0) == 2 }) }
        let bad = try Analysis(image: ImageLoader.load(path: Self.fixtures.appendingPathComponent("synthetic/non-utf8-name.tar").path))
        m = press(model(bad), [.down, .tab, .tab])
        g = m.render()
        #expect(g.text.contains("\\xe9") || g.text.contains("\\xff"), "invalid bytes shown as escapes")
    }

    @Test(arguments: [("ctrl+a", Key.ctrl("a")), ("tab", .tab), ("pgup", .pageUp), ("q", .char("q")), ("ctrl+space", .ctrlSpace),
                      ("esc", .escape), ("space", .char(" ")), ("ctrl+slash", .ctrlSlash)])
    func diveKeyNames(_ name: String, _ key: Key) {
        #expect(Key(diveName: name) == key)
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.of("説明書") == 6)
        #expect(DisplayWidth.of("🚀") == 2)
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayName.of([0x61, 0xE9, 0x62]) == "a\\xe9b")
        #expect(DisplayName.of(Array("ok".utf8)) == "ok")
    }

    // MARK: fixes from the newcomer's run

    func fixture(_ name: String) throws -> Analysis {
        try Analysis(image: ImageLoader.load(path: Self.fixtures.appendingPathComponent(name).path))
    }

    @Test func aFileThatReplacesADirectoryListsTheRemovedPathsBelowIt() throws {
        let m = press(model(try fixture("synthetic/file-replaces-dir.tar")), [.down, .down])
        #expect(status(m, "opt/thing") == .modified)
        for p in ["opt/thing/a", "opt/thing/d", "opt/thing/d/b"] {
            #expect(status(m, p) == .removed, "\(p) removed")
            #expect(rowPaths(m).contains(p), "\(p) shown")
        }
        let thing = m.analysis.replay.paths.existingNode(forPath: Array("opt/thing".utf8))!
        #expect(m.snapshot.sizes[Int(thing)] == 400, "the file's own size, not its removed children's")
    }

    @Test func enterIsCtrlMInTheTree() {
        let base = press(model(), Array(repeating: .down, count: 9) + [.tab, .tab])
        #expect(base.handle(.enter).hiddenStatuses == [.modified])
        #expect(base.handle(.ctrl("m")).hiddenStatuses == [.modified])
    }

    @Test func ctrlCQuitsWhileTypingAFilter() {
        let m = press(model(), [.char("/")] + typed("ab"))
        #expect(m.input == .pathFilter)
        #expect(m.handle(.ctrl("c")).effect == .quit)
        #expect(m.handle(.char("q")).effect == .none, "q is text while typing")
        #expect(m.handle(.resize(width: 30, height: 8)).handle(.char("q")).effect == .quit, "the tiny screen says q quits")
    }

    @Test func wasteJumpWorksForNamesThatAreNotUTF8() throws {
        let a = try fixture("synthetic/non-utf8-name.tar")
        let index = try #require(a.dive.metrics.inefficientFiles.firstIndex { String(validating: $0.pathBytes, as: UTF8.self) == nil })
        let m = press(model(a), [.tab] + Array(repeating: .down, count: index) + [.enter])
        #expect(m.focus == .tree)
        #expect(m.message == nil)
        let node = try #require(m.selectedNode)
        #expect([0x2F] + m.analysis.replay.paths.pathBytes(node) == a.dive.metrics.inefficientFiles[index].pathBytes)
    }

    @Test func statusBarNoteNeverOverwritesTheKeyHints() {
        let m = press(model(width: 140, height: 40), [.tab, .tab, .ctrl("u"), .ctrl("r")])
        let line = m.render().lines.last!
        let note = " hidden: unmodified,removed "
        #expect(line.hasSuffix(note))
        let hints = line.dropLast(note.count)
        #expect(hints.hasSuffix(" "), "a gap before the note: \(line)")
        for whole in ["Quit", "Switch", "Filter", "Help"] { #expect(hints.contains(whole)) }
        let labels = ["Quit", "Switch", "Filter", "Help", "View", "Extract", "Collapse", "All", "Hide added/removed/modified/unmodified", "Attrs",
                      "Sort:name", "Wasted only", "Size≥"]
        let shown = hints.trimmingCharacters(in: .whitespaces)
        #expect(labels.contains { shown.hasSuffix($0) }, "the last hint is whole: \(shown)")
    }

    @Test func narrowTreesKeepNamesVisible() {
        let m = press(model(width: 80, height: 30), [.tab, .tab])
        let text = m.render().text
        #expect(text.contains("── busybox"))
        #expect(!text.contains("Permission"))
    }

    @Test func warningsShowInImageDetails() throws {
        let m = model(try fixture("synthetic/hardlink-missing-target.tar"))
        #expect(m.render().text.contains("⚠ 1 warning: layer 1: hardlink usr/bin/ghost"))
    }

    @Test func changingLayerStartsTheTreeAtTheTop() {
        let m = press(model(), [.tab, .tab, .end, .tab, .down])
        #expect(m.selectedLayer == 1)
        #expect(m.treeCursor == 0 && m.treeScroll == 0)
    }

    @Test func helpScrollsWhenTheTerminalIsShort() {
        var m = model(width: 80, height: 20).handle(.char("?"))
        let first = m.render().text
        m = press(m, Array(repeating: .down, count: 10))
        #expect(m.helpScroll == 10)
        #expect(m.render().text != first)
        #expect(m.render().text.contains("scroll"))
    }
}
