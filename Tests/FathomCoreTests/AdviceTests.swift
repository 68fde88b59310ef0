import Foundation
import Testing
@testable import FathomCore

/// Advice on real images: the wasteful sample triggers what it was built to trigger, the good one nothing.
@Suite struct AdviceTests {
    static let wasteful = try! Analysis(image: ImageLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path))

    /// Sizes of a layer's regular-file entries by path (the loader's view, checked against truth elsewhere).
    func entrySizes(_ a: Analysis, layer: Int) -> [String: Int64] {
        let c = a.image.layers[layer].blob.changeset
        var out: [String: Int64] = [:]
        for row in 0..<c.count where c.kinds[row] == .file { out["/" + c.path(row)] = c.sizes[row] }
        return out
    }

    func finding(_ a: Analysis, _ rule: String, layers: [Int]) -> Finding? {
        a.advice.first { $0.rule == rule && $0.layers == layers }
    }

    @Test func wastefulSampleTriggersEachMistakeItCommits() throws {
        let a = Self.wasteful
        let layer6 = entrySizes(a, layer: 6), layer5 = entrySizes(a, layer: 5), layer8 = entrySizes(a, layer: 8)
        // apt lists written in layer 6, deleted by layer 12
        let lists = try #require(finding(a, "cleanup-in-later-layer", layers: [6, 12]))
        let listBytes = layer6.filter { $0.key.hasPrefix("/var/lib/apt/lists/") }.values.reduce(0, +)
        #expect(lists.reclaimableBytes == listBytes && listBytes > 0)
        // the download cache of layer 5, deleted by layer 11
        let downloads = try #require(finding(a, "cleanup-in-later-layer", layers: [5, 11]))
        #expect(downloads.reclaimableBytes == layer5.filter { $0.key.hasPrefix("/var/cache/downloads/") }.values.reduce(0, +))
        // chmod in its own layer
        let chmod = try #require(finding(a, "metadata-only-rewrite", layers: [8]))
        #expect(chmod.paths.map(\.path) == ["/app/bin/server"])
        #expect(chmod.reclaimableBytes == layer8["/app/bin/server"])
        // caches left in the final image
        let pip = try #require(a.advice.first { $0.rule == "package-manager-leftovers" && $0.title.contains("pip") })
        #expect(pip.reclaimableBytes == layer6.filter { $0.key.hasPrefix("/root/.cache/pip/") }.values.reduce(0, +))
        let apt = try #require(a.advice.first { $0.rule == "package-manager-leftovers" && $0.title.contains("apt") })
        #expect(apt.paths.allSatisfy { $0.path.hasPrefix("/var/cache/apt/archives/") })
        // .env copied in with the context; no USER
        let secrets = try #require(a.advice.first { $0.rule == "secrets-in-layers" })
        #expect(secrets.severity == .high)
        #expect(secrets.paths.map(\.path) == ["/app/.env"])
        #expect(secrets.reclaimableBytes == 0)
        #expect(a.advice.contains { $0.rule == "runs-as-root" })
    }

    @Test func wastefulSampleKeepsItsToolchainContextJunkAndUnpackedArchive() throws {
        let a = Self.wasteful
        let layer4 = entrySizes(a, layer: 4), layer5 = entrySizes(a, layer: 5)
        // the fake gcc unpacked into /usr/local/fake-gcc by layer 5 (bin/cc is a hardlink: counted once)
        let toolchain = try #require(a.advice.first { $0.rule == "build-toolchain" })
        #expect(toolchain.layers == [5])
        #expect(toolchain.reclaimableBytes == layer5.filter { $0.key.hasPrefix("/usr/local/fake-gcc/") }.values.reduce(0, +))
        for tool in ["gcc", "cc1", "make"] { #expect(toolchain.title.contains(tool), "\(tool)") }
        // COPY . /app without a .dockerignore: .git/, tests/, the Dockerfile, build.tmp
        let junk = try #require(finding(a, "build-context-junk", layers: [4]))
        let junkBytes = layer4.filter { p, _ in
            p.hasPrefix("/app/.git/") || p.hasPrefix("/app/tests/") || p == "/app/Dockerfile" || p == "/app/build.tmp"
        }.values.reduce(0, +)
        #expect(junk.reclaimableBytes == junkBytes && junkBytes > 0)
        #expect(!junk.paths.contains { $0.path == "/app/.env" })   // a secret, reported as one
        #expect(junk.snippet.contains("\n.git") && junk.snippet.contains("\ntests"))
        // the toolchain archive that layer 5 unpacks stays in /app/third_party
        let archive = try #require(a.advice.first { $0.rule == "large-leftovers" })
        #expect(archive.paths.map(\.path) == ["/app/third_party/fake-toolchain-1.0.tar.gz"])
        #expect(archive.layers == [4, 5])
        #expect(archive.reclaimableBytes == layer4["/app/third_party/fake-toolchain-1.0.tar.gz"])
        // every inode counted once across findings
        #expect(a.advice.reduce(0) { $0 + $1.reclaimableBytes } <= a.shippedBytes)
    }

    @Test func wellBuiltSampleTriggersNothing() throws {
        let good = try Analysis(image: ImageLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("SampleImages/good.docker.tar.zst").path))
        #expect(good.advice.isEmpty, "\(good.advice.map(\.title))")
    }

    @Test func debianAptReportsTheListsDeletedInALaterLayer() throws {
        let a = try Analysis(image: ImageLoader.load(path: Fixtures.url("real/debian-apt.oci-zstd.tar").path))
        let lists = try #require(finding(a, "cleanup-in-later-layer", layers: [3, 5]))
        // what those paths hold: layer 3's files under the lists, which layer 5 (rm -rf /var/lib/apt/lists/*) removes
        let truth = try #require(try Fixtures.cases().first { $0.name == "real/debian-apt.oci-zstd.truth.json" }?.truth())
        let removed = Set(try #require(truth.layers)[5].removed.map { "/" + $0 })
        let expected = entrySizes(a, layer: 3).filter { removed.contains($0.key) && $0.key.hasPrefix("/var/lib/apt/lists/") }.values.reduce(0, +)
        #expect(lists.reclaimableBytes == expected)
        #expect(expected > 1_000_000)
        #expect(lists.paths.allSatisfy { $0.path.hasPrefix("/var/lib/apt/lists/") })
    }

    @Test(arguments: try Fixtures.cases())
    func findingsNeverClaimMoreThanTheImageShips(_ c: TruthCase) throws {
        let truth = try c.truth()
        guard truth.error == nil else { return }
        let a = try Analysis(image: ImageLoader.load(path: c.archive.path, options: c.options))
        let hidden = a.advice.filter { $0.rule == "cleanup-in-later-layer" || $0.rule == "metadata-only-rewrite" }
        #expect(hidden.reduce(0) { $0 + $1.reclaimableBytes } <= a.reclaimableBytes, "\(c.name)")
        #expect(a.advice.reduce(0) { $0 + $1.reclaimableBytes } <= a.shippedBytes, "\(c.name)")
        for f in a.advice { #expect(f.paths.count <= 10 && f.pathCount >= f.paths.count, "\(c.name) \(f.rule)") }
    }

    @Test func orderIsDeterministic() throws {
        // dive's test image has findings with equal bytes and severity: layers break the tie
        let a = try Analysis(image: ImageLoader.load(path: Fixtures.url("dive/test-docker-image.tar").path))
        let rewrites = a.advice.filter { $0.rule == "metadata-only-rewrite" }.map(\.layers)
        #expect(rewrites == [[4], [13]])
        let cleanups = a.advice.filter { $0.rule == "cleanup-in-later-layer" }.map(\.layers)
        #expect(cleanups == [[4, 9], [5, 9], [6, 7]])
    }

    @Test(arguments: [("app/.env", true), ("root/.ssh/id_rsa", true), ("root/.ssh/id_rsa.pub", false), ("etc/ssl/private/server.key", true),
                      ("home/app/.npmrc", true), ("root/.aws/credentials", true), ("root/.docker/config.json", true),
                      ("app/.env.example", false), ("app/env.txt", false), ("app/config.json", false), ("etc/tls/server.pem", true),
                      ("root/.git-credentials", true), ("home/u/.pypirc", true), ("opt/cert.p12", true)])
    func secretNames(_ path: String, _ secret: Bool) {
        #expect(Advisor.isSecret(path) == secret)
        // the byte prefilter never rejects a name isSecret accepts
        let name = ArraySlice(Array(path.split(separator: "/").last!.utf8))
        if secret { #expect(Advisor.mayBeSecret(name)) }
    }
}
