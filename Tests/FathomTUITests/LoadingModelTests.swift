import FathomCore
import Foundation
import Testing
@testable import FathomTUI

/// The explorer while the image loads, driven through its model without a terminal: the loading screen,
/// the layer list from a hand-made outline, decoded layers, keys, and the hand-over to `ScreenModel`.
@Suite struct LoadingModelTests {
    static let outline = ImageOutline(archivePath: "app.tar", names: ["app:1"], layers: [
        .init(index: 0, memberPath: "blobs/sha256/aaaa", storedBytes: 80_400_000,
              configDiffID: Digest("sha256:1111"), createdBy: "/bin/sh -c #(nop) ADD file:0123 in / "),
        .init(index: 1, memberPath: "blobs/sha256/bbbb", storedBytes: 1_230_000_000, configDiffID: Digest("sha256:2222"),
              createdBy: "/bin/sh -c apt-get update && apt-get install -y build-essential"),
        .init(index: 2, memberPath: "blobs/sha256/cccc", storedBytes: 4_096, configDiffID: nil, createdBy: "COPY app /app"),
    ])

    func loading(_ decoded: [DecodedLayer] = [], seconds: Double = 0.4, width: Int = 120, height: Int = 40) -> LoadingModel {
        LoadingModel(title: "app.tar", width: width, height: height).updating(progress(decoded, seconds: seconds))
    }

    func progress(_ decoded: [DecodedLayer], seconds: Double = 0.4) -> LoadProgress {
        LoadProgress(blobs: 2, lastMember: "blobs/sha256/bbbb", outline: Self.outline,
                     decoded: Dictionary(uniqueKeysWithValues: decoded.map { ($0.index, $0) }), seconds: seconds)
    }

    func press(_ m: LoadingModel, _ keys: [Key]) -> LoadingModel { keys.reduce(m) { $0.handle($1) } }

    /// The rendered line that contains `text`.
    func line(_ g: Grid, _ text: String) -> String? { g.text.split(separator: "\n").map(String.init).first { $0.contains(text) } }

    @Test func beforeTheOutlineTheLoadingScreen() {
        let m = LoadingModel(title: "app.tar", width: 80, height: 24)
            .updating(LoadProgress(blobs: 3, lastMember: "manifest.json", seconds: 0.25))
        let text = m.render().text
        for s in ["fathom", "Loading app.tar", "3 blobs read, 0.2 s", "manifest.json", "q cancels"] {
            #expect(text.contains(s), "missing \(s)")
        }
        #expect(!text.contains("Layers"))
        #expect(!m.showsExplorer)
        // keys other than the cancelling ones do nothing yet
        #expect(press(m, [.down, .char("?"), .tab]).effect == .none)
        #expect(m.handle(.char("q")).effect == .quit)
        #expect(m.handle(.ctrl("c")).effect == .quit)
    }

    @Test func theOutlineShowsTheExplorersLayout() {
        let g = loading().render()
        let text = g.text
        for s in ["▶ Layers  (0 of 3 read)", "Layer details", "Image details", "File tree  (when the analysis is complete)",
                  "Read  Stored   Entries  Command", "0 of 3 layers read, 0.4 s", "Not read yet: layers 0–2",
                  "The file tree appears when the analysis is complete.", "Image name: app:1", "Layers: 3, 1.3 GB stored",
                  "Diff ID:  sha256:1111", "Blob:     blobs/sha256/aaaa", "80 MB stored, not read yet", "Command: ADD file:0123 in /",
                  "q Cancel ↑↓ Layer ? Help"] {
            #expect(text.contains(s), "missing \(s)\n\(text)")
        }
        // the finished explorer's title is what tells the e2e checks and the benchmark that the explorer is complete
        #expect(!text.contains("Current Layer Contents"))
        // each layer's row: index, stored size, entries (not read yet), command
        #expect(line(g, " 0   80 MB         …  ADD file:0123 in /") != nil, "\(text)")
        #expect(line(g, " 1  1.2 GB         …  apt-get update &&") != nil)
        #expect(line(g, " 2  4.1 kB         …  COPY app /app") != nil)
        // the layer rows sit where the finished explorer puts them (its layout for 3 layers)
        let rows = g.lines.enumerated().filter { $0.element.contains("ADD file:0123") && !$0.element.contains("Command:") }
        #expect(rows.map(\.offset) == [Layout(width: 120, height: 40, layerCount: 3).layers.y + 2])
    }

    @Test func decodedLayersAreMarkedWithTheirEntryCount() {
        let m = loading([DecodedLayer(index: 1, entries: 41_203, fileBytes: 118_000_000)], seconds: 1.23)
        let g = m.render()
        let text = g.text
        let row = line(g, "apt-get update")
        #expect(row?.contains("✓  1  1.2 GB    41,203  apt-get update") == true, "\(row ?? text)")
        #expect(line(g, "ADD file:0123")?.contains(" 0   80 MB         …") == true)
        #expect(text.contains("▶ Layers  (1 of 3 read)"))
        #expect(text.contains("1 of 3 layers read, 1.2 s"))
        #expect(text.contains("Not read yet: layers 0, 2"))
        #expect(!text.contains("blobs/sha256/bbbb"), "the member whose decoding started last is not shown as read")
        #expect(text.contains("Read so far: 41,203 entries, 118 MB of files"))
        // the mark is green (added style) on a row that is not selected
        let y = g.lines.firstIndex { $0.contains("apt-get update") }!
        let x = g.lines[y].firstIndex(of: "✓").map { g.lines[y].distance(from: g.lines[y].startIndex, to: $0) }!
        #expect(g.style(x: x, y: y) == .added)
        // the selected layer's details say what is known of it
        let selected = m.handle(.down).render().text
        #expect(selected.contains("1.2 GB stored, 41,203 entries, 118 MB of files"))
        #expect(selected.contains("Command: apt-get update && apt-get install -y"))

        let all = loading((0..<3).map { DecodedLayer(index: $0, entries: 10, fileBytes: 1000) }, seconds: 2).render().text
        #expect(all.contains("All 3 layers read, 2.0 s"))
        #expect(all.contains("Replaying the layers and computing the analysis…"))
    }

    @Test func keysMoveTheLayerSelection() {
        var m = loading()
        #expect(m.selectedLayer == 0)
        m = press(m, [.down, .char("j")])
        #expect(m.selectedLayer == 2)
        m = m.handle(.down)
        #expect(m.selectedLayer == 2)  // the last layer
        m = press(m, [.up, .char("k"), .char("k")])
        #expect(m.selectedLayer == 0)
        m = press(m, [.end])
        #expect(m.selectedLayer == 2)
        #expect(m.handle(.home).selectedLayer == 0)
        // the selection shows in the details
        #expect(m.render().text.contains("Command: COPY app /app"))
        // a click on a layer row selects it
        let y = Layout(width: 120, height: 40, layerCount: 3).layers.y + 2 + 1
        #expect(m.handle(.click(x: 5, y: y)).selectedLayer == 1)
        // keys that need the analysis say so and change nothing
        let tab = m.handle(.tab)
        #expect(tab.selectedLayer == 2 && tab.effect == .none)
        #expect(tab.render().text.contains("open when the analysis is complete"))
    }

    @Test func qAndCtrlCCancelHelpOpensAndCloses() {
        let m = loading()
        #expect(m.handle(.char("q")).effect == .quit)
        #expect(m.handle(.ctrl("c")).effect == .quit)
        let help = m.handle(.char("?"))
        #expect(help.showHelp && help.effect == .none)
        #expect(help.render().text.contains("Keys while loading"))
        #expect(help.render().text.contains("cancel the loading"))
        // as in the explorer, q and Esc close the help; Ctrl+C still cancels
        #expect(!help.handle(.char("q")).showHelp && help.handle(.char("q")).effect == .none)
        #expect(!help.handle(.escape).showHelp)
        #expect(help.handle(.ctrl("c")).effect == .quit)
        #expect(help.handle(.down).selectedLayer == 0)
    }

    @Test func resizeRedrawsAndATinyTerminalSaysSo() {
        let tiny = loading().handle(.resize(width: 40, height: 12))
        #expect(tiny.render().text.contains("fathom needs at least"))
        #expect(tiny.handle(.char("q")).effect == .quit)
        let back = tiny.handle(.resize(width: 100, height: 30))
        #expect(back.render().width == 100 && back.render().height == 30)
        #expect(back.render().text.contains("File tree"))
    }

    @Test func loadEventsCollectTheLoadersReports() {
        let events = LoadEvents()
        let options = events.attach(to: LoadOptions())
        options.progress?("manifest.json")
        options.onOutline?(Self.outline)
        options.onLayerDecoded?(DecodedLayer(index: 2, entries: 5, fileBytes: 10))
        let p = events.snapshot(seconds: 0.5)
        #expect(p.blobs == 1 && p.lastMember == "manifest.json")
        #expect(p.outline?.layers == Self.outline.layers)
        #expect(p.decoded == [2: DecodedLayer(index: 2, entries: 5, fileBytes: 10)])
        #expect(p.seconds == 0.5)
    }

    // MARK: hand-over

    static let image: Analysis = try! Analysis(image: ImageLoader.load(
        path: ScreenModelTests.fixtures.appendingPathComponent("dive/test-docker-image.tar").path))

    /// The outline the loader reports for an image, built from the loaded image.
    static func outline(of image: Image) -> ImageOutline {
        ImageOutline(archivePath: image.archivePath, names: image.names, layers: image.layers.map {
            .init(index: $0.index, memberPath: $0.memberPath, storedBytes: $0.blob.storedBytes, configDiffID: $0.configDiffID,
                  createdBy: $0.createdBy)
        })
    }

    func loading(for a: Analysis, height: Int) -> LoadingModel {
        LoadingModel(title: "test-docker-image.tar", width: 120, height: height)
            .updating(LoadProgress(outline: Self.outline(of: a.image)))
    }

    @Test func theExplorerTakesOverOnTheSelectedLayer() {
        let a = Self.image
        #expect(a.image.layers.count > 5)
        let m = press(loading(for: a, height: 40), [.down, .down, .down])
        #expect(m.selectedLayer == 3)
        let full = ScreenModel(analysis: a, continuing: m)
        #expect(full.selectedLayer == 3 && full.focus == .layers)
        #expect(full.width == 120 && full.height == 40)
        let text = full.render().text
        #expect(text.contains("Current Layer Contents  (layer 3)"))
        // the selected layer's row is on the same screen line before and after
        #expect(selectedRow(m.render(), in: m.layout.layers) == selectedRow(full.render(), in: full.layout.layers))
    }

    @Test func theHandOverKeepsAScrolledLayerList() {
        let a = Self.image
        let count = a.image.layers.count
        // 20 rows: a layer list of 4 visible rows that scrolls; End then Up leaves the list scrolled to the end
        let m = press(loading(for: a, height: 20), [.end, .up, .up])
        #expect(m.selectedLayer == count - 3)
        #expect(m.layerScroll == count - m.pageHeight)
        let full = ScreenModel(analysis: a, continuing: m)
        #expect(full.selectedLayer == count - 3)
        #expect(full.layerScroll == m.layerScroll)
        #expect(selectedRow(m.render(), in: m.layout.layers) == selectedRow(full.render(), in: full.layout.layers))
        // and the explorer goes on from there
        #expect(full.handle(.down).selectedLayer == count - 2)
    }

    @Test func theHelpStaysOpenAcrossTheHandOver() {
        let m = loading(for: Self.image, height: 40).handle(.char("?"))
        let full = ScreenModel(analysis: Self.image, continuing: m)
        #expect(full.showHelp)
        #expect(!full.handle(.escape).showHelp)
    }

    /// The screen line of the selected (reverse-video) row inside the layer pane.
    func selectedRow(_ g: Grid, in r: Rect) -> Int? {
        (r.y + 2..<r.y + r.height).first { g.style(x: r.x + r.width - 1, y: $0) == .selected }
    }
}
