import Foundation
import Testing
@testable import FathomCore

/// The diff IDs read from manifests and configs before decoding pair each layer blob with the
/// truth file's `configDiffId`, and a compressed blob named by its digest then takes that diff ID.
@Suite struct ConfiguredDiffIDsTests {
    @Test(arguments: ["real/debian-apt.oci-zstd", "real/wasteful.oci-gzip", "dive/test-oci-zstd-image"])
    func pairsEveryLayerBlobWithItsConfigDiffID(_ name: String) throws {
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url(name + ".truth.json"))) as! [String: Any]
        let layers = truth["layers"] as! [[String: Any]]
        let contents = try ArchiveContents.scan(OuterArchive(path: Fixtures.url(name + ".tar").path))
        let map = ConfiguredDiffIDs.byMember(contents.documents)
        for layer in layers {
            let member = "blobs/sha256/" + (layer["digest"] as! String).dropFirst("sha256:".count)
            #expect(map[member] == Digest(layer["configDiffId"] as! String), "\(name) layer \(layer["index"]!)")
        }
    }

    @Test func aTrustedCompressedBlobTakesTheGivenDiffIDAndAnUntrustedOneIsHashed() throws {
        let name = "real/debian-apt.oci-zstd"
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url(name + ".truth.json"))) as! [String: Any]
        let layer = (truth["layers"] as! [[String: Any]])[1]
        let member = "blobs/sha256/" + (layer["digest"] as! String).dropFirst("sha256:".count)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try extract(member, from: Fixtures.url(name + ".tar").path)))
        func read(knownDigest: Digest?, knownDiffID: Digest?) throws -> LayerBlob {
            var sent = false
            return try bytes.withUnsafeBytes { raw in
                try LayerReader.read(ByteStream {
                    if sent { return UnsafeRawBufferPointer(start: nil, count: 0) }
                    sent = true
                    return raw
                }, knownDigest: knownDigest, knownDiffID: knownDiffID)
            }
        }
        let claimed = Digest("sha256:" + String(repeating: "0", count: 64))
        #expect(try read(knownDigest: Digest(layer["digest"] as! String), knownDiffID: claimed).diffID == claimed)
        #expect(try read(knownDigest: nil, knownDiffID: claimed).diffID == Digest(layer["diffId"] as! String))
    }

    private func extract(_ member: String, from archive: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-diffids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = try SyntheticImage.run("/usr/bin/env", ["tar", "-xf", archive, "-C", dir.path, member])
        return dir.appendingPathComponent(member).path
    }
}
