import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// The plan made from the manifests and config before any layer is decoded pairs each layer blob
/// with the truth file's `configDiffId`, and a compressed blob named by its digest then takes that diff ID.
@Suite struct LayerPlanTests {
    @Test(arguments: ["real/debian-apt.oci-zstd", "real/wasteful.oci-gzip", "dive/test-oci-zstd-image"])
    func pairsEveryLayerBlobWithItsConfigDiffID(_ name: String) throws {
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url(name + ".truth.json"))) as! [String: Any]
        let layers = truth["layers"] as! [[String: Any]]
        let contents = try ArchiveContents.scan(OuterArchive(path: Fixtures.url(name + ".tar").path))
        var resolver = Resolver(contents: contents, archive: name, options: LoadOptions())
        let plan = try resolver.plan()
        #expect(plan.outline.layers.count == layers.count)
        for layer in layers {
            let member = "blobs/sha256/" + (layer["digest"] as! String).dropFirst("sha256:".count)
            let index = layer["index"] as! Int
            #expect(plan.outline.layers[index].memberPath == member)
            #expect(plan.outline.layers[index].storedBytes == contents.candidates[member])
            #expect(plan.configuredDiffIDs[member] == Digest(layer["configDiffId"] as! String), "\(name) layer \(index)")
        }
    }

    /// The outline arrives before any layer is decoded, names every layer with its history command,
    /// and each layer is then reported once with its entry count.
    @Test(arguments: ["real/wasteful.docker20.tar.zst", "real/debian-apt.oci-zstd.tar", "synthetic/symlinked-duplicate-layer.tar"])
    func outlineComesFirstThenEveryLayerOnce(_ file: String) throws {
        let events = EventLog()
        var options = LoadOptions()
        options.onOutline = { events.append("outline \($0.layers.count) \($0.layers.map { $0.createdBy ?? "?" }.joined(separator: "|"))") }
        options.onLayerDecoded = { events.append("layer \($0.index) \($0.entries) \($0.fileBytes)") }
        let image = try ImageLoader.load(path: Fixtures.url(file).path, options: options)
        let log = events.entries
        #expect(log.first == "outline \(image.layers.count) \(image.layers.map { $0.createdBy ?? "?" }.joined(separator: "|"))")
        #expect(log.dropFirst().sorted() == image.layers.map {
            "layer \($0.index) \($0.blob.changeset.count) \($0.blob.changeset.fileBytes)"
        }.sorted())
    }

    /// With a plan, only the selected image's layers are decoded.
    @Test func onlyTheSelectedImagesBlobsAreDecoded() throws {
        let path = Fixtures.url("synthetic/multi-image.tar").path
        let options = LoadOptions(imageName: "fathom/one:1")
        let contents = try ArchiveContents.scan(OuterArchive(path: path), options: options) { partial in
            var planner = Resolver(contents: partial, archive: path, options: options)
            return .layers(try! planner.plan())
        }
        let image = try ImageLoader.load(path: path, options: options)
        #expect(contents.candidates.count > Set(image.layers.map(\.memberPath)).count)
        #expect(Set(contents.blobs.keys) == Set(image.layers.map(\.memberPath)))
    }

    /// When the documents alone rule the archive out (several images and no `--image`), no blob is
    /// decoded before the error; when the resolution fails on a layer, every blob still is.
    @Test func anErrorBeforeTheLayersDecodesNothing() throws {
        let path = Fixtures.url("synthetic/multi-image.tar").path
        var planner: Resolver?
        let contents = try ArchiveContents.scan(OuterArchive(path: path)) { partial in
            planner = Resolver(contents: partial, archive: path, options: LoadOptions())
            do { _ = try planner!.plan(); return .unknown } catch { return planner!.reachedLayers ? .unknown : .failsBeforeLayers }
        }
        #expect(planner?.reachedLayers == false)
        #expect(contents.blobs.isEmpty && !contents.candidates.isEmpty)
        #expect(throws: ImageError.self) { try ImageLoader.load(path: path) }
        do {
            _ = try ImageLoader.load(path: path)
        } catch let e as ImageError {
            #expect(e.description.contains("fathom/one:1") && e.description.contains("fathom/two:2"), "\(e)")
        }
        // a manifest naming a missing layer: the resolution reaches the layers, so every blob is decoded
        let missing = Fixtures.url("synthetic/bad/manifest-names-missing-blob.tar").path
        var reached = false
        let all = try ArchiveContents.scan(OuterArchive(path: missing)) { partial in
            var p = Resolver(contents: partial, archive: missing, options: LoadOptions())
            _ = try? p.plan()
            reached = p.reachedLayers
            return .unknown
        }
        #expect(reached)
        #expect(!all.blobs.isEmpty && all.blobs.count == all.candidates.count)
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

    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var log: [String] = []
        func append(_ s: String) { lock.lock(); log.append(s); lock.unlock() }
        var entries: [String] { lock.lock(); defer { lock.unlock() }; return log }
    }

    private func extract(_ member: String, from archive: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-diffids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = try SyntheticImage.run("/usr/bin/env", ["tar", "-xf", archive, "-C", dir.path, member])
        return dir.appendingPathComponent(member).path
    }
}
