import FathomCore
import Foundation
import Testing
@testable import FathomTUI

/// The packages overlay (p) on the debian-apt fixture: layer 4's tzdata upgrade, the final packages by
/// bytes with their installing layer, the bytes no package owns; Enter shows the installing layer.
@Suite struct PackagesOverlayTests {
    static let debian: Analysis = {
        var a = try! Analysis(image: ImageLoader.load(path: ScreenModelTests.fixtures.appendingPathComponent("real/debian-apt.oci-zstd.tar").path))
        a.readPackages()
        return a
    }()

    @Test func listsTheLayersChangesAndTheFinalPackages() throws {
        let t = ScreenModelTests()
        let m = t.press(t.model(Self.debian, width: 130, height: 30), [.down, .down, .down, .down, .char("p")])
        #expect(m.showPackages)
        let text = m.render().text
        #expect(text.contains("Layer 4: 1 upgraded"))
        #expect(text.contains("↑ tzdata  2026b-0+deb12u1 → 2026f-0+deb12u1"))
        #expect(text.contains("Final image: 88 packages (dpkg, debian)"))
        let h = try #require(Self.debian.packages)
        let largest = h.final.max { $0.bytes < $1.bytes }!
        let line = try #require(m.render().lines.first { $0.contains("  \(largest.package.name)  \(largest.package.version)") })
        #expect(line.contains(ByteFormat.si(largest.bytes)) && line.contains("layer \(largest.layer!)"))
        // the rows: every final package once, then the unowned directories
        let rows = m.packageRows
        #expect(rows.filter { $0.kind == .package }.count == h.final.count)
        #expect(rows.filter { $0.kind == .unowned }.map(\.left) == h.unowned.map(\.directory))
        // Enter on the largest package (the first package row) shows the layer that installed it
        let first = rows.firstIndex { $0.kind == .package }!
        let jumped = t.press(m, Array(repeating: .down, count: first) + [.enter])
        #expect(!jumped.showPackages && jumped.selectedLayer == largest.layer!)
        #expect(t.press(m, [.escape]).showPackages == false)
    }

    @Test func anImageWithoutDatabasesSaysSo() {
        let t = ScreenModelTests()
        let m = t.press(t.model(), [.char("p")])
        #expect(m.render().text.contains("No package database in this image"))
    }
}
