import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// The explorer's "keep" answer when `x` finds entries already in the destination: what exists stays
/// as it is, everything else of the subtree is written.
@Suite struct ExtractorKeepTests {
    @Test func existingEntriesAreKeptAndTheRestWritten() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("app/a.txt", data: Array("a\n".utf8))
            t.add("app/b.txt", data: Array("b\n".utf8))
            t.add("app/c.txt", data: Array("c\n".utf8))
            t.add("app/link", kind: .symlink, link: "a.txt")
        }
        let image = try ImageLoader.load(path: try temporaryFile(DockerArchiveBuilder(layers: [layer]).build()))
        let files = ImageFiles(image: image)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-keep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(at: out.appendingPathComponent("app"), withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: out.appendingPathComponent("app/b.txt"))
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("app/link").path, withDestinationPath: "b.txt")
        let app = try files.lookup("app", atLayer: 0).node
        #expect(throws: Extractor.Failure.self) { try Extractor.extract(files, roots: [app], atLayer: 0, to: out.path) }
        var options = Extractor.Options()
        options.keepExisting = true
        let report = try Extractor.extract(files, roots: [app], atLayer: 0, to: out.path, options: options)
        // a.txt was written by the first try, which stopped at b.txt (as the explorer's question comes after it)
        #expect(report.kept == ["/app/a.txt", "/app/b.txt", "/app/link"] && report.files == 1 && report.symlinks == 0, "\(report)")
        #expect(try String(contentsOf: out.appendingPathComponent("app/b.txt"), encoding: .utf8) == "mine\n")
        #expect(try String(contentsOf: out.appendingPathComponent("app/a.txt"), encoding: .utf8) == "a\n")
        #expect(try String(contentsOf: out.appendingPathComponent("app/c.txt"), encoding: .utf8) == "c\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("app/link").path) == "b.txt")
    }
}
