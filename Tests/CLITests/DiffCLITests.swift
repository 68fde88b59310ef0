import Foundation
import Testing

/// `fathom diff OLD NEW` through the real binary: text, JSON (validated against its schema), the growth
/// gate's exit codes, and one-line errors.
@Suite struct DiffCLITests {
    var wasteful: String { CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path }
    var good: String { CLI.repositoryRoot.appendingPathComponent("SampleImages/good.docker.tar.zst").path }

    func truth(_ name: String) throws -> [String: Any] {
        let url = CLI.repositoryRoot.appendingPathComponent("SampleImages/\(name).truth.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func oneImageOfEachSideOfAMultiImageArchive() throws {
        // a:1 and b:2 of one docker save: the layers they share, counted from the two truth files
        let multi = CLI.fixtures.appendingPathComponent("real/multi.docker20.tar.zst").path
        func diffIDs(_ name: String) throws -> [String] {
            let url = CLI.fixtures.appendingPathComponent("real/multi.docker20.\(name).truth.json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            return (json["layers"] as! [[String: Any]]).map { $0["diffId"] as! String }
        }
        let a = try diffIDs("a-1"), b = try diffIDs("b-2")
        let shared = b.filter(a.contains).count
        let r = try CLI.run(["diff", "--old-image", "a:1", "--new-image", "b:2", multi, multi])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(docker-save-classic, a:1, \(a.count) layers)") && r.stdout.contains("(docker-save-classic, b:2, \(b.count) layers)"))
        #expect(r.stdout.contains("Layers: \(shared) of NEW's \(b.count) shared with OLD (same diff ID), \(b.count - shared) new"), "\(r.stdout)")
        // without a choice for NEW, the archive's two images are an error naming the file
        let bad = try CLI.run(["diff", "--old-image", "a:1", multi, multi])
        #expect(bad.status == 2 && bad.errorLines.count == 1 && bad.errorLines[0].contains("multi.docker20.tar.zst"))
    }

    @Test func textOnAPipe() throws {
        let r = try CLI.run(["diff", wasteful, good])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let old = try truth("wasteful.docker"), new = try truth("good.docker")
        let oldFinal = old["finalBytes"] as! Int, newFinal = new["finalBytes"] as! Int
        for line in ["Layers: 3 of NEW's 9 shared with OLD (same diff ID), 6 new; 10 of OLD's 13 dropped",
                     "  first cache miss: layer 3: COPY /out/config/ /app/config/ # buildkit",
                     "  finalBytes          \(oldFinal)     \(newFinal)  \(newFinal - oldFinal)",
                     "  user: (not set: root) → \"65532:65532\"",
                     "  fixed      HIGH   secrets-in-layers (1 path): 1 secret file shipped in the layers: private keys or credentials (deleting them later does not remove them)"] {
            #expect(r.stdout.contains(line + "\n"), "missing: \(line)\n\(r.stdout)")
        }
        #expect(!r.stdout.contains("\u{1B}["), "no colour on a pipe")
        #expect(!r.stdout.contains("Results:"), "no gate without --ci")
    }

    @Test func topLimitsTheListedPaths() throws {
        let r = try CLI.run(["diff", "--top", "2", wasteful, good])
        #expect(r.status == 0)
        let listing = r.stdout.components(separatedBy: "Largest changes")[1].components(separatedBy: "Largest directory changes")[0]
        #expect(listing.split(separator: "\n").count == 3, "a heading and two paths:\n\(listing)")
        #expect(try CLI.run(["diff", "--top", "-1", wasteful, good]).status == 2)
    }

    @Test func jsonValidatesAgainstTheSchemaAndHasTheTruthTotals() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("diff.json")
        let r = try CLI.run(["diff", "--json", out.path, wasteful, good])
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r.stderr)")
        let schema = CLI.repositoryRoot.appendingPathComponent("docs/diff.schema.json").path
        let check = try CLI.run(executable: "/usr/bin/env", ["python3", "-c", """
            import json, sys, jsonschema
            jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
            print("valid")
            """, out.path, schema])
        #expect(check.stdout == "valid\n", "\(check.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let diff = try #require(report["diff"] as? [String: Any])
        let totals = diff["totals"] as! [String: Any]
        let old = try truth("wasteful.docker"), new = try truth("good.docker")
        for key in ["finalBytes", "shippedBytes", "reclaimableBytes"] {
            let t = totals[key] as! [String: Any]
            #expect(t["old"] as? Int == old[key] as? Int && t["new"] as? Int == new[key] as? Int, "\(key)")
            #expect(t["delta"] as? Int == (new[key] as! Int) - (old[key] as! Int), "\(key) delta")
        }
        let advice = try #require(diff["advice"] as? [[String: Any]])
        #expect(!advice.isEmpty && advice.allSatisfy { $0["status"] as? String == "fixed" })
        let secrets = try #require(advice.first)
        #expect(secrets["rule"] as? String == "secrets-in-layers" && secrets["severity"] as? String == "high")
        #expect((secrets["old"] as? [String: Any])?["paths"] as? Int == 1 && (secrets["new"] as? [String: Any])?["findings"] as? Int == 0)
        // stdout form
        let piped = try CLI.run(["diff", "--json", "-", good, good])
        #expect(piped.status == 0)
        let same = try #require(try JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any])
        let files = (same["diff"] as! [String: Any])["files"] as! [String: Any]
        #expect((files["changes"] as! [Any]).isEmpty)
    }

    @Test func gatePassesShrinkageAndFailsGrowth() throws {
        let shrink = try CLI.run(["diff", "--ci", "--highestGrowthBytes", "0", "--highestGrowthPercent", "0", wasteful, good])
        #expect(shrink.status == 0, "\(shrink.stdout)\(shrink.stderr)")
        #expect(shrink.stdout.hasPrefix("  Using default CI config\n"))
        #expect(shrink.stdout.contains("Result:PASS [Total:3] [Passed:2] [Failed:0] [Warn:0] [Skipped:1]\n"))
        let grow = try CLI.run(["diff", "--ci", "--highest-growth-bytes", "100kB", good, wasteful])
        #expect(grow.status == 1)
        let old = try truth("good.docker"), new = try truth("wasteful.docker")
        let growth = (new["finalBytes"] as! Int) - (old["finalBytes"] as! Int)
        #expect(grow.stdout.contains("  FAIL: highestGrowthBytes: growth bytes \(growth) > threshold 100000\n"))
        #expect(grow.stdout.contains("Result:FAIL"))
    }

    @Test func gateReadsTheDiffKeyAndTheEnvironment() throws {
        let dir = try CLI.temporaryDirectory()
        try Data("rules:\n  lowestEfficiency: 0.9\ndiff:\n  highestDownloadBytes: 1kB\n".utf8).write(to: dir.appendingPathComponent(".dive-ci"))
        let r = try CLI.run(["diff", wasteful, good], cwd: dir, environment: ["CI": "true"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.hasPrefix("  Using CI config: .dive-ci\n"))
        #expect(r.stdout.contains("  FAIL: highestDownloadBytes: download bytes"))
        let flagWins = try CLI.run(["diff", "--ci", "--highestDownloadBytes", "off", wasteful, good], cwd: dir)
        #expect(flagWins.status == 0)
        // --json - with --ci: the JSON owns stdout, the gate goes to stderr
        let both = try CLI.run(["diff", "--ci", "--json", "-", wasteful, good], cwd: dir)
        #expect(both.status == 1)
        #expect((try? JSONSerialization.jsonObject(with: Data(both.stdout.utf8))) != nil)
        #expect(both.stderr.contains("Result:FAIL"))
    }

    @Test func misconfigurationExits2WithOneLineNamingTheFile() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("rules.yaml")
        try Data("diff:\n  highestGrowthByte: 1MB\n".utf8).write(to: file)
        let r = try CLI.run(["diff", "--ci", "--ci-config", file.path, wasteful, good])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.errorLines.count == 1)
        #expect(r.errorLines.first?.hasPrefix("fathom: \(file.path): unknown rule 'highestGrowthByte' under diff:") == true, "\(r.stderr)")
        let flag = try CLI.run(["diff", "--ci", "--highestGrowthBytes", "1.5x", wasteful, good])
        #expect(flag.status == 2)
        #expect(flag.errorLines == ["fathom: --highestGrowthBytes: invalid value '1.5x': unhandled size name: x"])
        let percent = try CLI.run(["diff", "--ci", "--highestGrowthPercent", "-0.5", wasteful, good])
        #expect(percent.status == 2 && percent.errorLines.count == 1)
    }

    @Test func badInputExits2WithOneLine() throws {
        let missing = try CLI.run(["diff", wasteful, "/nonexistent/new.tar"])
        #expect(missing.status == 2 && missing.stdout.isEmpty)
        #expect(missing.errorLines.count == 1)
        #expect(missing.errorLines.first?.hasPrefix("fathom: /nonexistent/new.tar: ") == true, "\(missing.stderr)")
        let notAnImage = try CLI.run(["diff", CLI.repositoryRoot.appendingPathComponent("Package.swift").path, good])
        #expect(notAnImage.status == 2 && notAnImage.errorLines.count == 1)
        #expect(notAnImage.errorLines.first?.contains("Package.swift") == true, "\(notAnImage.stderr)")
        let twoStdin = try CLI.run(["diff", "-", "-"])
        #expect(twoStdin.status == 2 && twoStdin.errorLines.count == 1)
        let usage = try CLI.run(["diff", wasteful])
        #expect(usage.status == 2)
        #expect(usage.errorLines.count == 1 && usage.errorLines[0].hasSuffix("(see fathom diff --help)"), "\(usage.stderr)")
    }

    @Test func oneSideFromStandardInput() throws {
        let r = try CLI.run(["diff", "-", good], stdin: URL(fileURLWithPath: wasteful))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("  OLD  standard input (docker-save-classic"))
    }

    @Test func anImageNamedDiffIsGivenAsDotSlashDiff() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.copyItem(atPath: wasteful, toPath: dir.appendingPathComponent("diff").path)
        let r = try CLI.run(["./diff"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Image: ./diff\n"))
        let help = try CLI.run(["diff", "--help"])
        #expect(help.status == 0 && help.stdout.contains("./diff"))
    }
}
