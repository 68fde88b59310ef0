import FathomCore
import FathomTestSupport
import Foundation
import Testing
@testable import FathomTUI

/// The file viewer, the clipboard keys and extraction, driven through the screen model.
@Suite struct ViewerTests {
    static let lines = (1...200).map { "line \($0)\tend" }.joined(separator: "\n") + "\n"
    /// The byte offset of line `n` (1 for the first) of `lines`.
    static func offset(ofLine n: Int) -> Int { lines.split(separator: "\n").prefix(n - 1).reduce(0) { $0 + $1.utf8.count + 1 } }

    static let analysis: Analysis = {
        let base = DockerArchiveBuilder.layer { t in
            t.add("etc/", kind: .directory, mode: 0o755)
            t.add("etc/config.txt", data: Array(lines.utf8))
            t.add("bin/", kind: .directory, mode: 0o755)
            t.add("bin/tool", data: [0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 3] + Array("needle".utf8) + [UInt8](repeating: 0, count: 100), mode: 0o755)
            t.add("link", kind: .symlink, link: "etc/config.txt")
            t.add("old.txt", data: Array("the removed version\n".utf8))
            t.add("wide.txt", data: Array("日本語のテキスト\t\u{1B}[31mred\n".utf8))
        }
        let top = DockerArchiveBuilder.layer { t in t.add(".wh.old.txt") }
        let path = try! temporaryFile(DockerArchiveBuilder(layers: [base, top]).build())
        return Analysis(image: try! ImageLoader.load(path: path))
    }()

    func press(_ m: ScreenModel, _ keys: [Key]) -> ScreenModel { keys.reduce(m) { $0.handle($1) } }

    /// The explorer on layer `layer` with the tree focused and the row of `path` selected.
    func model(selecting path: String, layer: Int = 0, width: Int = 100, height: Int = 30) -> ScreenModel {
        var m = ScreenModel(analysis: Self.analysis, width: width, height: height)
        m = press(m, Array(repeating: .down, count: layer) + [.tab, .tab])
        let wanted = Array(path.utf8)
        let index = m.rows.firstIndex { Array(m.analysis.replay.paths.pathBytes($0.node)) == wanted }!
        return press(m, Array(repeating: .down, count: index))
    }

    @Test func textWithLineNumbersScrollsAndSearches() {
        var m = press(model(selecting: "etc/config.txt"), [.char("v")])
        #expect(m.isViewerOpen)
        var text = m.render().text
        #expect(text.contains("/etc/config.txt  layer 0 · 2.5 kB (\(Self.lines.utf8.count) bytes) · -rw-r--r-- · 0:0"))
        #expect(text.contains("     1 line 1  end"), "tabs to the next multiple of 8 columns")
        #expect(text.contains("    28 line 28 end"))
        m = press(m, [.char("/")] + "line 5".map { .char($0) } + [.enter])
        #expect(m.render().text.contains("     1 line 1  end") && m.render().text.contains("\"line 5\" at byte 44, line 5"),
                "a match already on the page does not scroll it")
        m = press(m, [.pageDown, .down])
        text = m.render().text
        #expect(text.hasPrefix(" /etc/config.txt") && text.contains("    29 line 29 end") && !text.contains("    28 line 28"))
        m = press(m, [.char("/")] + "LINE 150".map { .char($0) } + [.enter])
        #expect(!m.render().text.contains("line 150"), "smart case: a capital makes it case-sensitive")
        m = press(m, [.char("/")] + "line 150".map { .char($0) } + [.enter])
        text = m.render().text
        #expect(text.contains("   150 line 150") && text.contains("\"line 150\" at byte"))
        m = press(m, [.char("G")])
        #expect(m.render().text.contains("   200 line 200") && m.render().text.contains("(end of file)"))
        m = press(m, [.char("g")])
        #expect(m.render().text.contains("     1 line 1"))
        // a new search starts at the top of the screen (as less does), not after the last match
        m = press(m, [.char("/")] + "line 1".map { .char($0) } + [.enter])
        #expect(m.render().text.contains("\"line 1\" at byte 0, line 1"), "\(m.render().text)")
        m = press(m, [.char("n")])
        #expect(m.render().text.contains("\"line 1\" at byte \(Self.offset(ofLine: 10)), line 10"), "\(m.render().text)")
        m = press(m, [.char("q")])
        #expect(!m.isViewerOpen && m.effect == .none, "q closes the viewer, not the program")
    }

    @Test func binaryIsShownInHex() {
        let m = press(model(selecting: "bin/tool"), [.char("v"), .char("/")] + "needle".map { .char($0) } + [.enter])
        let text = m.render().text
        #expect(text.contains("00000000  7f 45 4c 46 00 01 02 03  6e 65 65 64 6c 65 00 00  |.ELF....needle..|"), "\(text)")
        #expect(text.contains("\"needle\" at byte 8"))
        let top = press(m, [.char("G"), .char("g")]).render().text
        #expect(top.contains("00000000  7f 45") && !top.contains("line 1,"), "hex has no line numbers, after g either")
    }

    /// A link is followed inside the image; wide characters and escapes are drawn as they should be.
    @Test func linksAndWideCharacters() {
        let link = press(model(selecting: "link"), [.char("v")]).render().text
        #expect(link.contains("/link  layer 0") && link.contains("→ etc/config.txt (/etc/config.txt)") && link.contains("     1 line 1"))
        let wide = press(model(selecting: "wide.txt"), [.char("v")]).render().text
        #expect(wide.contains("     1 日本語のテキスト        \\x1b[31mred"), "a tab after 16 columns of wide characters: 8 spaces; ESC escaped")
    }

    /// In layer 1, where it is removed, the file shows the version removed, and says so.
    @Test func aRemovedFileShowsTheVersionRemoved() {
        let text = press(model(selecting: "old.txt", layer: 1), [.char("v")]).render().text
        #expect(text.contains("removed in layer 1: the version removed") && text.contains("     1 the removed version"))
        let x = press(model(selecting: "old.txt", layer: 1), [.char("x")])
        #expect(x.message == "/old.txt is removed in layer 1: nothing to extract")
    }

    @Test func copyPathAndText() {
        let y = press(model(selecting: "etc/config.txt"), [.char("y")])
        #expect(y.effect == .copy(Array("/etc/config.txt".utf8)) && y.message == "copied the path /etc/config.txt")
        let big = press(model(selecting: "etc/config.txt"), [.char("Y")])
        #expect(big.effect == .copy(Array(Self.lines.utf8)) && big.message == "copied \(Self.lines.utf8.count) bytes")
        let binary = press(model(selecting: "bin/tool"), [.char("Y")])
        #expect(binary.effect == .none && binary.message == "a binary file: not copied (x extracts it)")
    }

    @Test func extractWritesTheSubtreeUnderTheFolderTyped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-x-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var m = press(model(selecting: "etc"), [.char("x")])
        #expect(m.input == .extractTo && m.render().text.contains("Extract /etc (2 entries, as in layer 0) under the folder: ."))
        m = press(m, [.backspace] + dir.path.map { .char($0) } + [.enter])
        #expect(m.message?.hasPrefix("wrote 1 file, 1 directory, 0 links of /etc under \(dir.path)") == true, "\(m.message ?? "")")
        #expect(try String(contentsOf: dir.appendingPathComponent("etc/config.txt"), encoding: .utf8) == Self.lines)
        // again into the same folder: the existing file is named and replaced only after r
        try Data("edited".utf8).write(to: dir.appendingPathComponent("etc/config.txt"))
        m = press(m, [.char("x"), .enter])
        #expect(m.input == .extractReplace && m.render().lines.last!.hasPrefix("r replaces · Esc keeps what exists and writes the rest:  /etc/config.txt already exists"),
                "\(m.render().lines.last!)")
        let kept = press(m, [.escape])
        #expect(kept.input == .none && kept.message == "wrote 0 files, 0 directories, 0 links of /etc under \(dir.path), kept 1 entry already there",
                "\(kept.message ?? "")")
        #expect(try String(contentsOf: dir.appendingPathComponent("etc/config.txt"), encoding: .utf8) == "edited")
        m = press(m, [.char("r")])
        #expect(m.input == .none && m.message?.hasPrefix("wrote 1 file, 0 directories") == true, "\(m.message ?? "")")
        #expect(try String(contentsOf: dir.appendingPathComponent("etc/config.txt"), encoding: .utf8) == Self.lines)
    }

    /// An image read from standard input cannot be read again: v, Y and x say so in one line that the
    /// status bar shows whole (with what to do), and x writes nothing, not even the file's directories.
    @Test func standardInputSaysInOneLineThatItIsReadOnce() throws {
        var image = Self.analysis.image
        image.archivePath = "standard input"
        for i in image.layers.indices { image.layers[i].location = .unavailable("standard input is read once, so the files in its layers cannot be read again") }
        let analysis = Analysis(image: image)
        func selecting(_ path: String) -> ScreenModel {
            let m = press(ScreenModel(analysis: analysis, width: 120, height: 30), [.tab, .tab])
            let index = m.rows.firstIndex { Array(m.analysis.replay.paths.pathBytes($0.node)) == Array(path.utf8) }!
            return press(m, Array(repeating: .down, count: index))
        }
        let line = "standard input is read once: save the image to a file, or use docker://NAME"
        let v = press(selecting("etc/config.txt"), [.char("v")])
        #expect(!v.isViewerOpen && v.message == line)
        #expect(v.render().text.split(separator: "\n").last?.contains(line) == true, "the whole line on the status bar: \(v.render().text)")
        #expect(press(selecting("etc/config.txt"), [.char("Y")]).message == line)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-x-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = press(selecting("etc"), [.char("x"), .backspace] + dir.path.map { .char($0) } + [.enter])
        #expect(x.message == line)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [], "nothing written")
    }

    /// A gzip layer's file is spooled as far as it is read, so that a search to its end is about two
    /// passes over the layer; a sparse file's holes are skipped by a search (64 GiB of them here);
    /// a search the user stops leaves the view where it was.
    @Test func searchesThroughACompressedLayerAndSparseHoles() throws {
        let text = (1...400_000).map { "row \($0) of the compressed layer" }.joined(separator: "\n") + "\nthe needle\n"
        let hole: Int64 = 64 << 30
        let tar = DockerArchiveBuilder.layer { t in
            t.add("big.txt", data: Array(text.utf8))
            t.addSparse("sparse.bin", realSize: hole + 16, chunks: [(0, Array("head\n".utf8)), (hole, Array("sparse needle\n".utf8))])
        }
        let layerPath = try temporaryFile(tar, name: "layer.tar")
        defer { try? FileManager.default.removeItem(atPath: (layerPath as NSString).deletingLastPathComponent) }
        try SyntheticImage.run("/bin/gzip", ["-n", layerPath])
        let gz = try Array(Data(contentsOf: URL(fileURLWithPath: layerPath + ".gz")))
        let path = try temporaryFile(DockerArchiveBuilder(layers: [gz]).build())
        let analysis = Analysis(image: try ImageLoader.load(path: path))
        #expect(analysis.image.layers[0].blob.compression == .gzip)

        func open(_ name: String) -> ScreenModel {
            var m = press(ScreenModel(analysis: analysis, width: 100, height: 30), [.tab, .tab])
            let index = m.rows.firstIndex { Array(m.analysis.replay.paths.pathBytes($0.node)) == Array(name.utf8) }!
            m = press(m, Array(repeating: .down, count: index) + [.char("v")])
            #expect(m.isViewerOpen)
            return m
        }
        var m = press(open("big.txt"), [.char("/")] + "needle".map { .char($0) } + [.enter])
        #expect(m.render().text.contains("\"needle\" at byte \(text.utf8.count - 7), line 400001"), "\(m.render().text)")
        #expect(m.render().text.contains("400001 the needle"))

        m = press(open("sparse.bin"), [.char("/")] + "needle".map { .char($0) } + [.enter])
        #expect(m.render().text.contains("\"needle\" at byte \(hole + 7)"), "\(m.render().text)")

        let stopping = open("big.txt").interrupted(by: Interrupt { _, _ in true })
        m = press(stopping, [.char("/")] + "needle".map { .char($0) } + [.enter])
        #expect(m.render().text.contains("search stopped") && m.render().text.contains("     1 row 1 of the compressed layer"))
    }
}
