import Foundation
import Testing
@testable import FathomCore

/// Every fixture and sample image loads with the values of its truth file.
@Suite struct ImageSourceTests {
    @Test(arguments: try Fixtures.cases())
    func archiveLoadsAsItsTruthFileSays(_ c: TruthCase) throws {
        let truth = try c.truth()
        if let expected = truth.error {
            #expect(throws: (any Error).self, "\(c.name) must be rejected: \(expected)") {
                _ = try ImageLoader.load(path: c.archive.path, options: c.options)
            }
            return
        }
        let image = try ImageLoader.load(path: c.archive.path, options: c.options)
        #expect(image.layout.rawValue == truth.layout, "\(c.name) layout")
        #expect(image.names == truth.images, "\(c.name) names")
        #expect(image.platform?.description == truth.platform, "\(c.name) platform")
        #expect(image.platforms?.map(\.description) == truth.platforms, "\(c.name) platforms")
        if let config = truth.config {
            let runtime = image.config.config
            #expect(runtime?.User.flatMap { $0.isEmpty ? nil : $0 } == config.user.flatMap { $0.isEmpty ? nil : $0 }, "\(c.name) user")
            #expect(runtime?.Entrypoint == config.entrypoint, "\(c.name) entrypoint")
            #expect(runtime?.Cmd == config.cmd, "\(c.name) cmd")
            #expect((runtime?.Env?.count ?? 0) == config.envCount, "\(c.name) env count")
        }
        let layers = try #require(truth.layers)
        try #require(image.layers.count == layers.count, "\(c.name): \(image.layers.count) layers, want \(layers.count)")
        for (layer, want) in zip(image.layers, layers) {
            let where_ = "\(c.name) layer \(want.index)"
            #expect(layer.index == want.index, "\(where_) index")
            #expect(layer.blob.diffID.value == want.diffId, "\(where_) diff ID")
            #expect(layer.blob.digest.value == want.digest, "\(where_) digest")
            #expect(layer.configDiffID?.value == want.configDiffId, "\(where_) config diff ID")
            #expect(layer.blob.compression.rawValue == want.compression, "\(where_) compression")
            #expect(layer.blob.changeset.memberCount == want.entries, "\(where_) entries")
            #expect(layer.blob.changeset.fileBytes == want.sizeBytes, "\(where_) sizeBytes")
            #expect(layer.createdBy == want.command, "\(where_) command")
        }
    }

    @Test func layersOfOneImageAreTheSameInEveryLayout() throws {
        let layouts = ["wasteful.docker20.tar.zst", "wasteful.docker28.tar.zst", "wasteful.oci-gzip.tar",
                       "wasteful.oci-zstd.tar", "wasteful.skopeo-docker.tar.zst", "wasteful.buildah.tar", "wasteful.kaniko.tar"]
        var seen: [String: [String]] = [:]
        for name in layouts {
            let image = try ImageLoader.load(path: Fixtures.url("real/\(name)").path)
            seen[name] = image.layers.map(\.blob.diffID.value)
        }
        let reference = try #require(seen["wasteful.docker20.tar.zst"])
        #expect(reference.count == 15)
        for (name, diffIDs) in seen { #expect(diffIDs == reference, "\(name)") }
    }

    @Test func symlinkedDuplicateLayerIsFollowedNotEmpty() throws {
        let image = try ImageLoader.load(path: Fixtures.url("synthetic/symlinked-duplicate-layer.tar").path)
        #expect(image.layers.count == 3)
        #expect(image.layers[2].blob.changeset.memberCount == image.layers[1].blob.changeset.memberCount)
        #expect(image.layers[2].blob.changeset.fileBytes == 3000)
        #expect(image.layers[1].blob.diffID == image.layers[2].blob.diffID)
    }

    @Test func severalImagesWithoutChoiceListsThem() throws {
        do {
            _ = try ImageLoader.load(path: Fixtures.url("synthetic/multi-image.tar").path)
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.description.contains("fathom/one:1"))
            #expect(e.description.contains("fathom/two:2"))
            #expect(e.description.contains("--image"))
        }
    }

    @Test func unknownPlatformListsTheAvailableOnes() throws {
        do {
            _ = try ImageLoader.load(path: Fixtures.url("synthetic/oci-multiplatform.tar").path,
                                     options: LoadOptions(platform: Platform(parsing: "linux/s390x")))
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.description.contains("linux/amd64"))
            #expect(e.description.contains("linux/arm64/v8"))
        }
    }

    @Test func platformWithoutVariantSelectsTheVariant() throws {
        let image = try ImageLoader.load(path: Fixtures.url("synthetic/oci-multiplatform.tar").path,
                                         options: LoadOptions(platform: Platform(parsing: "linux/arm64")))
        #expect(image.platform?.description == "linux/arm64/v8")
        #expect(image.layers.map(\.blob.compression) == [.zstd, .zstd])
    }

    @Test func imageChosenByConfigDigestPrefix() throws {
        let byName = try ImageLoader.load(path: Fixtures.url("synthetic/multi-image.tar").path,
                                          options: LoadOptions(imageName: "fathom/two:2"))
        // the config member is <hex>.json; its first 12 hex digits choose the same image
        let contents = try ArchiveContents.scan(OuterArchive(path: Fixtures.url("synthetic/multi-image.tar").path))
        let manifest = try JSONDecoder().decode([DockerManifestEntry].self, from: Data(contents.documents["manifest.json"]!))
        let two = try #require(manifest.first { ($0.RepoTags ?? []).contains("fathom/two:2") })
        let byDigest = try ImageLoader.load(path: Fixtures.url("synthetic/multi-image.tar").path,
                                            options: LoadOptions(imageName: String(two.Config.prefix(12))))
        #expect(byDigest.names == byName.names)
        #expect(byDigest.layers.map(\.blob.diffID) == byName.layers.map(\.blob.diffID))
    }

    @Test func verifyTurnsADiffIDMismatchIntoAnErrorNamingTheLayer() throws {
        let path = Fixtures.url("synthetic/bad/diffid-mismatch.tar").path
        let lenient = try ImageLoader.load(path: path)
        #expect(lenient.warnings.contains { $0.contains("layer 1") && $0.contains("diff ID") })
        do {
            _ = try ImageLoader.load(path: path, options: LoadOptions(verify: true))
            Issue.record("expected an error")
        } catch let e as ImageError {
            #expect(e.description.contains("layer 1"))
            #expect(e.description.contains("sha256:e4676e57c2212bc4d1d69600a376bed3e2cce4f744635d3bd50c05e76b66759b"))
        }
    }
}
