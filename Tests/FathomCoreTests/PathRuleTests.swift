import Foundation
import Testing
@testable import FathomCore

/// The CI path rules: `**` globbing as documented, malformed patterns refused, and the rules checked
/// against the wasteful sample's truth file (its final tree; its hidden apt lists).
@Suite struct PathRuleTests {
    @Test(arguments: [
        ("**/.git/**", "app/.git/HEAD", true),
        ("**/.git/**", ".git/config", true),
        ("**/.git/**", "app/.git", false),          // below .git, not .git itself
        ("**/.git", "app/.git", true),
        ("**/.git", ".git", true),
        ("**/*.pem", "etc/ssl/certs/ca.pem", true),
        ("**/*.pem", "ca.pem", true),
        ("**/*.pem", "etc/ssl/pem.txt", false),
        ("*.pem", "etc/ca.pem", false),             // anchored at the root, * stays in a segment
        ("/var/lib/apt/lists/**", "var/lib/apt/lists/x_Packages", true),
        ("/var/lib/apt/lists/**", "var/lib/apt/lists", false),
        ("var/lib/apt/lists/**", "var/lib/apt/lists/partial/a", true),
        ("a/**/b", "a/b", true),
        ("a/**/b", "a/x/y/b", true),
        ("a/**/b", "a/x/y/c", false),
        ("app/[a-c]*.ini", "app/config.ini", true),
        ("app/[!a-c]*.ini", "app/config.ini", false),
        ("app/?.txt", "app/x.txt", true),
        ("app/?.txt", "app/xy.txt", false),
        ("app/\\*", "app/*", true),
        ("app/\\*", "app/x", false),
        ("**", "anything/at/all", true),
        ("usr/**/lib*.so*", "usr/lib/x86_64-linux-gnu/libz.so.1", true),
    ])
    func globs(_ pattern: String, _ path: String, _ matches: Bool) throws {
        #expect(try PathGlob(pattern).matches(path) == matches, "\(pattern) vs \(path)")
    }

    @Test(arguments: ["", "/", "a**", "**b/c", "a/[bc", "a/b\\", "[z-a]", "/app/../etc/passwd", "./app"])
    func malformedPatterns(_ pattern: String) {
        #expect(throws: PathGlob.Invalid.self) { try PathGlob(pattern) }
    }

    /// A hostile name cannot make matching slow: each segment is matched by the two-pointer algorithm.
    @Test func longNamesMatchQuickly() throws {
        let glob = try PathGlob("**/*a*a*a*a*a*a*a*a*b")
        let name = String(repeating: "a", count: 20_000)
        #expect(!glob.matches("x/" + name))
    }

    @Test func rulesOnTheWastefulSample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let analysis = try Analysis(image: ImageLoader.load(path: root.appendingPathComponent("SampleImages/wasteful.docker.tar").path))
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("SampleImages/wasteful.docker.truth.json"))) as! [String: Any]
        let finalPaths = (truth["finalTree"] as! [[String: Any]]).map { $0["path"] as! String }
        var config = CIConfig()
        try config.apply(yaml: """
            path-rules:
              block: ["**/.git/**", "**/*.pem"]
              deny-waste: ["/var/lib/apt/lists/**", "/opt/**"]
            """, file: ".dive-ci")
        let gate = CIGate(analysis: analysis, config: config)
        #expect(gate.pathResults.map(\.outcome) == [.fail, .pass, .fail, .pass])
        #expect(!gate.passed)
        let git = gate.pathResults[0]
        #expect(git.paths == finalPaths.filter { $0.hasPrefix("app/.git/") }.sorted().map { "/" + $0 })
        #expect(git.detail.hasSuffix("written by layer 4: COPY dir:76a41a63eea71cf504a7c2fbb4fb1ed88f89b8376d4a5f134d…"))
        #expect(git.detail.hasPrefix("10 paths in the final image: /app/.git/HEAD, /app/.git/config,"))
        let lists = gate.pathResults[2]
        #expect(lists.paths == ["/var/lib/apt/lists/deb.example.org_debian_dists_bookworm_main_binary-amd64_Packages"])
        #expect(lists.detail.contains("shipped by layer 6: ") && lists.detail.hasSuffix("hidden by layer 12"))
        #expect(lists.bytes > 0 && !finalPaths.contains(String(lists.paths[0].dropFirst())), "wasted: not in the final tree")
        let text = gate.render(color: false)
        #expect(text.contains("  FAIL: path-rules.block '**/.git/**': 10 paths"))
        #expect(text.hasSuffix("Result:FAIL [Total:9] [Passed:3] [Failed:3] [Warn:0] [Skipped:3]\n"))
        // one path shipped by two layers and hidden each time is one path
        var twice = CIConfig()
        try twice.apply(yaml: "path-rules:\n  deny-waste: [\"/app/bin/server\"]\n", file: ".dive-ci")
        let server = try #require(CIGate(analysis: analysis, config: twice).pathResults.first)
        #expect(server.paths == ["/app/bin/server"] && server.detail.hasPrefix("1 path, 54 kB wasted: /app/bin/server; shipped by layer 4"))
    }

    @Test(arguments: [
        ("path-rules:\n  blok: [a]\n", "unknown key 'blok' under path-rules: (known: block, deny-waste)"),
        ("path-rules:\n  block: {a: 1}\n", "path-rules.block must be a list of path patterns"),
        ("path-rules:\n  block: [\"a**\"]\n", "path-rules.block: invalid pattern 'a**': '**' must be a whole path segment"),
        ("path-rules: [a]\n", "'path-rules' must be a mapping"),
    ])
    func misconfiguration(_ yaml: String, _ message: String) {
        var config = CIConfig()
        do {
            try config.apply(yaml: yaml, file: "ci.yaml")
            Issue.record("no error for \(yaml)")
        } catch {
            #expect("\(error)".hasPrefix("ci.yaml: " + message) , "\(error)")
        }
    }

    /// Every starter file parses, and the good sample passes it.
    @Test(arguments: StarterConfig.Flavour.allCases)
    func starterConfigs(_ flavour: StarterConfig.Flavour) throws {
        var config = CIConfig()
        try config.apply(yaml: StarterConfig.text(flavour, version: "test"), file: ".dive-ci")
        #expect(config.pathRules.block.count >= 6 && config.pathRules.denyWaste.count >= 5)
        #expect(config.thresholds[.lowestEfficiency] == .ratio(0.95) && config.thresholds[.highestAdviceSeverity] == .severity(.high))
    }
}
