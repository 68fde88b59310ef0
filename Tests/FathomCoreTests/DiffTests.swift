import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// `ImageDiff` on real archives: one image in two layouts, two related images checked against
/// their truth files, and an image built by adding one layer to another.
@Suite struct DiffTests {
    static func sample(_ name: String) -> String { Fixtures.repositoryRoot.appendingPathComponent("SampleImages/\(name)").path }

    /// The same image as `docker save` (uncompressed layers) and as an OCI archive (zstd layers).
    @Test(arguments: [("real/wasteful.docker20.tar.zst", "real/wasteful.oci-zstd.tar"),
                      ("real/wasteful.docker20.tar.zst", "real/wasteful.docker28.tar.zst"),
                      ("SampleImages/wasteful.docker.tar", "SampleImages/wasteful.oci-zstd.tar")])
    func sameImageInTwoLayoutsIsIdentical(_ oldName: String, _ newName: String) throws {
        func path(_ n: String) -> String { n.hasPrefix("SampleImages/") ? Self.sample(String(n.dropFirst(13))) : Fixtures.url(n).path }
        let d = try ImageDiff.load(old: path(oldName), new: path(newName))
        #expect(d.old.image.layout != d.new.image.layout)
        #expect(d.layers.layers.map(\.oldIndex) == d.old.image.layers.indices.map { $0 }, "every layer shared, in place")
        #expect(d.layers.layers.map(\.diffID) == d.old.image.layers.map(\.blob.diffID))
        #expect(d.layers.sharedPrefix == d.old.image.layers.count)
        #expect(d.layers.firstCacheMiss == nil)
        #expect(d.layers.dropped.isEmpty)
        #expect(d.layers.downloadBytes == 0 && d.layers.downloadMeasure == .nothing)
        #expect(!d.layers.baseLayersChanged)
        #expect(d.files.changes.isEmpty, "\(d.files.changes.prefix(5).map(\.path))")
        #expect(d.files.directories.isEmpty)
        #expect(d.totals.finalBytes.delta == 0 && d.totals.finalBytes.old > 0)
        #expect(d.totals.shippedBytes.delta == 0 && d.totals.reclaimableBytes.delta == 0)
        #expect(d.totals.wastedBytes.delta == 0 && d.totals.efficiency.delta == 0 && d.totals.layers.delta == 0)
        #expect(d.totals.growthRatio == 0)
        #expect(d.config.isEmpty, "an absent User and \"\" are both root")
    }

    /// wasteful → good (SampleImages): every figure from the two truth files' final trees and totals.
    @Test func samplesAgreeWithTheirTruthFiles() throws {
        let d = try ImageDiff.load(old: Self.sample("wasteful.docker.tar"), new: Self.sample("good.docker.tar.zst"))
        let decoder = JSONDecoder()
        let old = try decoder.decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: Self.sample("wasteful.docker.truth.json"))))
        let new = try decoder.decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: Self.sample("good.docker.truth.json"))))
        let oldTree = Dictionary(uniqueKeysWithValues: try #require(old.finalTree).map { ($0.path, $0) })
        let newTree = Dictionary(uniqueKeysWithValues: try #require(new.finalTree).map { ($0.path, $0) })
        let got = Dictionary(uniqueKeysWithValues: d.files.changes.map { ($0.path, $0) })

        func regular(_ t: String) -> String { t == "hardlink" ? "file" : t }
        for path in Set(oldTree.keys).union(newTree.keys) {
            let b = oldTree[path], a = newTree[path]
            let change = got[path]
            switch (b, a) {
            case (nil, let a?):
                #expect(change?.change == .added && change?.bytesAfter == a.size, "\(path) added")
            case (let b?, nil):
                #expect(change?.change == .removed && change?.bytesBefore == b.size, "\(path) removed")
            case let (b?, a?):
                if regular(b.type) != regular(a.type) {
                    #expect(change?.change == .typeChanged, "\(path) type changed")
                } else if b.size != a.size || (b.type == "symlink" && b.linkTarget != a.linkTarget) {
                    #expect(change?.change == .modified, "\(path) modified")
                } else if b.mode != a.mode || b.uid != a.uid || b.gid != a.gid {
                    // same size: the content digest decides between modified and metadata-only
                    #expect(change?.change == .metadataOnly || change?.change == .modified, "\(path) metadata")
                } else {
                    #expect(change == nil || change?.change == .modified, "\(path) unchanged or same-size content change")
                }
                if let change { #expect(change.bytesBefore == b.size && change.bytesAfter == a.size, "\(path) bytes") }
            default:
                break
            }
        }
        #expect(Set(got.keys).isSubset(of: Set(oldTree.keys).union(newTree.keys)))

        // Directory deltas: every path's size summed into each of its ancestors, on both sides.
        func directorySums(_ tree: [String: Truth.TruthNode]) -> [String: Int64] {
            var sums: [String: Int64] = [:]
            for (path, node) in tree {
                var parts = path.split(separator: "/").dropLast()
                while !parts.isEmpty { sums[parts.joined(separator: "/"), default: 0] += node.size; parts = parts.dropLast() }
            }
            return sums
        }
        let oldSums = directorySums(oldTree), newSums = directorySums(newTree)
        var expected: [String: Int64] = [:]
        for path in Set(oldTree.keys).union(newTree.keys) where oldTree[path]?.type == "dir" || newTree[path]?.type == "dir" {
            let delta = (newSums[path] ?? 0) - (oldSums[path] ?? 0)
            if delta != 0 { expected[path] = delta }
        }
        #expect(Dictionary(uniqueKeysWithValues: d.files.directories.map { ($0.path, $0.deltaBytes) }) == expected)
        #expect(d.files.bytesBefore == oldTree.values.reduce(0) { $0 + $1.size })
        #expect(d.files.bytesAfter == newTree.values.reduce(0) { $0 + $1.size })

        // Totals and layers from the truth files.
        #expect(d.totals.finalBytes.old == old.finalBytes && d.totals.finalBytes.new == new.finalBytes)
        #expect(d.totals.finalBytes.delta == new.finalBytes! - old.finalBytes!)
        #expect(d.totals.shippedBytes.delta == new.shippedBytes! - old.shippedBytes!)
        #expect(d.totals.reclaimableBytes.delta == new.reclaimableBytes! - old.reclaimableBytes!)
        #expect(d.totals.wastedBytes.delta == new.dive!.wastedBytes - old.dive!.wastedBytes)
        #expect(d.totals.efficiency.delta == new.dive!.efficiency - old.dive!.efficiency)
        let oldLayers = try #require(old.layers), newLayers = try #require(new.layers)
        #expect(d.totals.layers.delta == newLayers.count - oldLayers.count)
        let oldDiffIDs = Set(oldLayers.map(\.diffId))
        #expect(d.layers.layers.map(\.shared) == newLayers.map { oldDiffIDs.contains($0.diffId) })
        let prefix = zip(oldLayers, newLayers).prefix { $0.diffId == $1.diffId }.count
        #expect(prefix == 3, "the samples share their three base layers (SampleImages/README.md)")
        #expect(d.layers.sharedPrefix == prefix)
        #expect(d.layers.firstCacheMiss?.index == prefix && d.layers.firstCacheMiss?.command == newLayers[prefix].command)
        // uncompressed layers: the blob as stored is the tar
        let pulled = Dictionary(newLayers.filter { !oldDiffIDs.contains($0.diffId) }.map { ($0.diffId, $0) }) { a, _ in a }
        #expect(d.layers.downloadMeasure == .uncompressed)
        #expect(d.layers.downloadBytes == d.new.image.layers.filter { pulled[$0.blob.diffID.value] != nil }
            .reduce(Int64(0)) { $0 + $1.blob.tarBytes })
        // config: good runs as 65532:65532, wasteful as root
        #expect(d.config.user?.old == (old.config?.user ?? "") && d.config.user?.new == new.config?.user)
        #expect(d.config.cmd == nil && d.config.entrypoint == nil)
    }

    /// NEW = OLD + one layer: a classic `docker save` extracted, one layer tar appended with its diff ID and history.
    @Test func oneAddedLayerSharesEveryOldLayer() throws {
        let old = Self.sample("wasteful.docker.tar")
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("image")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        try SyntheticImage.run("/bin/tar", ["-xf", old, "-C", archive.path])

        let staging = dir.appendingPathComponent("staging/extra")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: staging.appendingPathComponent("a.txt"))
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: staging.appendingPathComponent("b.bin"))
        let layerTar = dir.appendingPathComponent("layer.tar")
        try SyntheticImage.run("/bin/tar", ["--owner=0", "--group=0", "--numeric-owner", "-cf", layerTar.path, "-C",
                                  dir.appendingPathComponent("staging").path, "extra"])
        let layerHex = try SyntheticImage.sha256(layerTar)
        try FileManager.default.createDirectory(at: archive.appendingPathComponent(layerHex), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: layerTar, to: archive.appendingPathComponent("\(layerHex)/layer.tar"))

        let manifestURL = archive.appendingPathComponent("manifest.json")
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [[String: Any]])
        let configName = try #require(manifest[0]["Config"] as? String)
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: archive.appendingPathComponent(configName))) as? [String: Any])
        var rootfs = try #require(config["rootfs"] as? [String: Any])
        rootfs["diff_ids"] = (rootfs["diff_ids"] as! [String]) + ["sha256:\(layerHex)"]
        config["rootfs"] = rootfs
        let command = "/bin/sh -c #(nop) COPY dir:extra in /extra"
        config["history"] = (config["history"] as! [[String: Any]]) + [["created": "2024-01-01T00:00:00Z", "created_by": command]]
        let configData = try JSONSerialization.data(withJSONObject: config)
        let configTemp = dir.appendingPathComponent("config.json")
        try configData.write(to: configTemp)
        let configHex = try SyntheticImage.sha256(configTemp)
        try configData.write(to: archive.appendingPathComponent("\(configHex).json"))
        manifest[0]["Config"] = "\(configHex).json"
        manifest[0]["Layers"] = (manifest[0]["Layers"] as! [String]) + ["\(layerHex)/layer.tar"]
        manifest[0]["RepoTags"] = ["wasteful:plus-one"]
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)

        let d = try ImageDiff.load(old: old, new: archive.path)
        let oldCount = d.old.image.layers.count
        #expect(d.new.image.warnings.isEmpty, "\(d.new.image.warnings)")
        #expect(d.layers.layers.count == oldCount + 1)
        #expect(d.layers.layers.prefix(oldCount).map(\.oldIndex) == (0..<oldCount).map { $0 })
        #expect(d.layers.sharedPrefix == oldCount && d.layers.dropped.isEmpty)
        let added = try #require(d.layers.firstCacheMiss)
        #expect(added.index == oldCount && added.command == command && added.diffID.value == "sha256:\(layerHex)")
        let layerBytes = try #require(try FileManager.default.attributesOfItem(atPath: archive.appendingPathComponent("\(layerHex)/layer.tar").path)[.size] as? Int)
        #expect(d.layers.downloadBytes == Int64(layerBytes) && d.layers.downloadMeasure == .uncompressed)
        #expect(d.files.changes.map(\.path) == ["extra", "extra/a.txt", "extra/b.bin"])
        #expect(d.files.changes.allSatisfy { $0.change == .added })
        #expect(d.files.changes.map(\.bytesAfter) == [0, 6, 4096])
        #expect(d.files.directories.map(\.path) == ["extra"] && d.files.directories[0].deltaBytes == 4102)
        #expect(d.totals.finalBytes.delta == 4102 && d.totals.shippedBytes.delta == 4102 && d.totals.layers.delta == 1)
        #expect(d.config.isEmpty)
    }

    /// The good sample fixes every piece of the wasteful one's advice and introduces none; the
    /// comparison's sums are those of each image's own findings, rule by rule and severity by severity.
    @Test func adviceFixedAndIntroduced() throws {
        let d = try ImageDiff.load(old: Self.sample("wasteful.docker.tar"), new: Self.sample("good.docker.tar.zst"))
        #expect(d.new.advice.isEmpty && !d.old.advice.isEmpty)
        let groups = Dictionary(grouping: d.old.advice) { "\($0.rule) \($0.severity.rawValue)" }
        #expect(d.advice.entries.count == groups.count)
        #expect(d.advice.count(.fixed) == groups.count && d.advice.count(.introduced) == 0)
        for e in d.advice.entries {
            let g = try #require(groups["\(e.rule) \(e.severity.rawValue)"])
            #expect(e.findings == (g.count, 0) && e.paths.old == g.map(\.pathCount).reduce(0, +))
            #expect(e.reclaimableBytes == (g.map(\.reclaimableBytes).reduce(0, +), 0))
        }
        #expect(d.advice.entries.first?.severity == .high && d.advice.entries.first?.rule == "secrets-in-layers")
        let r = ImageDiff(old: d.new, new: d.old)
        #expect(r.advice.count(.introduced) == groups.count && r.advice.count(.fixed) == 0)
    }

    /// Both sides with findings of a rule: fewer bytes is smaller, more paths at equal bytes larger,
    /// the same bytes and paths unchanged; ordered high first, then fixed, introduced, larger, smaller.
    @Test func adviceSmallerLargerUnchanged() {
        func f(_ rule: String, _ severity: Finding.Severity, bytes: Int64, paths: Int) -> Finding {
            Finding(rule: rule, severity: severity, title: rule, layers: [1], paths: [], pathCount: paths,
                    reclaimableBytes: bytes, fix: "", snippet: "")
        }
        let c = AdviceComparison(
            old: [f("a", .medium, bytes: 100, paths: 2), f("b", .medium, bytes: 50, paths: 1), f("c", .low, bytes: 7, paths: 1),
                  f("d", .high, bytes: 0, paths: 1)],
            new: [f("a", .medium, bytes: 40, paths: 3), f("b", .medium, bytes: 50, paths: 2), f("c", .low, bytes: 7, paths: 1),
                  f("e", .medium, bytes: 9, paths: 1)])
        #expect(c.entries.map { "\($0.rule):\($0.status.rawValue)" } == ["d:fixed", "e:introduced", "b:larger", "a:smaller", "c:unchanged"])
    }

    /// A base layer without a command shows its history comment, as the single-image report does.
    @Test func baseLayerCommandAsInTheReport() throws {
        let path = Fixtures.url("real/debian-apt.oci-zstd.tar").path
        let d = try ImageDiff.load(old: path, new: path)
        let text = DiffTextReport.render(d, top: 3)
        #expect(text.contains("  0  shared (OLD 0)   19 MB  zstd         (no command: debootstrap --variant=minbase bookworm (slimmed))\n"))
        #expect(TextSummary.render(d.new.image).contains("(no command: debootstrap --variant=minbase bookworm (slimmed))"))
    }

    /// The comparison is symmetric: OLD → NEW added is NEW → OLD removed, deltas negated.
    @Test func swappingTheImagesSwapsAddedAndRemoved() throws {
        let d = try ImageDiff.load(old: Self.sample("wasteful.docker.tar"), new: Self.sample("good.docker.tar.zst"))
        let r = ImageDiff(old: d.new, new: d.old)
        #expect(d.files.changes.map(\.path) == r.files.changes.map(\.path))
        let swapped: [FileChangeKind: FileChangeKind] = [.added: .removed, .removed: .added, .modified: .modified,
                                                         .metadataOnly: .metadataOnly, .typeChanged: .typeChanged]
        #expect(zip(d.files.changes, r.files.changes).allSatisfy { swapped[$0.change] == $1.change && $0.deltaBytes == -$1.deltaBytes })
        #expect(d.totals.finalBytes.delta == -r.totals.finalBytes.delta)
    }

    /// Content that left one path and arrived at another (1 KiB or more) is a move, paired in path
    /// order; smaller files and unmatched content stay added and removed; a directory chain whose
    /// delta lies in one subdirectory is listed once, at its deepest directory.
    @Test func movedContentIsPairedOnce() throws {
        typealias F = SyntheticImage.File
        let old = try SyntheticImage(layers: [.init(command: "COPY old", files: [
            F(path: "usr/lib/python3/dist-packages/pkg/mod.py", bytes: 4096, seed: "mod"),
            F(path: "data/a.bin", bytes: 2048, seed: "dup"), F(path: "data/b.bin", bytes: 2048, seed: "dup"),
            F(path: "small.txt", bytes: 100, seed: "small"), F(path: "keep.txt", bytes: 10, seed: "keep"),
        ])]).write()
        let new = try SyntheticImage(layers: [.init(command: "COPY new", files: [
            F(path: "opt/venv/lib/pkg/mod.py", bytes: 4096, seed: "mod"),
            F(path: "data/c.bin", bytes: 2048, seed: "dup"),
            F(path: "small2.txt", bytes: 100, seed: "small"), F(path: "keep.txt", bytes: 10, seed: "keep"),
        ])]).write()
        defer { for u in [old, new] { try? FileManager.default.removeItem(at: u) } }
        let d = try ImageDiff.load(old: old.path, new: new.path)
        let byPath = Dictionary(uniqueKeysWithValues: d.files.changes.map { ($0.path, $0) })
        #expect(d.files.moves.map(\.path) == ["opt/venv/lib/pkg/mod.py", "data/c.bin"])
        #expect(byPath["opt/venv/lib/pkg/mod.py"]?.movedFrom == "usr/lib/python3/dist-packages/pkg/mod.py")
        #expect(byPath["data/c.bin"]?.movedFrom == "data/a.bin" && byPath["data/c.bin"]?.deltaBytes == 0)
        #expect(byPath["data/a.bin"] == nil && byPath["usr/lib/python3/dist-packages/pkg/mod.py"] == nil)
        #expect(byPath["data/b.bin"]?.change == .removed)
        #expect(byPath["small.txt"]?.change == .removed && byPath["small2.txt"]?.change == .added)
        #expect(byPath["keep.txt"] == nil)
        #expect(d.files.count(.moved) == 2 && d.files.count(.removed) >= 2)
        // opt → opt/venv → opt/venv/lib → opt/venv/lib/pkg all grow by 4096: only the deepest is listed
        let listed = d.files.largestDirectories(20).map(\.path)
        #expect(listed.contains("opt/venv/lib/pkg") && !listed.contains("opt") && !listed.contains("opt/venv/lib"))
        #expect(d.files.directories.contains { $0.path == "opt" })

        let text = DiffTextReport.render(d, top: 10, color: false)
        #expect(text.contains("Moved (the same content at another path, not counted as growth): 2 files, 6.1 kB:"))
        #expect(text.contains("usr/lib/python3/dist-packages/pkg/mod.py → opt/venv/lib/pkg/mod.py"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(DiffJSONReport.render(d))) as? [String: Any])
        let files = try #require((json["diff"] as? [String: Any])?["files"] as? [String: Any])
        #expect(files["moved"] as? Int == 2)
        let moved = (files["changes"] as? [[String: Any]] ?? []).filter { $0["change"] as? String == "moved" }
        #expect(moved.compactMap { $0["movedFrom"] as? String }.sorted() == ["data/a.bin", "usr/lib/python3/dist-packages/pkg/mod.py"])
    }

    @Test func environmentKeysNotValues() {
        let lines = ["PATH=/usr/bin", "TOKEN=secret-1", "EMPTY=", "BARE"]
        let newer = ["PATH=/usr/bin:/opt/bin", "EMPTY", "BARE", "ADDED=x"]
        func config(_ env: [String], user: String? = nil, ports: [String] = []) throws -> ImageConfig {
            var runtime: [String: Any] = ["Env": env, "ExposedPorts": Dictionary(uniqueKeysWithValues: ports.map { ($0, [String: Any]()) })]
            if let user { runtime["User"] = user }
            return try JSONDecoder().decode(ImageConfig.self, from: JSONSerialization.data(withJSONObject: ["config": runtime]))
        }
        let c = ConfigComparison(old: try! config(lines, ports: ["80/tcp"]), new: try! config(newer, user: "app", ports: ["8080/tcp"]))
        #expect(c.envKeysAdded == ["ADDED"] && c.envKeysRemoved == ["TOKEN"] && c.envKeysChanged == ["EMPTY", "PATH"])
        #expect(c.exposedPortsAdded == ["8080/tcp"] && c.exposedPortsRemoved == ["80/tcp"])
        #expect(c.user?.old == "" && c.user?.new == "app")
    }

    // MARK: helpers

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
