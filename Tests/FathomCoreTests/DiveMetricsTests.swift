import Foundation
import Testing
@testable import FathomCore

/// dive-compatible numbers: dive's own asserted values, and the truth files' dive block on every fixture.
@Suite struct DiveMetricsTests {
    func model(_ relative: String, options: LoadOptions = LoadOptions()) throws -> DiveModel {
        let image = try ImageLoader.load(path: Fixtures.url(relative).path, options: options)
        return DiveModel(changesets: image.layers.map(\.blob.changeset))
    }

    @Test func divesOwnTestImageToTheLastDigit() throws {
        // dive/image/docker/image_archive_analysis_test.go (Test_Analysis)
        let m = try model("dive/test-docker-image.tar").metrics
        #expect(m.efficiency == 0.9844212134184309)
        #expect(m.sizeBytes == 1220598)
        #expect(m.userSizeBytes == 66237)
        #expect(m.wastedBytes == 32025)
        #expect(m.userWastedPercent == 0.4834911001404049)
        #expect(m.layerSizeBytes == [1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187, 6405, 6405, 6405])
        #expect(m.inefficientFiles.map { "\($0.count) \($0.sizeBytes) \($0.path)" } == [
            "2 12810 /root/saved.txt", "2 12810 /root/example/somefile1.txt", "2 6405 /root/example/somefile3.txt",
        ])
    }

    /// 240 inefficient files in a few sizes: rows of equal size come in the order the real dive lists
    /// them (Go's sort.Sort, then reversed), recorded in Tests/Fixtures/dive-ties.dive.json.
    @Test func tiesComeInDivesOrder() throws {
        let fixtures = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures")
        let image = try ImageLoader.load(path: fixtures.appendingPathComponent("dive-ties.tar.gz").path)
        let m = DiveModel(changesets: image.layers.map(\.blob.changeset)).metrics
        let dive = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("dive-ties.dive.json"))) as? [String: Any])
        let rows = try #require(dive["fileReference"] as? [[String: Any]])
        #expect(rows.count == 240)
        #expect(m.inefficientFiles.map { "\($0.count) \($0.sizeBytes) \($0.path)" }
                == rows.map { "\($0["count"]!) \($0["sizeBytes"]!) \($0["file"]!)" })
        #expect(m.wastedBytes == dive["inefficientBytes"] as? Int64)
    }

    /// Go's sort.Sort against the order it gives for known inputs (ties by their second field).
    @Test func goSortLeavesTiesWhereGoDoes() {
        var pairs = (0..<40).map { (key: [3, 1, 2, 3, 1][$0 % 5], tag: $0) }
        GoSort.sort(&pairs) { $0.key < $1.key }
        #expect(pairs.map(\.key) == pairs.map(\.key).sorted())
        var small = (0..<12).map { (key: $0 % 3, tag: $0) }
        GoSort.sort(&small) { $0.key < $1.key }
        #expect(small.map(\.tag) == [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11], "12 or fewer: insertion sort, stable")
    }

    @Test func orphanWhiteoutAbortsTheLayerWalkLikeDive() throws {
        // whiteout-nonexistent: dive stops that layer's walk at the orphan whiteout and its key keeps
        // min = -1, so the numerator is one byte short (the real dive reports the same value).
        let m = try model("synthetic/whiteout-nonexistent.tar")
        #expect(m.metrics.efficiency == 0.9998761149653121)
        #expect(m.abortedWalks.map(\.layer) == [1])
        #expect(m.abortedWalks.first?.path == "/etc/aaa-ghost")
    }

    @Test(arguments: try Fixtures.cases())
    func diveBlockOfTheTruthFile(_ c: TruthCase) throws {
        let truth = try c.truth()
        guard truth.error == nil, let dive = truth.dive else { return }
        let image = try ImageLoader.load(path: c.archive.path, options: c.options)
        let m = DiveModel(changesets: image.layers.map(\.blob.changeset)).metrics
        #expect(abs(m.efficiency - dive.efficiency) <= 1e-12, "\(c.name) efficiency \(m.efficiency) vs \(dive.efficiency)")
        #expect(m.wastedBytes == dive.wastedBytes, "\(c.name) wastedBytes")
        #expect(m.sizeBytes == dive.sizeBytes, "\(c.name) sizeBytes")
        #expect(m.userSizeBytes == dive.userSizeBytes, "\(c.name) userSizeBytes")
        #expect(m.layerSizeBytes == dive.layerSizes, "\(c.name) layer sizes")
        if let want = dive.userWastedPercent {
            #expect(abs((m.userWastedPercent ?? .nan) - want) <= 1e-12, "\(c.name) userWastedPercent")
        } else {
            #expect(m.userWastedPercent == nil, "\(c.name) userWastedPercent must be null")
        }
        // truth orders ties by path; dive's tie order differs, so compare as sets and sizes in order
        let got = m.inefficientFiles.map { Truth.TruthInefficient(path: $0.path, count: $0.count, sizeBytes: $0.sizeBytes) }
        #expect(got.map(\.sizeBytes) == dive.inefficientFiles.map(\.sizeBytes), "\(c.name) inefficient sizes")
        #expect(Set(got.map { "\($0.path) \($0.count) \($0.sizeBytes)" }) == Set(dive.inefficientFiles.map { "\($0.path) \($0.count) \($0.sizeBytes)" }),
                "\(c.name) inefficient files")
    }
}

/// One image in eight layouts (docker save 20 and 28, skopeo, OCI gzip and zstd, buildah, kaniko) analyses identically.
@Suite struct LayoutIndependenceTests {
    @Test func wastefulImageAnalysesIdenticallyInEveryLayout() throws {
        let layouts = ["wasteful.docker20.tar.zst", "wasteful.docker28.tar.zst", "wasteful.oci-gzip.tar", "wasteful.oci-zstd.tar",
                       "wasteful.skopeo-docker.tar.zst", "wasteful.buildah.tar", "wasteful.kaniko.tar"]
        struct Facts: Equatable {
            var diffIDs: [String], final: Int64, shipped: Int64, reclaimable: Int64, efficiency: Double, wasted: Int64
            var inefficient: [String], perLayerReclaimable: [Int64], finalPaths: Int, duplicates: [[String]]
        }
        var all: [String: Facts] = [:]
        for name in layouts {
            let a = Analysis(image: try ImageLoader.load(path: Fixtures.url("real/\(name)").path))
            all[name] = Facts(diffIDs: a.image.layers.map(\.blob.diffID.value), final: a.finalBytes, shipped: a.shippedBytes,
                              reclaimable: a.reclaimableBytes, efficiency: a.dive.metrics.efficiency, wasted: a.dive.metrics.wastedBytes,
                              inefficient: a.dive.metrics.inefficientFiles.map { "\($0.path) \($0.count) \($0.sizeBytes)" },
                              perLayerReclaimable: a.layerFigures.map(\.reclaimableBytes),
                              finalPaths: a.replay.current.filter { $0 != nil }.count, duplicates: a.duplicates.map(\.paths))
        }
        let reference = try #require(all["wasteful.docker20.tar.zst"])
        #expect(reference.wasted == 311403)  // dive itself says 311379 here: it reads the symlinked layer as empty
        for (name, facts) in all { #expect(facts == reference, "\(name) differs from docker20") }
    }
}
