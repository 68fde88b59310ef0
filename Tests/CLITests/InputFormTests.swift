import Foundation
import Testing

/// The same archive given as a file, compressed, as a directory and on standard input reads the same.
@Suite struct InputFormTests {
    /// The layer table: the block between the first and the second blank line.
    func layerTable(_ output: String) -> String {
        output.components(separatedBy: "\n\n").dropFirst().first ?? ""
    }

    var wasteful: URL { CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar") }

    @Test func summaryOfTheSampleImage() throws {
        let r = try CLI.run([wasteful.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("layout      docker-save-classic"))
        #expect(r.stdout.contains("names       wasteful:latest"))
        #expect(r.stdout.contains("platform    linux/amd64"))
        #expect(r.stdout.contains("user        (not set: root)"))
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.repositoryRoot
            .appendingPathComponent("SampleImages/wasteful.docker.truth.json"))) as! [String: Any]
        let layers = truth["layers"] as! [[String: Any]]
        let rows = layerTable(r.stdout).split(separator: "\n").dropFirst()
        #expect(rows.count == layers.count)
        for (row, layer) in zip(rows, layers) {
            let diffID = (layer["diffId"] as! String).dropFirst(7).prefix(12)
            #expect(row.contains(diffID), "row \(row) shows \(diffID)")
            #expect(row.contains(" \(layer["entries"] as! Int) "), "row \(row) shows the entry count")
        }
    }

    @Test func standardInputReadsLikeTheFile() throws {
        let fromFile = try CLI.run([wasteful.path])
        let fromPipe = try CLI.run(["-"], stdin: wasteful)
        #expect(fromPipe.status == 0, "\(fromPipe.stderr)")
        #expect(fromPipe.stdout.contains("Image: standard input"))
        #expect(layerTable(fromPipe.stdout) == layerTable(fromFile.stdout))
    }

    @Test(arguments: [("gzip", "gz"), ("zstd", "zst")])
    func compressedArchiveReadsLikeThePlainOne(_ tool: String, _ suffix: String) throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("wasteful.tar.\(suffix)")
        try CLI.run(executable: "/bin/sh", ["-c", "\(tool) -c '\(wasteful.path)' > '\(out.path)'"])
        let plain = try CLI.run([wasteful.path])
        let r = try CLI.run([out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(layerTable(r.stdout) == layerTable(plain.stdout))
        let piped = try CLI.run(["-"], stdin: out)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(layerTable(piped.stdout) == layerTable(plain.stdout))
    }

    @Test func extractedDirectoryReadsLikeTheArchive() throws {
        let dir = try CLI.extract(wasteful)
        let plain = try CLI.run([wasteful.path])
        let r = try CLI.run([dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(layerTable(r.stdout) == layerTable(plain.stdout))
    }

    @Test func ociSampleHasTheSameLayersAsTheDockerOne() throws {
        let oci = try CLI.run([CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.oci-zstd.tar").path])
        let docker = try CLI.run([wasteful.path])
        #expect(oci.status == 0)
        #expect(oci.stdout.contains("layout      oci"))
        let ids = { (s: String) in self.layerTable(s).split(separator: "\n").dropFirst().map { $0.split(separator: " ")[1] } }
        #expect(ids(oci.stdout) == ids(docker.stdout))
        #expect(layerTable(oci.stdout).contains("zstd"))
    }

    @Test func helpExplainsEveryOptionWithAnExample() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for text in ["--image", "--platform", "--verify", "docker save app:1 | fathom -", "Exit codes"] {
            #expect(r.stdout.contains(text), "help mentions \(text)")
        }
    }
}
