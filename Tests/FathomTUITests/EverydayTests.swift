import FathomCore
import FathomTestSupport
import Foundation
import Testing
@testable import FathomTUI

/// Issue 20's explorer items, on the screen model: the image picker, the busy mark of long sorts and
/// filters, the selected entry's full path in the tree's title.
@Suite struct EverydayTests {
    static let choices = [ImageChoice(name: "a:1", layers: 3, storedBytes: 2_100_000, platform: nil),
                          ImageChoice(name: "registry.example/b:2", layers: 12, storedBytes: nil, platform: "linux/arm64")]

    @Test func pickerListsChoosesAndLeaves() {
        let p = ImagePicker(archive: "multi.tar", choices: Self.choices, width: 90, height: 12)
        let lines = p.render().lines
        #expect(lines[0].contains("multi.tar holds 2 images: choose one"))
        #expect(lines.contains { $0.contains("a:1") && $0.contains("3") && $0.contains("2.1 MB") })
        #expect(lines.contains { $0.contains("registry.example/b:2") && $0.contains("linux/arm64") && $0.contains("12") })
        #expect(p.render().cells[3 * 90 + 5].style == .selected, "the first image is selected")
        let chosen = p.handle(.down).handle(.enter)
        #expect(chosen.effect == .quit && chosen.chosen == Self.choices[1])
        let left = p.handle(.down).handle(.char("q"))
        #expect(left.effect == .quit && left.chosen == nil)
        #expect(p.handle(.up).cursor == 0 && p.handle(.end).cursor == 1)
    }

    @Test func longSortsAndFiltersShowABusyMark() throws {
        var layer = TarWriter()
        for d in 0..<200 { layer.add("d\(d)/", kind: .directory, mode: 0o755) }
        for i in 0..<20_000 { layer.add("d\(i % 200)/f\(i)", data: [UInt8](repeating: 1, count: i % 97)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-busy-\(UUID().uuidString).tar")
        try Data(DockerArchiveBuilder(layers: [layer.finished()]).build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let analysis = Analysis(image: try ImageLoader.load(path: url.path))
        final class Seen: @unchecked Sendable { var doing: [String] = [] }
        let seen = Seen()
        let m = ScreenModel(analysis: analysis, width: 120, height: 40)
            .interrupted(by: Interrupt { doing, _ in seen.doing.append(doing); return false })
        _ = m.handle(.tab).handle(.tab).handle(.ctrl("o"))
        #expect(seen.doing.contains("sorting by size…"), "\(Set(seen.doing))")
        #expect(seen.doing.allSatisfy { $0.hasSuffix("…") }, "a sort cannot stop halfway: no Esc offered")
    }

    @Test func theTreeTitleShowsTheSelectedPath() {
        let m = ScreenModelTests().model()
        let moved = ScreenModelTests().press(m, [.down, .down, .down, .down, .tab, .tab, .down])
        #expect(moved.render().lines[0].contains("(layer 4)  /app/.env"))
    }

    /// `A` splits the tree: this layer's changes above, the filesystem at the layer below (the same rows as
    /// the aggregated view), both following the layer; Tab visits the upper tree, then the lower.
    @Test func splitViewFollowsTheLayerAndTakesItsOwnKeys() {
        let t = ScreenModelTests()
        var m = t.press(t.model(), [.down, .down, .down, .down, .char("A")])
        #expect(m.isSplit)
        func aggregatedRows(_ layer: Int) -> [TreeRow] {
            t.press(t.model(), Array(repeating: .down, count: layer) + [.ctrl("a")]).rows
        }
        #expect(m.lower!.model.rows == aggregatedRows(4))
        #expect(m.render().text.contains("Filesystem at layer 4  (layers 1–4 vs 0)"))
        m = t.press(m, [.down])   // layers pane: layer 5, both trees follow
        #expect(m.selectedLayer == 5 && m.lower!.model.rows == aggregatedRows(5))
        #expect(m.render().text.contains("Filesystem at layer 5"))
        m = t.press(m, [.tab, .tab])
        #expect(m.focus == .tree && !m.lowerFocused)
        m = t.press(m, [.tab])
        #expect(m.focus == .tree && m.lowerFocused)
        let upperCursor = m.treeCursor
        m = t.press(m, [.down, .down])
        #expect(m.treeCursor == upperCursor && m.lower!.model.treeCursor == 2, "the lower tree moves alone")
        m = t.press(m, [.ctrl("u")])   // a filter applies to both halves
        #expect(m.hiddenStatuses.contains(.unmodified) && m.lower!.model.hiddenStatuses.contains(.unmodified))
        m = t.press(m, [.tab])
        #expect(m.focus == .layers && !m.lowerFocused)
        m = t.press(m, [.char("A")])
        #expect(!m.isSplit && !m.render().text.contains("Filesystem at layer"))
    }

    /// A file opened from the lower tree is viewed on the whole screen, as the layer shows it.
    @Test func splitViewOpensFilesFromTheLowerTree() {
        let t = ScreenModelTests()
        var m = t.press(t.model(), Array(repeating: .down, count: 12) + [.char("A"), .tab, .tab, .tab])
        #expect(m.lowerFocused)
        let lower = m.lower!.model
        let envRow = lower.rows.firstIndex { lower.analysis.replay.paths.path($0.node) == "etc/passwd" }!
        m = t.press(m, Array(repeating: .down, count: envRow) + [.char("v")])
        #expect(m.isViewerOpen && m.render().text.contains("/etc/passwd"))
    }

    /// Layer details name the packages a layer changed and, in the tree, the selected file's package.
    @Test func layerDetailsShowPackages() throws {
        var analysis = try Analysis(image: ImageLoader.load(path: ScreenModelTests.fixtures.appendingPathComponent("real/debian-apt.oci-zstd.tar").path))
        analysis.readPackages()
        var m = ScreenModel(analysis: analysis, width: 220, height: 50)
        #expect(m.render().text.contains("Packages: 88 installed (62 MB): perl-base, coreutils, libc6"))
        let node = try #require(analysis.replay.paths.existingNode(forPath: Array("etc/adduser.conf".utf8)))
        m.jump(to: node, layer: 0)
        #expect(m.focus == .tree && m.render().text.contains("Package: adduser 3.134 ("))
        m = ScreenModelTests().press(m, [.tab, .down, .down, .down, .down])
        #expect(m.selectedLayer == 4 && m.render().text.contains("Packages: 1 upgraded (1.4 MB): tzdata"))
    }
}
