import Foundation
import Testing

/// `--ci` and `--json` through the real binary: exit codes, output, files, environment.
@Suite struct CIAndJSONTests {
    var testImage: String { CLI.fixtures.appendingPathComponent("dive/test-docker-image.tar").path }

    @Test func defaultRulesFailDivesTestImageWithExit1() throws {
        let r = try CLI.run(["--ci", testImage])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("  Using default CI config\n"))
        for line in ["  efficiency:          98.4421 %", "  wastedBytes:         32025 bytes (32 kB)",
                     "  userWastedPercent:   48.3491 %", "    2         13 kB  /root/saved.txt",
                     "  FAIL: highestUserWastedPercent: user wasted percent 0.4834911001404049 > threshold 0.1",
                     "  PASS: lowestEfficiency: efficiency 0.9844212134184309 >= threshold 0.9",
                     "  SKIP: highestWastedBytes: rule disabled",
                     "Result:FAIL [Total:5] [Passed:1] [Failed:1] [Warn:0] [Skipped:3]"] {
            #expect(r.stdout.contains(line + "\n"), "missing: \(line)")
        }
        #expect(!r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func passingRulesExit0() throws {
        let r = try CLI.run(["--ci", "--highestUserWastedPercent", "0.5", "--highestWastedBytes", "32KiB",
                             "--highest-reclaimable-bytes", "32025", "--fail-on-advice", "high", testImage])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("Result:PASS [Total:5] [Passed:5] [Failed:0] [Warn:0] [Skipped:0]"))
    }

    @Test func reclaimableRuleFails() throws {
        let r = try CLI.run(["--ci", "--highestUserWastedPercent", "disabled", "--highestReclaimableBytes", "32kB", testImage])
        #expect(r.status == 1)
        #expect(r.stdout.contains("  FAIL: highestReclaimableBytes: reclaimable bytes 32025 > threshold 32000"))
    }

    @Test func adviceFailsTheGateOnTheWastefulSample() throws {
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path
        let r = try CLI.run(["--ci", "--lowestEfficiency", "off", "--highestUserWastedPercent", "off", "--fail-on-advice", "high", sample])
        #expect(r.status == 1)
        #expect(r.stdout.contains("  FAIL: highestAdviceSeverity: 1 finding of severity high or higher (1 high): secrets-in-layers\n"))
        // the findings are listed before the rule results
        let advice = try #require(r.stdout.range(of: "Advice:\n")), results = try #require(r.stdout.range(of: "Results:\n"))
        #expect(advice.lowerBound < results.lowerBound)
        let bad = try CLI.run(["--ci", "--fail-on-advice", "critical", sample])
        #expect(bad.status == 2)
        #expect(bad.errorLines == ["fathom: --fail-on-advice: highestAdviceSeverity: invalid value 'critical': not one of high, medium, low, disabled"])
    }

    @Test func misconfiguredFlagExits2WithOneLine() throws {
        let r = try CLI.run(["--ci", "--highestWastedBytes", "1.5x", testImage])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.errorLines == ["fathom: --highestWastedBytes: invalid value '1.5x': unhandled size name: x"])
    }

    @Test func dotDiveCiInTheWorkingDirectoryIsUsed() throws {
        let dir = try CLI.temporaryDirectory()
        try Data("rules:\n  lowestEfficiency: 0.99\n  highestUserWastedPercent: off\n".utf8)
            .write(to: dir.appendingPathComponent(".dive-ci"))
        let r = try CLI.run(["--ci", testImage], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("  Using CI config: .dive-ci\n"))
        #expect(r.stdout.contains("  FAIL: lowestEfficiency: efficiency 0.9844212134184309 < threshold 0.99"))
        #expect(r.stdout.contains("  SKIP: highestUserWastedPercent: rule disabled"))
        let flagWins = try CLI.run(["--ci", "--lowestEfficiency", "0.98", testImage], cwd: dir)
        #expect(flagWins.status == 0, "\(flagWins.stdout)")
    }

    @Test func unknownRuleInConfigExits2() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("rules.yaml")
        try Data("rules:\n  lowestEfficency: 0.9\n".utf8).write(to: file)
        let r = try CLI.run(["--ci", "--ci-config", file.path, testImage])
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1)
        #expect(r.errorLines.first?.contains("rules.yaml: unknown rule 'lowestEfficency'") == true, "\(r.stderr)")
    }

    @Test func missingExplicitConfigExits2() throws {
        let r = try CLI.run(["--ci", "--ci-config", "/nonexistent/rules.yaml", testImage])
        #expect(r.status == 2)
        #expect(r.errorLines == ["fathom: /nonexistent/rules.yaml: no such file (the --ci-config file)"])
    }

    @Test(arguments: ["true", "1", "yes", "TRUE"])
    func environmentVariableCITurnsTheGateOn(_ value: String) throws {
        let r = try CLI.run([testImage], environment: ["CI": value])
        #expect(r.status == 1)
        #expect(r.stdout.contains("Result:FAIL"))
    }

    @Test func ciTopCapsTheInefficientList() throws {
        let r = try CLI.run(["--ci", "--ci-top", "1", "--highestUserWastedPercent", "off", testImage])
        #expect(r.status == 0)
        #expect(r.stdout.contains("    2         13 kB  /root/saved.txt\n  … and 2 more (--ci-top N lists more)\n"))
    }

    @Test func jsonAndCITogetherDoBoth() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report.json")
        let r = try CLI.run(["--ci", "--json", out.path, testImage])
        #expect(r.status == 1)
        #expect(r.stdout.contains("Result:FAIL"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [String: Any]
        #expect((report["image"] as! [String: Any])["inefficientBytes"] as? Int == 32025)
        // with --json - the JSON owns stdout and the gate's text goes to stderr
        let piped = try CLI.run(["--ci", "--json", "-", testImage])
        #expect(piped.status == 1)
        #expect((try? JSONSerialization.jsonObject(with: Data(piped.stdout.utf8))) != nil)
        #expect(piped.stderr.contains("Result:FAIL"))
    }

    @Test func jsonWithEnvironmentCIIsOnlyJSON() throws {
        let r = try CLI.run(["--json", "-", testImage], environment: ["CI": "true"])
        #expect(r.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil)
    }

    /// The dive part of the report is byte-identical to the real dive's export wherever dive reads the archive right.
    @Test(arguments: ["dive/test-docker-image", "dive/test-docker25-image", "dive/test-kaniko-image", "dive/test-oci-gzip-image",
                      "dive/test-oci-zstd-image", "dive/test-oci-uncompressed-image", "dive/test-oci-estargz-image",
                      "real/good.docker20", "real/wasteful.docker28", "real/wasteful.skopeo-docker",
                      // a base imported from a ./-prefixed tar: a hardlink's linkName as the layer wrote it
                      "Tests/Fixtures/dive-dotslash"])
    func diveShapeIsByteIdenticalToDive(_ fixture: String) throws {
        let base = fixture.hasPrefix("Tests/") ? CLI.repositoryRoot : CLI.fixtures
        let folder = base.appendingPathComponent(fixture).deletingLastPathComponent()
        let stem = base.appendingPathComponent(fixture).lastPathComponent
        let archive = try #require([".tar", ".tar.zst", ".tar.gz"].map { folder.appendingPathComponent(stem + $0) }
            .first { FileManager.default.fileExists(atPath: $0.path) })
        let r = try CLI.run(["--json", "-", archive.path])
        #expect(r.status == 0)
        let bytes = Array(r.stdout.utf8)
        let marker = Array(",\n  \"fathom\": ".utf8)
        let cut = try #require(bytes.indices.first { bytes[$0...].starts(with: marker) })
        let divePart = Array(bytes[..<cut]) + Array("\n}".utf8)
        let expected = Array(try Data(contentsOf: folder.appendingPathComponent(stem + ".dive.json")))
        #expect(divePart == expected, "\(fixture): dive part differs from \(stem).dive.json")
    }

    /// Every report validates against the published JSON Schema (python3 jsonschema).
    @Test(arguments: ["dive/test-docker-image.tar", "dive/edge-whiteouts.tar", "synthetic/device-and-fifo.tar",
                      "synthetic/hardlink-missing-target.tar", "real/debian-apt.oci-zstd.tar", "synthetic/non-utf8-name.tar"])
    func reportValidatesAgainstTheSchema(_ fixture: String) throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("report.json")
        let r = try CLI.run(["--json", out.path, CLI.fixtures.appendingPathComponent(fixture).path])
        #expect(r.status == 0)
        let schema = CLI.repositoryRoot.appendingPathComponent("docs/report.schema.json").path
        let check = try CLI.run(executable: "/usr/bin/env", ["python3", "-c", """
            import json, sys, jsonschema
            jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
            print("valid")
            """, out.path, schema])
        #expect(check.status == 0, "\(fixture): \(check.stderr)")
        #expect(check.stdout == "valid\n")
    }
}
