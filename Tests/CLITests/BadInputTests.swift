import Foundation
import Testing

/// Bad input gets one line on standard error naming the file and what is wrong, exit 2, and nothing on
/// standard output. Variants are made from the fixtures in temporary directories.
@Suite struct BadInputTests {
    /// Runs fathom on `path` and checks the rejection contract; returns the error line.
    @discardableResult
    func expectRejected(_ path: String, naming fileName: String? = nil, saying fragment: String,
                        extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try CLI.run(extra + [path])
        #expect(r.status == 2, "exit code for \(path)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "nothing on stdout for \(path), got: \(r.stdout.prefix(200))", sourceLocation: sourceLocation)
        #expect(r.errorLines.count == 1, "one stderr line for \(path), got: \(r.stderr)", sourceLocation: sourceLocation)
        let line = r.errorLines.first ?? ""
        #expect(line.hasPrefix("fathom: "), sourceLocation: sourceLocation)
        #expect(line.contains(fileName ?? URL(fileURLWithPath: path).lastPathComponent), "names the file: \(line)", sourceLocation: sourceLocation)
        #expect(line.contains(fragment), "says '\(fragment)': \(line)", sourceLocation: sourceLocation)
        return line
    }

    /// The report is streamed: a write that fails part way exits 2 with one line, and leaves no partial
    /// file that could pass for a complete report (a device is never removed).
    @Test func jsonReportThatCannotBeWrittenExits2() throws {
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path
        let full = try CLI.run([sample, "--json", "/dev/full"])
        #expect(full.status == 2)
        #expect(full.errorLines == ["fathom: /dev/full: cannot write the JSON report: No space left on device"])
        #expect(FileManager.default.fileExists(atPath: "/dev/full"))
        let dir = try CLI.temporaryDirectory()
        let missing = dir.appendingPathComponent("no/such/dir/report.json").path
        let r = try CLI.run([sample, "--json", missing])
        #expect(r.status == 2)
        #expect(r.errorLines == ["fathom: \(missing): cannot write the JSON report: No such file or directory"])
    }

    @Test func missingFile() throws {
        try expectRejected("/nonexistent/dir/image.tar", saying: "no such file or directory")
    }

    @Test func emptyFile() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("empty.tar")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data())
        try expectRejected(file.path, saying: "empty file")
    }

    @Test func randomBytesAreNotAnArchive() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("random.tar")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(bytes))
        try expectRejected(file.path, saying: "not a tar archive")
    }

    @Test(arguments: [0.3, 0.6, 0.9])
    func archiveCutShortIsTruncated(_ fraction: Double) throws {
        let original = try Data(contentsOf: CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar"))
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("cut.tar")
        try original.prefix(Int(Double(original.count) * fraction)).write(to: file)
        try expectRejected(file.path, saying: "truncated")
    }

    @Test func truncatedStandardInputIsRejected() throws {
        let original = try Data(contentsOf: CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar"))
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("cut.tar")
        try original.prefix(original.count / 2).write(to: file)
        let r = try CLI.run(["-"], stdin: file)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.errorLines.count == 1)
        #expect(r.errorLines.first?.hasPrefix("fathom: standard input: truncated") == true, "\(r.stderr)")
    }

    @Test(arguments: ["docker25-gzip-layers", "docker25-zstd-layers"])
    func corruptCompressedLayerIsRejected(_ fixture: String) throws {
        // Extract, flip bytes in the middle of the largest layer blob, and read the directory.
        let dir = try CLI.extract(CLI.fixtures.appendingPathComponent("synthetic/\(fixture).tar"))
        let blobs = dir.appendingPathComponent("blobs/sha256")
        let names = try FileManager.default.contentsOfDirectory(atPath: blobs.path)
        let largest = try #require(names.max { a, b in
            let sa = (try? FileManager.default.attributesOfItem(atPath: blobs.appendingPathComponent(a).path)[.size] as? Int) ?? 0
            let sb = (try? FileManager.default.attributesOfItem(atPath: blobs.appendingPathComponent(b).path)[.size] as? Int) ?? 0
            return sa < sb
        })
        let blob = blobs.appendingPathComponent(largest)
        var bytes = try Data(contentsOf: blob)
        for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 40, by: 1) { bytes[i] ^= 0x5A }
        try bytes.write(to: blob)
        let kind = fixture.contains("gzip") ? "gzip" : "zstd"
        let line = try expectRejected(dir.path, naming: dir.lastPathComponent, saying: "corrupt \(kind) data")
        #expect(line.contains(largest), "names the layer blob: \(line)")
    }

    @Test func invalidJSONManifest() throws {
        let dir = try CLI.extract(CLI.fixtures.appendingPathComponent("synthetic/basic.tar"))
        try Data("[{\"Config\": ".utf8).write(to: dir.appendingPathComponent("manifest.json"))
        try expectRejected(dir.path, naming: dir.lastPathComponent, saying: "manifest.json is not valid JSON")
    }

    @Test(arguments: [("null", "found null"), ("[]", "found []"), ("{}", "found a")])
    func manifestThatIsNotANonEmptyArray(_ content: String, _ fragment: String) throws {
        let dir = try CLI.extract(CLI.fixtures.appendingPathComponent("synthetic/basic.tar"))
        try Data(content.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        try expectRejected(dir.path, naming: dir.lastPathComponent, saying: fragment)
    }

    @Test func nullManifestInsideATar() throws {
        // `null` is not JSON-looking by its first byte, so it reaches the loader as a non-document member.
        try expectRejected(CLI.fixtures.appendingPathComponent("synthetic/bad/null-manifest.tar").path, saying: "manifest.json")
    }

    @Test func manifestNamingAMissingLayer() throws {
        let dir = try CLI.extract(CLI.fixtures.appendingPathComponent("synthetic/basic.tar"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as! [[String: Any]]
        let layer = (manifest[0]["Layers"] as! [String])[1]
        try FileManager.default.removeItem(at: dir.appendingPathComponent(layer))
        try expectRejected(dir.path, naming: dir.lastPathComponent, saying: "names '\(layer)', which is not in the archive")
    }

    @Test func layerEntryWithDotDot() throws {
        try expectRejected(CLI.fixtures.appendingPathComponent("synthetic/bad/dotdot-entry.tar").path,
                           saying: "entry '../../etc/passwd' has a '..' component")
    }

    @Test func symlinkLoopBetweenLayerMembers() throws {
        let dir = try CLI.extract(CLI.fixtures.appendingPathComponent("synthetic/basic.tar"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as! [[String: Any]]
        let layers = manifest[0]["Layers"] as! [String]
        let a = dir.appendingPathComponent(layers[0]), b = dir.appendingPathComponent(layers[1])
        try FileManager.default.removeItem(at: a)
        try FileManager.default.removeItem(at: b)
        try FileManager.default.createSymbolicLink(atPath: a.path, withDestinationPath: "../" + layers[1])
        try FileManager.default.createSymbolicLink(atPath: b.path, withDestinationPath: "../" + layers[0])
        try expectRejected(dir.path, naming: dir.lastPathComponent, saying: "symbolic link loop")
        try expectRejected(CLI.fixtures.appendingPathComponent("synthetic/bad/symlink-loop-layer.tar").path,
                           saying: "symbolic link loop")
    }

    @Test func archiveWithoutAnImage() throws {
        let dir = try CLI.temporaryDirectory()
        let content = dir.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: content.appendingPathComponent("README.md"))
        let tar = dir.appendingPathComponent("no-image.tar")
        try CLI.run(executable: "/bin/tar", ["-cf", tar.path, "-C", content.path, "README.md"])
        try expectRejected(tar.path, saying: "no image found")
    }

    @Test func severalImagesWithoutChoice() throws {
        let line = try expectRejected(CLI.fixtures.appendingPathComponent("synthetic/multi-image.tar").path,
                                      saying: "choose one with --image")
        #expect(line.contains("fathom/one:1") && line.contains("fathom/two:2"))
    }

    @Test func unknownImageName() throws {
        let line = try expectRejected(CLI.fixtures.appendingPathComponent("synthetic/multi-image.tar").path,
                                      saying: "no image named nope", extra: ["--image", "nope"])
        #expect(line.contains("fathom/one:1"))
    }

    @Test func malformedPlatformFlag() throws {
        let r = try CLI.run(["--platform", "linux", CLI.fixtures.appendingPathComponent("synthetic/oci-single.tar").path])
        #expect(r.status == 2)
        #expect(r.errorLines == ["fathom: --platform: 'linux' is not os/arch[/variant]"])
    }

    @Test func verifyFailsOnADiffIDMismatch() throws {
        let path = CLI.fixtures.appendingPathComponent("synthetic/bad/diffid-mismatch.tar").path
        let ok = try CLI.run([path])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("Warnings:\n  layer 1: diff ID"))
        try expectRejected(path, saying: "layer 1: diff ID sha256:e4676e57", extra: ["--verify"])
    }

    @Test func verifyChecksThatEachBlobHasTheDigestItsNameStates() throws {
        // an OCI layout whose layer blob was swapped for another valid one: the name no longer matches the bytes
        let dir = try CLI.temporaryDirectory().appendingPathComponent("layout")
        try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("synthetic/oci-layout-dir"), to: dir)
        let blobs = dir.appendingPathComponent("blobs/sha256")
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("index.json"))) as! [String: Any]
        let manifestDigest = ((index["manifests"] as! [[String: Any]])[0]["digest"] as! String).dropFirst(7)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: blobs.appendingPathComponent(String(manifestDigest)))) as! [String: Any]
        let layers = (manifest["layers"] as! [[String: Any]]).map { String(($0["digest"] as! String).dropFirst(7)) }
        for name in layers { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blobs.appendingPathComponent(name).path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: blobs.path)
        try FileManager.default.removeItem(at: blobs.appendingPathComponent(layers[1]))
        try FileManager.default.copyItem(at: blobs.appendingPathComponent(layers[2]), to: blobs.appendingPathComponent(layers[1]))
        // without --verify a blob named by its digest is trusted to its name, its diff ID taken from the config:
        // nothing is hashed, so the swap goes unnoticed (the README says so)
        let lenient = try CLI.run([dir.path])
        #expect(lenient.status == 0)
        #expect(!lenient.stdout.contains("layer 1: diff ID"))
        try expectRejected(dir.path, naming: "layout", saying: "layer 1: blob blobs/sha256/\(layers[1]) has digest sha256:\(layers[2])",
                           extra: ["--verify"])
    }
}
