import Foundation
import Testing
@testable import FathomCore

/// The CI rules: dive's evaluator table on its test image, boundaries, every unit form, misconfiguration.
@Suite struct CIGateTests {
    static let analysis: Analysis = try! Analysis(image: ImageLoader.load(path: Fixtures.url("dive/test-docker-image.tar").path))

    func gate(_ values: [CIRule: String]) throws -> CIGate {
        var config = CIConfig()
        for (rule, value) in values { try config.apply(flag: "--\(rule.rawValue)", value: value, rule: rule) }
        return CIGate(analysis: Self.analysis, config: config)
    }

    func outcomes(_ g: CIGate) -> [String: CIGate.Outcome] {
        Dictionary(uniqueKeysWithValues: g.results.map { ($0.rule.rawValue, $0.outcome) })
    }

    // dive runtime/ci/evaluator_test.go (Test_Evaluator)
    @Test func allFail() throws {
        let g = try gate([.lowestEfficiency: "0.99", .highestWastedBytes: "1B", .highestUserWastedPercent: "0.01"])
        #expect(outcomes(g) == ["lowestEfficiency": .fail, "highestWastedBytes": .fail, "highestUserWastedPercent": .fail,
                                "highestReclaimableBytes": .skip, "highestAdviceSeverity": .skip])
        #expect(!g.passed)
    }

    @Test func allPass() throws {
        let g = try gate([.lowestEfficiency: "0.9", .highestWastedBytes: "50kB", .highestUserWastedPercent: "0.5"])
        #expect(outcomes(g) == ["lowestEfficiency": .pass, "highestWastedBytes": .pass, "highestUserWastedPercent": .pass,
                                "highestReclaimableBytes": .skip, "highestAdviceSeverity": .skip])
        #expect(g.passed)
    }

    // dive's test image: metadata-only rewrites and cleanups (medium), a temporary file (low), root (medium); nothing high
    @Test(arguments: [("high", CIGate.Outcome.pass), ("medium", .fail), ("low", .fail), ("MEDIUM", .fail), ("disabled", .skip)])
    func adviceSeverity(_ value: String, _ outcome: CIGate.Outcome) throws {
        let g = try gate([.highestAdviceSeverity: value])
        let r = try #require(g.results.first { $0.rule == .highestAdviceSeverity })
        #expect(r.outcome == outcome)
        let medium = Self.analysis.advice.filter { $0.severity == .medium }.count
        let low = Self.analysis.advice.filter { $0.severity == .low }.count
        #expect(medium > 0 && low > 0 && !Self.analysis.advice.contains { $0.severity == .high })
        func findings(_ n: Int) -> String { "\(n) finding\(n == 1 ? "" : "s")" }
        switch value.lowercased() {
        case "high": #expect(r.detail == "no finding of severity high or higher")
        case "medium": #expect(r.detail.hasPrefix("\(findings(medium)) of severity medium or higher (\(medium) medium): "))
        case "low": #expect(r.detail.hasPrefix("\(findings(medium + low)) of severity low or higher (\(medium) medium, \(low) low): "))
        default: break
        }
    }

    @Test func adviceSeverityMisconfigured() throws {
        #expect(throws: CIConfigError.self) { try gate([.highestAdviceSeverity: "severe"]) }
        var config = CIConfig()
        try config.apply(yaml: "rules:\n  fail-on-advice: high\n", file: ".dive-ci")
        #expect(config.thresholds[.highestAdviceSeverity] == .severity(.high))
        #expect(throws: CIConfigError.self) { try config.apply(yaml: "rules:\n  highestAdviceSeverity: 0.5\n", file: ".dive-ci") }
    }

    @Test(arguments: ["disabled", "off", "false", "", "DISABLED"])
    func allDisabled(_ value: String) throws {
        let g = try gate([.lowestEfficiency: value, .highestWastedBytes: value, .highestUserWastedPercent: value])
        #expect(g.results.allSatisfy { $0.outcome == .skip })
        #expect(g.passed)
    }

    @Test(arguments: [(CIRule.lowestEfficiency, "1.1"), (.highestWastedBytes, "1BB"), (.highestUserWastedPercent, "10"),
                      (.lowestEfficiency, "-9"), (.highestWastedBytes, "-1BB"), (.highestUserWastedPercent, "-0.1"),
                      (.lowestEfficiency, "98%"), (.highestReclaimableBytes, "1.5x"), (.highestWastedBytes, "20MBB"),
                      (.lowestEfficiency, "NaN"), (.highestUserWastedPercent, "abc")])
    func misconfigured(_ rule: CIRule, _ value: String) {
        var config = CIConfig()
        #expect(throws: CIConfigError.self) { try config.apply(flag: "--x", value: value, rule: rule) }
    }

    @Test(arguments: [("32kB", CIGate.Outcome.fail), ("32KiB", .pass), ("32025", .pass), ("32024", .fail), ("32 kb", .fail)])
    func wastedBytesBoundary(_ threshold: String, _ expected: CIGate.Outcome) throws {
        // dive-reference.md §5: verified boundaries on the test image (wasted 32025)
        let g = try gate([.highestWastedBytes: threshold])
        #expect(outcomes(g)["highestWastedBytes"] == expected)
    }

    @Test func equalThresholdsPass() throws {
        let m = Self.analysis.dive.metrics
        let g = try gate([.lowestEfficiency: GoFloat.format(m.efficiency),
                          .highestUserWastedPercent: GoFloat.format(m.userWastedPercent!),
                          .highestReclaimableBytes: String(Self.analysis.reclaimableBytes)])
        #expect(g.results.filter { $0.outcome == .pass }.count == 3)
        let over = try gate([.highestReclaimableBytes: String(Self.analysis.reclaimableBytes - 1)])
        #expect(outcomes(over)["highestReclaimableBytes"] == .fail)
    }

    @Test(arguments: [
        ("20MB", 20_000_000 as UInt64), ("20Mb", 20_000_000), ("20m", 20_000_000), ("20 MB", 20_000_000),
        ("20MiB", 20_971_520), ("20mi", 20_971_520), ("1.5MB", 1_500_000), ("1,000", 1000), ("42", 42), ("42B", 42),
        ("1kB", 1000), ("1KB", 1000), ("1k", 1000), ("1KiB", 1024), ("1ki", 1024), ("1GB", 1_000_000_000),
        ("1GiB", 1_073_741_824), ("2TB", 2_000_000_000_000), ("1TiB", 1_099_511_627_776), ("1PB", 1_000_000_000_000_000),
        ("1EiB", 1_152_921_504_606_846_976), ("0", 0),
    ])
    func byteUnits(_ text: String, _ bytes: UInt64) throws {
        #expect(try ByteAmount.parse(text) == bytes)
    }

    @Test(arguments: ["-1", "1BB", "1.5x", "20MBB", "", "abc", "MB"])
    func badByteAmounts(_ text: String) {
        #expect(throws: ByteAmount.ParseError.self) { try ByteAmount.parse(text) }
    }

    @Test func dotDiveCiFileSetsRulesAndFlagsWin() throws {
        var config = CIConfig()
        try config.apply(yaml: """
            rules:
              lowestEfficiency: 0.95
              highestWastedBytes: 20MB
              highest-user-wasted-percent: disabled
              highestReclaimableBytes: 1MiB
            """, file: ".dive-ci")
        #expect(config.thresholds[.lowestEfficiency] == .ratio(0.95))
        #expect(config.thresholds[.highestWastedBytes] == .bytes(20_000_000))
        #expect(config.thresholds[.highestUserWastedPercent] == .disabled)
        #expect(config.thresholds[.highestReclaimableBytes] == .bytes(1_048_576))
        try config.apply(flag: "--lowestEfficiency", value: "0.5", rule: .lowestEfficiency)
        #expect(config.thresholds[.lowestEfficiency] == .ratio(0.5))
        #expect(config.sources[.lowestEfficiency] == "--lowestEfficiency")
        #expect(config.sources[.highestWastedBytes] == ".dive-ci")
    }

    @Test func defaultsAreDives() {
        let config = CIConfig()
        #expect(config.thresholds[.lowestEfficiency] == .ratio(0.9))
        #expect(config.thresholds[.highestUserWastedPercent] == .ratio(0.1))
        #expect(config.thresholds[.highestWastedBytes] == .disabled)
        #expect(config.thresholds[.highestReclaimableBytes] == .disabled)
        // dive's defaults fail its own test image (48.35 % > 10 %)
        #expect(!CIGate(analysis: Self.analysis, config: config).passed)
    }

    @Test func unknownRuleKeyIsAnError() {
        var config = CIConfig()
        #expect(throws: CIConfigError.unknownRule(file: "x.yaml", key: "lowestEficiency")) {
            try config.apply(yaml: "rules:\n  lowestEficiency: 0.9\n", file: "x.yaml")
        }
    }

    @Test func misspeltTopLevelKeyIsAnError() {
        var config = CIConfig()
        #expect(throws: CIConfigError.unknownKey(file: ".dive-ci", key: "rule")) {
            try config.apply(yaml: "rule:\n  lowestEfficiency: 0.99\n", file: ".dive-ci")
        }
    }

    @Test(arguments: ["lowestEfficiency: [1]", "lowestEfficiency: {a: 1}", "highestWastedBytes: [20MB]"])
    func listOrMappingValueIsAnError(_ line: String) {
        var config = CIConfig()
        #expect(throws: CIConfigError.self) { try config.apply(yaml: "rules:\n  \(line)\n", file: ".dive-ci") }
    }

    @Test(arguments: ["~", "null", ""])
    func nullValueTurnsTheRuleOff(_ value: String) throws {
        var config = CIConfig()
        try config.apply(yaml: "rules:\n  lowestEfficiency: \(value)\n", file: ".dive-ci")
        #expect(config.thresholds[.lowestEfficiency] == .disabled)
    }

    @Test func invalidYAMLIsAnError() {
        var config = CIConfig()
        #expect(throws: CIConfigError.self) { try config.apply(yaml: "rules: [unclosed\n", file: "x.yaml") }
        #expect(throws: CIConfigError.self) { try config.apply(yaml: "rules: 5\n", file: "x.yaml") }
    }

    @Test func emptyFileKeepsTheDefaults() throws {
        var config = CIConfig()
        try config.apply(yaml: "", file: "x.yaml")
        try config.apply(yaml: "rules:\n", file: "x.yaml")
        #expect(config.thresholds[.lowestEfficiency] == .ratio(0.9))
    }

    @Test func undefinedUserWastedPercentPasses() throws {
        let single = try Analysis(image: ImageLoader.load(path: Fixtures.url("dive/test-oci-gzip-image.tar").path))
        #expect(single.dive.metrics.userWastedPercent == nil)
        var config = CIConfig()
        try config.apply(flag: "--highestUserWastedPercent", value: "0", rule: .highestUserWastedPercent)
        let g = CIGate(analysis: single, config: config)
        #expect(g.results.first { $0.rule == .highestUserWastedPercent }?.outcome == .pass)
    }
}
