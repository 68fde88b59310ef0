import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// `secrets-in-layers` decides by name and content: public certificate bundles are not secrets, keys in
/// installed packages' test data are not the user's, and certain hits come first with their layers.
@Suite struct SecretAdviceTests {
    static let certificate = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
    static let privateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----\n"

    func advice(_ layers: [[UInt8]]) throws -> [Finding] {
        let path = try temporaryFile(DockerArchiveBuilder(layers: layers).build())
        return Analysis(image: try ImageLoader.load(path: path)).advice.filter { $0.rule == "secrets-in-layers" }
    }

    @Test func publicBundlesAndPackageTestDataAreNotTheUsersSecrets() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("usr/lib/python3/dist-packages/certifi/cacert.pem", data: Array(String(repeating: Self.certificate, count: 50).utf8))
            t.add("usr/local/lib/python3.11/site-packages/botocore/cacert.pem", data: Array(Self.certificate.utf8))
            t.add("etc/ssl/certs/ca-certificates.pem", data: Array(Self.certificate.utf8))
            t.add("usr/local/go/src/crypto/tls/testdata/example-key.pem", data: Array(Self.privateKey.utf8))
            t.add("usr/share/cmake-3.25/Templates/Windows/Windows_TemporaryKey.pfx", data: [0x30, 0x82, 0x09, 0x00, 1, 2, 3])
            t.add("home/app/.npmrc", data: Array("registry=https://registry.npmjs.org/\n".utf8))
        }
        let findings = try advice([layer])
        #expect(findings.map(\.severity) == [.low], "\(findings.map(\.title))")
        #expect(Set(findings.first?.paths.map(\.path) ?? []) == ["/usr/local/go/src/crypto/tls/testdata/example-key.pem",
                                                               "/usr/share/cmake-3.25/Templates/Windows/Windows_TemporaryKey.pfx"])
    }

    @Test func certainHitsComeFirstWithTheirLayers() throws {
        let first = DockerArchiveBuilder.layer { t in
            t.add("app/.env", data: Array("# settings\nDEBUG=1\nAPI_KEY=sk-live-0123456789\n".utf8))
            t.add("app/certs/server.pem", data: Array((Self.certificate + Self.privateKey).utf8))
            t.add("app/client.p12", data: [0x30, 0x82, 1, 2])
            t.add("root/.npmrc", data: Array("//registry.npmjs.org/:_authToken=npm_abcdef\n".utf8))
        }
        let second = DockerArchiveBuilder.layer { t in
            t.add("app/.env", data: Array("API_KEY=sk-live-9876543210\n".utf8))
            t.add("app/certs/.wh.server.pem")
        }
        let findings = try advice([first, second])
        #expect(findings.map(\.severity) == [.high, .medium])
        let high = try #require(findings.first)
        #expect(Set(high.paths.map(\.path)) == ["/app/.env", "/app/certs/server.pem", "/root/.npmrc"])
        #expect(high.paths.first { $0.path == "/app/.env" }?.layers == [0, 1], "one path, both layers that ship it")
        #expect(high.snippet.contains(".env*") && high.snippet.contains("npmrc"))
        #expect(findings[1].paths.map(\.path) == ["/app/client.p12"])
    }

    @Test func aPythonAppsEnvGetsNoNpmSnippet() throws {
        let layer = DockerArchiveBuilder.layer { t in t.add("app/.env", data: Array("DATABASE_PASSWORD=hunter2\n".utf8)) }
        let snippet = try #require(try advice([layer]).first).snippet
        #expect(snippet == "# .dockerignore\n.env*\n# at run time instead: docker run --env-file .env IMAGE")
    }

    @Test(arguments: [
        ("PASSWORD=hunter2", true), ("password: ${DB_PASSWORD}", false), ("token = \"\"", false), ("TOKEN=abc", true),
        ("# API_KEY=abc", false), ("url=https://user:pa55@example.com/x", true), ("\"auth\": \"ZmF0aG9tOnMzY3JldA==\"", true),
        ("name=app", false), ("aws_secret_access_key = wJalrXUtnFEMI", true),
    ])
    func credentialLines(_ line: String, _ credential: Bool) {
        let inspector = ContentInspector()
        Array((line + "\n").utf8).withUnsafeBytes { inspector.inspect($0) }
        #expect(inspector.hints.contains(.credential) == credential, "\(line)")
    }
}

/// What the advice and the report around it must not say.
@Suite struct AdviceNoiseTests {
    func analysis(_ layers: [[UInt8]]) throws -> Analysis {
        Analysis(image: try ImageLoader.load(path: try temporaryFile(DockerArchiveBuilder(layers: layers).build())))
    }

    /// `apt-get clean` keeps an empty lock file: no "0 B of apt's downloaded packages".
    @Test func anEmptyAptLockIsNoFinding() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("var/cache/apt/archives/lock")
            t.add("var/cache/apt/archives/partial/", kind: .directory)
        }
        #expect(try analysis([layer]).advice.filter { $0.rule == "package-manager-leftovers" }.isEmpty)
    }

    /// Duplicates of a few bytes are not listed in the text report (the JSON keeps every group).
    @Test func tinyDuplicatesAreNotListed() throws {
        let layer = DockerArchiveBuilder.layer { t in
            for i in 0..<3 { t.add("a/x\(i)", data: [1, 2, 3]) }
            for i in 0..<2 { t.add("b/big\(i)", data: [UInt8](repeating: 7, count: 20_000)) }
        }
        let a = try analysis([layer])
        #expect(a.duplicates.count == 2)
        let text = TextReport.render(a, largest: 0)
        #expect(text.contains("Duplicate content: 1 group of files of 10 kB or more, 20 kB in extra copies (1 group of smaller files not listed)"))
        #expect(!text.contains("/a/x0"))
    }
}

/// What users look for first, and what a clean image gets.
@Suite struct LargestAndCleanTests {
    @Test func largestFilesAndDirectoriesOfTheFinalFilesystem() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("usr/lib/big.so", data: [UInt8](repeating: 1, count: 30_000))
            t.add("usr/lib/small.so", data: [UInt8](repeating: 2, count: 1_000))
            t.add("app/data.bin", data: [UInt8](repeating: 3, count: 20_000))
            t.add("gone.bin", data: [UInt8](repeating: 4, count: 90_000))
        }
        let top = DockerArchiveBuilder.layer { t in t.add(".wh.gone.bin") }
        let a = Analysis(image: try ImageLoader.load(path: try temporaryFile(DockerArchiveBuilder(layers: [layer, top]).build())))
        let l = LargestPaths(a.replay, top: 2)
        #expect(l.files == [.init(path: "/usr/lib/big.so", bytes: 30_000), .init(path: "/app/data.bin", bytes: 20_000)])
        #expect(l.directories == [.init(path: "/usr", bytes: 31_000), .init(path: "/usr/lib", bytes: 31_000)])
        let text = TextReport.render(a, largest: 2)
        #expect(text.contains("    30 kB  /usr/lib/big.so\n    20 kB  /app/data.bin\n    31 kB  /usr/\n    31 kB  /usr/lib/\n"))
    }

    /// Hundreds of files and directories, sizes with many ties: the bounded selection keeps what sorting
    /// everything gives (by bytes, ties by path).
    @Test func largestOfManyMatchesSortingThemAll() throws {
        var sizes: [String: Int] = [:]
        let layer = DockerArchiveBuilder.layer { t in
            for i in 0..<600 {
                let path = "d\(i % 37)/e\(i % 5)/f\(i)"
                let size = 100 + (i * 7919) % 23 * 10   // 23 distinct sizes
                sizes[path] = size
                t.add(path, data: [UInt8](repeating: UInt8(i & 0xFF), count: size))
            }
        }
        let a = Analysis(image: try ImageLoader.load(path: try temporaryFile(DockerArchiveBuilder(layers: [layer]).build())))
        var dirs: [String: Int] = [:]
        for (path, size) in sizes {
            let parts = path.split(separator: "/")
            for k in 1..<parts.count { dirs["/" + parts[..<k].joined(separator: "/"), default: 0] += size }
        }
        func top(_ m: [String: Int], _ k: Int) -> [LargestPaths.Entry] {
            m.map { LargestPaths.Entry(path: $0.key, bytes: Int64($0.value)) }
                .sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.path < $1.path }.prefix(k).map { $0 }
        }
        for k in [1, 5, 12] {
            let l = LargestPaths(a.replay, top: k)
            #expect(l.files == top(Dictionary(uniqueKeysWithValues: sizes.map { ("/" + $0.key, $0.value) }), k))
            #expect(l.directories == top(dirs, k))
        }
    }

    @Test func aCleanImageSaysSoInOneLine() throws {
        let layer = DockerArchiveBuilder.layer { t in t.add("app/main", data: [1, 2, 3]) }
        var builder = DockerArchiveBuilder(layers: [layer])
        builder.user = "65532"
        let a = Analysis(image: try ImageLoader.load(path: try temporaryFile(builder.build())))
        #expect(a.advice.isEmpty)
        #expect(TextReport.render(a).contains("Advice: none: nothing to reclaim, no secret, not root\n"))
    }
}

/// Dependency installs are recognised by tool and subcommand, whatever their options.
@Suite struct InstallCommandTests {
    @Test(arguments: [
        (["pip", "install"], "/bin/sh -c pip3 install --break-system-packages -r requirements.txt", true),
        (["pip", "install"], "RUN /bin/sh -c python3 -m pip install --no-cache-dir -r requirements.txt # buildkit", true),
        (["pip", "install"], "/bin/sh -c apt-get update && /usr/local/bin/pip3.11 install -U pip", true),
        (["pip", "install"], "/bin/sh -c pipx run black", false),
        (["uv", "sync"], "/bin/sh -c uv sync --frozen", true),
        (["npm", "ci"], "/bin/sh -c NODE_ENV=production npm ci --omit=dev", true),
        (["yarn", "install"], "/bin/sh -c yarn --frozen-lockfile", true),
        (["yarn", "install"], "/bin/sh -c yarn build", false),
        (["go", "mod"], "/bin/sh -c cd /src && go mod download", true),
        (["gradlew"], "/bin/sh -c ./gradlew --no-daemon build", true),
        (["bundle", "install"], "/bin/sh -c echo bundle install", false),
    ])
    func recognisesInstalls(_ pattern: [String], _ command: String, _ runs: Bool) {
        #expect(InstallCommand.runs(pattern, in: command) == runs, "\(command)")
    }
}

/// The fix follows the instruction that shipped the bytes.
@Suite struct FixFitsTheStepTests {
    typealias F = SyntheticImage.File

    @Test func aCopiedFileDeletedLaterIsKeptOutOfTheCopy() throws {
        let a = try SyntheticImage(layers: [
            .init(command: "/bin/sh -c #(nop) ADD file:0123 in / ", files: [F(path: "etc/os-release", bytes: 300)]),
            .init(command: "/bin/sh -c #(nop) WORKDIR /srv/app", files: []),
            .init(command: "COPY . . # buildkit", files: [F(path: "srv/app/main.py", bytes: 500), F(path: "srv/app/data/big.csv", bytes: 50_000),
                                                         F(path: "srv/app/data/more.csv", bytes: 40_000)]),
            .init(command: "RUN /bin/sh -c rm -rf data # buildkit", files: [], deletes: ["srv/app/data"]),
        ]).analysis()
        let f = try #require(a.advice.first { $0.rule == "cleanup-in-later-layer" && $0.layers == [2, 3] })
        #expect(f.fix.hasPrefix("Keep these files out of the COPY"), "\(f.fix)")
        #expect(f.snippet.hasPrefix("# .dockerignore\ndata/\n"), "\(f.snippet)")
    }

    @Test func aRepeatedStepIsNamedAsSuch() throws {
        let step = SyntheticImage.Layer(command: "/bin/sh -c echo hi > /greeting", files: [F(path: "greeting", bytes: 3000, seed: "same")])
        let a = try SyntheticImage(layers: [
            .init(command: "/bin/sh -c #(nop) ADD file:0123 in / ", files: [F(path: "etc/os-release", bytes: 300)]), step, step,
        ]).analysis()
        let f = try #require(a.advice.first { $0.rule == "cleanup-in-later-layer" && $0.layers == [1, 2] })
        #expect(f.fix.hasPrefix("Layer 2 repeats layer 1 (the same diff ID: the same step twice"), "\(f.fix)")
    }
}
