import FathomCore
import FathomTestSupport
import Foundation
import Testing
@testable import FathomTUI

/// `fathom diff`'s terminal view, driven without a terminal: the wasteful sample against the good one.
@Suite struct DiffScreenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let diff: ImageDiff = try! ImageDiff.load(old: root.appendingPathComponent("SampleImages/wasteful.docker.tar").path,
                                                     new: root.appendingPathComponent("SampleImages/good.docker.tar.zst").path)

    func path(_ s: DiffScreen, _ n: DiffTree.NodeID) -> String {
        var parts: [String] = []
        var node = n
        while node != 0 { parts.append(s.tree.names[Int(node)]); node = s.tree.parents[Int(node)] }
        return parts.reversed().joined(separator: "/")
    }

    func rowPaths(_ s: DiffScreen) -> [String] { s.rows.map { path(s, $0.node) } }

    @Test func changedOnlyShowsExactlyTheChangesAndTheirFolders() {
        let s = DiffScreen(diff: Self.diff, width: 120, height: 40)
        #expect(s.changedOnly)
        let changed = Set(Self.diff.files.changes.map(\.path))
        let shown = Set(rowPaths(s))
        var expected = changed
        for p in changed {
            var parts = p.split(separator: "/").map(String.init)
            while parts.count > 1 { parts.removeLast(); expected.insert(parts.joined(separator: "/")) }
        }
        #expect(shown == expected)
        for c in Self.diff.files.changes {
            let node = s.rows.first { path(s, $0.node) == c.path }!.node
            #expect(s.tree.change[Int(node)] == c.change, "\(c.path)")
        }
    }

    @Test func directoryBytesAreTheComparisonsDirectoryDeltas() throws {
        let s = DiffScreen(diff: Self.diff, width: 120, height: 40)
        let all = s.handle(.char("c"))
        #expect(!all.changedOnly)
        let byPath = Dictionary(uniqueKeysWithValues: all.rows.map { (path(all, $0.node), $0.node) })
        #expect(!Self.diff.files.directories.isEmpty)
        for d in Self.diff.files.directories {
            let node = try #require(byPath[d.path], "\(d.path)")
            #expect(all.tree.bytesBefore[Int(node)] == d.bytesBefore && all.tree.bytesAfter[Int(node)] == d.bytesAfter, "\(d.path)")
        }
        #expect(all.tree.bytesBefore[0] == Self.diff.files.bytesBefore && all.tree.bytesAfter[0] == Self.diff.files.bytesAfter)
        // all paths: unchanged ones too
        #expect(byPath["bin/busybox"].map { all.tree.change[Int($0)] == nil } == true)
        #expect(all.rows.count > s.rows.count)
    }

    @Test func sortByDeltaPutsTheLargestChangeFirst() {
        let s = DiffScreen(diff: Self.diff, width: 120, height: 40).handle(.ctrl("o"))
        #expect(s.sortByDelta)
        let top = s.tree.children[0].filter { s.tree.change[Int($0)] != nil || s.tree.changedBelow[Int($0)] }
        let deltas = top.map { abs(s.tree.bytesAfter[Int($0)] - s.tree.bytesBefore[Int($0)]) }
        #expect(s.rows.first.map { abs(s.tree.bytesAfter[Int($0.node)] - s.tree.bytesBefore[Int($0.node)]) } == deltas.max())
        #expect(s.render().text.contains("sorted by delta"))
    }

    @Test func summaryFoldingAndQuit() throws {
        var s = DiffScreen(diff: Self.diff, width: 120, height: 40)
        let screen = s.render().text
        #expect(screen.contains("Final bytes 2.3 MB → 2.1 MB (−239 kB, −10.36 %)"))
        #expect(screen.contains("First cache miss: layer 3: COPY /out/config/ /app/config/ # buildkit"))
        #expect(screen.contains("\(Self.diff.files.count(.removed)) removed"))
        let advice = try #require(screen.split(separator: "\n").first { $0.hasPrefix(" Advice: ") })
        #expect(advice.hasPrefix(" Advice: \(Self.diff.advice.count(.fixed)) fixed (high secrets-in-layers, medium "))
        let before = s.rows.count
        s = s.handle(.left)   // the first row is a folder: collapse it
        #expect(s.rows.count < before)
        s = s.handle(.right)
        #expect(s.rows.count == before)
        #expect(s.handle(.char("q")).effect == .quit)
    }

    @Test func identicalImagesSayNothingChanged() throws {
        let same = try ImageDiff.load(old: Self.root.appendingPathComponent("SampleImages/wasteful.docker.tar").path,
                                      new: Self.root.appendingPathComponent("SampleImages/wasteful.oci-zstd.tar").path)
        let s = DiffScreen(diff: same, width: 100, height: 30)
        #expect(s.rows.isEmpty)
        #expect(s.render().text.contains("No changed paths: the final filesystems are identical."))
    }

    /// A move is two rows: where the content arrived (`>`, after bytes, "← from") and where it left
    /// (`<`, before bytes, "→ to"); both folders' sums stay those of the comparison.
    @Test func aMoveShowsBothEnds() throws {
        typealias F = SyntheticImage.File
        let old = try SyntheticImage(layers: [.init(command: "COPY old", files: [
            F(path: "usr/lib/pkg/mod.py", bytes: 8000, seed: "mod"), F(path: "keep", bytes: 5)])]).write()
        let new = try SyntheticImage(layers: [.init(command: "COPY new", files: [
            F(path: "venv/pkg/mod.py", bytes: 8000, seed: "mod"), F(path: "keep", bytes: 5)])]).write()
        defer { for u in [old, new] { try? FileManager.default.removeItem(at: u) } }
        let d = try ImageDiff.load(old: old.path, new: new.path)
        let s = DiffScreen(diff: d, width: 120, height: 30)
        let byPath = Dictionary(uniqueKeysWithValues: s.rows.map { (path(s, $0.node), $0.node) })
        let arrived = try #require(byPath["venv/pkg/mod.py"]), left = try #require(byPath["usr/lib/pkg/mod.py"])
        #expect(s.tree.moves[arrived]?.peer == "usr/lib/pkg/mod.py" && s.tree.moves[arrived]?.origin == false)
        #expect(s.tree.moves[left]?.peer == "venv/pkg/mod.py" && s.tree.moves[left]?.origin == true)
        #expect(s.tree.bytesBefore[Int(arrived)] == 0 && s.tree.bytesAfter[Int(arrived)] == 8000)
        #expect(s.tree.bytesBefore[Int(left)] == 8000 && s.tree.bytesAfter[Int(left)] == 0)
        for dir in d.files.directories {
            let n = try #require(byPath[dir.path], "\(dir.path)")
            #expect(s.tree.bytesBefore[Int(n)] == dir.bytesBefore && s.tree.bytesAfter[Int(n)] == dir.bytesAfter, "\(dir.path)")
        }
        let lines = s.render().text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix(" >") && $0.hasSuffix("mod.py  ← usr/lib/pkg/mod.py") })
        #expect(lines.contains { $0.hasPrefix(" <") && $0.hasSuffix("mod.py  → venv/pkg/mod.py") })
        #expect(s.render().text.contains("1 moved"))
    }
}
