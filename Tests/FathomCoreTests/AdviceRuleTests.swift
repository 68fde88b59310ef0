import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// The advice rules no fixture exercises, on small images written by `SyntheticImage`.
@Suite struct AdviceRuleTests {
    typealias F = SyntheticImage.File
    static let base = SyntheticImage.Layer(command: "/bin/sh -c #(nop) ADD file:0123 in / ", files: [F(path: "etc/os-release", bytes: 300)])

    func rule(_ a: Analysis, _ id: String) -> [Finding] { a.advice.filter { $0.rule == id } }

    @Test func wholeContextCopiedBeforeTheInstallBustsTheCache() throws {
        let bad = try SyntheticImage(layers: [
            Self.base,
            .init(command: "COPY . /app # buildkit", files: [F(path: "app/package.json", bytes: 400), F(path: "app/index.js", bytes: 900)]),
            .init(command: "RUN /bin/sh -c npm ci --omit=dev # buildkit", files: [F(path: "app/node_modules/left-pad/index.js", bytes: 2000)]),
        ]).analysis()
        let f = try #require(rule(bad, "cache-busting-order").first)
        #expect(f.layers == [1, 2])
        #expect(f.paths.map(\.path) == ["/app/package.json"])
        #expect(f.reclaimableBytes == 0)
        #expect(f.title.contains("2.0 kB"))   // the install layer re-run on every source change
        #expect(f.snippet.hasPrefix("COPY package.json"))

        let good = try SyntheticImage(layers: [
            Self.base,
            .init(command: "COPY package.json package-lock.json /app/ # buildkit", files: [F(path: "app/package.json", bytes: 400), F(path: "app/package-lock.json", bytes: 800)]),
            .init(command: "RUN /bin/sh -c npm ci --omit=dev # buildkit", files: [F(path: "app/node_modules/left-pad/index.js", bytes: 2000)]),
            .init(command: "COPY . /app # buildkit", files: [F(path: "app/index.js", bytes: 900)]),
        ]).analysis()
        #expect(rule(good, "cache-busting-order").isEmpty)
        #expect(rule(good, "build-context-junk").isEmpty)   // node_modules came from npm ci, not the context
    }

    @Test func duplicatesAboveTheThresholdOnly() throws {
        let big = Int(Advisor.duplicateThresholdBytes)
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "COPY data /opt/a # buildkit", files: [F(path: "opt/a/model.bin", bytes: big, seed: "m"), F(path: "opt/a/small.txt", bytes: 100, seed: "s")]),
            .init(command: "COPY data /opt/b # buildkit", files: [F(path: "opt/b/model.bin", bytes: big, seed: "m"), F(path: "opt/b/small.txt", bytes: 100, seed: "s"),
                                                           F(path: "opt/c/model.bin", bytes: big, seed: "m")]),
        ]).analysis()
        let f = try #require(rule(a, "duplicate-content").first)
        #expect(f.reclaimableBytes == Int64(2 * big))   // two extra copies; the small pair is below the threshold
        #expect(f.paths.map(\.path) == ["/opt/b/model.bin", "/opt/c/model.bin"])
        #expect(f.layers == [1, 2])
    }

    @Test func aCopyClaimedByAnotherRuleIsNotADuplicateToo() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "COPY debs /debs # buildkit", files: [F(path: "debs/tool_1.0_amd64.deb", bytes: 20_000, seed: "deb")]),
            .init(command: "RUN /bin/sh -c cp /debs/*.deb /var/cache/apt/archives/", files: [F(path: "var/cache/apt/archives/tool_1.0_amd64.deb", bytes: 20_000, seed: "deb")]),
        ]).analysis()
        #expect(rule(a, "package-manager-leftovers").first?.reclaimableBytes == 20_000)
        #expect(rule(a, "duplicate-content").isEmpty)
    }

    @Test func fullDistributionBaseAboveAMegabyte() throws {
        func image(_ docBytes: Int) throws -> Analysis {
            try SyntheticImage(layers: [
                .init(command: "/bin/sh -c #(nop) ADD file:0123 in / ", files: [
                    F(path: "usr/share/doc/bash/changelog.gz", bytes: docBytes / 2), F(path: "usr/share/man/man1/bash.1.gz", bytes: docBytes / 4),
                    F(path: "usr/share/locale/de/LC_MESSAGES/bash.mo", bytes: docBytes / 4), F(path: "usr/bin/bash", bytes: 5000, mode: 0o755)]),
            ]).analysis()
        }
        let full = try #require(rule(try image(2_000_000), "full-distribution-base").first)
        #expect(full.reclaimableBytes == 2_000_000)
        #expect(full.layers == [0])
        #expect(full.title.contains("likely"))
        #expect(rule(try image(800_000), "full-distribution-base").isEmpty)
    }

    @Test func toolchainsByNameAndByFolder() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "RUN /bin/sh -c apt-get install -y build-essential", files: [
                F(path: "usr/bin/x86_64-linux-gnu-gcc-12", bytes: 1000, mode: 0o755),
                F(path: "usr/lib/gcc/x86_64-linux-gnu/12/cc1", bytes: 3000, mode: 0o755),
                F(path: "usr/include/stdio.h", bytes: 200),
                F(path: "usr/lib/x86_64-linux-gnu/libc.a", bytes: 700),
                F(path: "usr/share/doc/make/README", bytes: 50),   // documentation, not a tool
            ]),
            .init(command: "COPY --from=golang /usr/local/go /usr/local/go # buildkit", files: [
                F(path: "usr/local/go/bin/go", bytes: 4000, mode: 0o755), F(path: "usr/local/go/pkg/tool/linux_amd64/compile", bytes: 6000, mode: 0o755)]),
            .init(command: "COPY app /app # buildkit", files: [F(path: "app/make", bytes: 77)]),   // not executable: not evidence
        ]).analysis()
        let f = try #require(rule(a, "build-toolchain").first)
        #expect(f.reclaimableBytes == 1000 + 3000 + 200 + 700 + 4000 + 6000)
        #expect(f.layers == [1, 2])
        for evidence in ["gcc", "cc1", "/usr/local/go"] { #expect(f.title.contains(evidence), "\(evidence)") }
        #expect(!f.paths.contains { $0.path == "/app/make" })
    }

    @Test func headersAloneAreNotAToolchain() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "RUN /bin/sh -c apt-get install -y libssl-dev", files: [F(path: "usr/include/openssl/ssl.h", bytes: 9000)]),
        ]).analysis()
        #expect(rule(a, "build-toolchain").isEmpty)
    }

    @Test func leftoversCoreDumpsTemporaryFilesAndUnpackedArchives() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "RUN /bin/sh -c curl -o /opt/node-v20.tar.xz https://example.org && tar -xJf /opt/node-v20.tar.xz -C /opt", files: [
                F(path: "opt/node-v20.tar.xz", bytes: 5000), F(path: "opt/node-v20/bin/node", bytes: 9000, mode: 0o755)]),
            .init(command: "RUN /bin/sh -c ./run-tests", files: [F(path: "app/core.4242", bytes: 7000), F(path: "tmp/build/x.o", bytes: 3000)]),
            .init(command: "COPY dist.zip /srv/ # buildkit", files: [F(path: "srv/dist.zip", bytes: 2000)]),   // never unpacked: kept
        ]).analysis()
        let found = rule(a, "large-leftovers")
        let archive = try #require(found.first { $0.title.contains("archive") })
        #expect(archive.paths.map(\.path) == ["/opt/node-v20.tar.xz"] && archive.reclaimableBytes == 5000)
        let core = try #require(found.first { $0.title.contains("core dump") })
        #expect(core.paths.map(\.path) == ["/app/core.4242"] && core.reclaimableBytes == 7000)
        let tmp = try #require(found.first { $0.title.contains("/tmp") })
        #expect(tmp.reclaimableBytes == 3000 && tmp.layers == [2])
        #expect(found.count == 3)
    }

    @Test func hostNodeModulesCopiedWithTheProjectIsJunk() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "COPY . /app # buildkit", files: [
                F(path: "app/package.json", bytes: 400), F(path: "app/server.js", bytes: 900),
                F(path: "app/node_modules/express/index.js", bytes: 3000), F(path: "app/npm-debug.log", bytes: 500)]),
        ]).analysis()
        let f = try #require(rule(a, "build-context-junk").first)
        #expect(f.reclaimableBytes == 3500 && f.layers == [1])
        #expect(f.snippet == "# .dockerignore\n*.log\nnode_modules")
    }

    /// `COPY . .` with the host's node_modules, then `RUN chown -R root:root /app` (issue 18's scorecard,
    /// node-beginner): the rewrite does not hide that node_modules came in with the build context.
    @Test func hostNodeModulesStillJunkAfterAChown() throws {
        let files = [F(path: "app/package.json", bytes: 400), F(path: "app/server.js", bytes: 900), F(path: "app/node_modules/greet/index.js", bytes: 3000)]
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "COPY . . # buildkit", files: files),
            .init(command: "RUN /bin/sh -c chown -R root:root /app # buildkit", files: files),
        ]).analysis()
        let f = try #require(rule(a, "build-context-junk").first, "\(a.advice.map(\.title))")
        #expect(f.reclaimableBytes == 3000 && f.layers == [1])
        #expect(f.snippet == "# .dockerignore\nnode_modules")
    }

    /// An apt install whose debconf rewrites the base's templates.dat unchanged (issue 18's scorecard,
    /// node-good): the base's file rewritten by a package manager, low, not a metadata-only rewrite to fix with COPY --chmod.
    @Test func aPackageManagerRewritingABaseFileUnchangedIsNoMetadataRewrite() throws {
        let templates = F(path: "var/cache/debconf/templates.dat", bytes: 750_000, seed: "t")
        let a = try SyntheticImage(layers: [
            .init(command: "", files: [templates, F(path: "etc/os-release", bytes: 300)]),
            .init(command: "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends nodejs # buildkit",
                  files: [templates, F(path: "usr/bin/node", bytes: 90_000, mode: 0o755)]),
        ]).analysis()
        #expect(rule(a, "metadata-only-rewrite").isEmpty, "\(a.advice.map(\.title))")
        let f = try #require(rule(a, "cleanup-in-later-layer").first)
        #expect(f.layers == [0, 1] && f.severity == .low && f.reclaimableBytes == 750_000)
        #expect(f.title == "The base layer ships 750 kB that layer 1 deletes or rewrites")
    }

    /// Debian's golang-go with GCC (issue 18's scorecard, go-beginner): Go's standard library sources in
    /// /usr/share/go-1.19 and binutils' and GCC's triple-named tools are toolchain too; a bare `strings`
    /// (BusyBox's name) is not.
    @Test func debianGoSourcesAndTripleNamedToolsAreToolchain() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "RUN /bin/sh -c apt-get install -y golang-go # buildkit", files: [
                F(path: "usr/lib/go-1.19/bin/go", bytes: 12_000, mode: 0o755),
                F(path: "usr/share/go-1.19/src/fmt/print.go", bytes: 31_000),
                F(path: "usr/bin/x86_64-linux-gnu-as", bytes: 9_000, mode: 0o755),
                F(path: "usr/bin/x86_64-linux-gnu-lto-dump-12", bytes: 40_000, mode: 0o755),
                F(path: "usr/bin/strings", bytes: 5_000, mode: 0o755),
                F(path: "usr/bin/x86_64-linux-gnu-readelf.txt", bytes: 700)]),
        ]).analysis()
        let f = try #require(rule(a, "build-toolchain").first)
        #expect(f.reclaimableBytes == 92_000)
        #expect(f.paths.map(\.path) == ["/usr/bin/x86_64-linux-gnu-lto-dump-12", "/usr/share/go-1.19/src/fmt/print.go",
                                        "/usr/lib/go-1.19/bin/go", "/usr/bin/x86_64-linux-gnu-as"])
    }

    /// libstdc++'s headers have no suffix (`vector`, `bits/stl_algo.tcc`): below `include/c++` every file is a
    /// header (the scorecard's py-beginner: 4.1 MB of them were left out of its toolchain); elsewhere in
    /// `include` only `.h`-like names are.
    @Test func cxxHeadersWithoutASuffixAreToolchain() throws {
        let a = try SyntheticImage(layers: [
            Self.base,
            .init(command: "RUN /bin/sh -c apt-get install -y g++ # buildkit", files: [
                F(path: "usr/bin/x86_64-linux-gnu-g++-12", bytes: 10_000, mode: 0o755),
                F(path: "usr/include/c++/12/vector", bytes: 3_000), F(path: "usr/include/c++/12/bits/stl_algo.tcc", bytes: 6_000),
                F(path: "usr/include/stdio.h", bytes: 1_000), F(path: "usr/include/rpcsvc/rquota.x", bytes: 200)]),
        ]).analysis()
        let f = try #require(rule(a, "build-toolchain").first)
        #expect(f.reclaimableBytes == 20_000)
        #expect(f.paths.map(\.path) == ["/usr/bin/x86_64-linux-gnu-g++-12", "/usr/include/c++/12/bits/stl_algo.tcc",
                                        "/usr/include/c++/12/vector", "/usr/include/stdio.h"])
    }

    @Test(arguments: [("x86_64-linux-gnu-gcc-12", "gcc"), ("gcc-12", "gcc"), ("clang-16", "clang"), ("arm-linux-gnueabihf-g++", "g++"),
                      ("aarch64-linux-gnu-ld.bfd", "ld.bfd"), ("make", "make"), ("python3.11", "python3.11"), ("node-gyp", "node-gyp")])
    func toolNames(_ name: String, _ tool: String) {
        #expect(FinalPayload.toolName(name) == tool)
    }

    /// A `COPY . .` that brought `.git/`, then `RUN chmod -R 755 /app`: the junk is still named on the
    /// COPY (not taken by the rewrite), and the rewrite says which files it shipped again unchanged.
    @Test func junkRewrittenByChmodIsStillNamed() throws {
        let copy = DockerArchiveBuilder.layer { t in
            t.add("app/.git/HEAD", data: Array(repeating: 0x61, count: 41))
            t.add("app/.git/objects/pack/pack-1.pack", data: Array(repeating: 0x62, count: 50_000))
            t.add("app/.git/hooks/pre-commit.sample", data: Array(repeating: 0x63, count: 1_600), mode: 0o755)
            t.add("app/main.py", data: Array("print('hi')\n".utf8))
        }
        let chmod = DockerArchiveBuilder.layer { t in
            t.add("app/.git/HEAD", data: Array(repeating: 0x61, count: 41), mode: 0o755)
            t.add("app/.git/objects/pack/pack-1.pack", data: Array(repeating: 0x62, count: 50_000), mode: 0o755)
            t.add("app/.git/hooks/pre-commit.sample", data: Array(repeating: 0x63, count: 1_600), mode: 0o755)
            t.add("app/main.py", data: Array("print('hi')\n".utf8), mode: 0o755)
        }
        var builder = DockerArchiveBuilder(layers: [copy, chmod])
        builder.commands = ["COPY dir:0123abcd in /app", "/bin/sh -c chmod -R 755 /app"]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-junk-\(UUID().uuidString).tar")
        try Data(builder.build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let advice = Analysis(image: try ImageLoader.load(path: url.path)).advice
        let junk = try #require(advice.first { $0.rule == "build-context-junk" }, "\(advice.map(\.title))")
        #expect(junk.layers == [0] && junk.paths.map(\.path).contains("/app/.git/objects/pack/pack-1.pack"))
        #expect(junk.title.hasPrefix("Layer 0 copies"))
        let rewrite = try #require(advice.first { $0.rule == "metadata-only-rewrite" })
        #expect(rewrite.title.hasPrefix("Layer 1 ships 4 files again unchanged or only to change mode or owner"))
        #expect(!advice.contains { $0.rule == "cleanup-in-later-layer" }, "an identical rewrite is not a cleanup: \(advice.map(\.title))")
    }
}
