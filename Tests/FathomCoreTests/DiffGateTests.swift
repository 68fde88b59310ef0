import Foundation
import Testing
@testable import FathomCore

/// The growth rules of `fathom diff --ci`: pass, fail, boundaries in every unit form, the `diff:` key of
/// a `.dive-ci` file, and misconfiguration.
@Suite struct DiffGateTests {
    /// good → wasteful: the image grows (figures measured, not written down).
    static let growing: ImageDiff = try! ImageDiff.load(old: DiffTests.sample("good.docker.tar.zst"),
                                                        new: DiffTests.sample("wasteful.docker.tar"))

    func gate(_ values: [DiffRule: String], _ diff: ImageDiff = growing) throws -> DiffGate {
        var config = DiffRuleConfig()
        for (rule, value) in values { try config.apply(flag: "--\(rule.rawValue)", value: value, rule: rule) }
        return DiffGate(diff: diff, config: config)
    }

    func outcome(_ g: DiffGate, _ rule: DiffRule) -> CIGate.Outcome? { g.results.first { $0.rule == rule }?.outcome }

    var growth: Int64 { Self.growing.totals.finalBytes.delta }
    var download: Int64 { Self.growing.layers.downloadBytes }

    @Test func defaultsAreOffAndPass() throws {
        let g = try gate([:])
        #expect(g.results.map(\.rule) == [.highestDownloadBytes, .highestGrowthBytes, .highestGrowthPercent])
        #expect(g.results.allSatisfy { $0.outcome == .skip } && g.passed)
    }

    @Test func growthBytesBoundaryInEveryUnit() throws {
        try #require(growth > 2048)
        let kib = growth / 1024
        let cases: [(String, CIGate.Outcome)] = [
            ("\(growth)", .pass), ("\(growth - 1)", .fail), ("\(growth) B", .pass),
            ("\(kib)KiB", .fail), ("\(kib + 1)KiB", .pass), ("\(kib + 1) kib", .pass),
            ("\(growth / 1000)kB", growth % 1000 == 0 ? .pass : .fail), ("\(growth / 1000 + 1)kB", .pass),
            ("\(Double(growth) / 1e6)MB", .pass), ("1GB", .pass), ("1", .fail),
        ]
        for (threshold, expected) in cases {
            let g = try gate([.highestGrowthBytes: threshold])
            #expect(outcome(g, .highestGrowthBytes) == expected, "\(threshold) with growth \(growth)")
            #expect(g.passed == (expected == .pass))
        }
        let failing = try gate([.highestGrowthBytes: "\(growth - 1)"])
        #expect(failing.results.first { $0.rule == .highestGrowthBytes }?.detail == "growth bytes \(growth) > threshold \(growth - 1)")
    }

    @Test func shrinkingAlwaysPassesTheGrowthRules() throws {
        let shrinking = ImageDiff(old: Self.growing.new, new: Self.growing.old)
        let g = try gate([.highestGrowthBytes: "0", .highestGrowthPercent: "0"], shrinking)
        #expect(outcome(g, .highestGrowthBytes) == .pass && outcome(g, .highestGrowthPercent) == .pass)
    }

    @Test func growthPercentIsARatioOfOldFinalBytes() throws {
        let ratio = Double(growth) / Double(Self.growing.totals.finalBytes.old)
        #expect(Self.growing.totals.growthRatio == ratio)
        #expect(outcome(try gate([.highestGrowthPercent: GoFloat.format(ratio)]), .highestGrowthPercent) == .pass)
        #expect(outcome(try gate([.highestGrowthPercent: GoFloat.format(ratio * 0.99)]), .highestGrowthPercent) == .fail)
        #expect(outcome(try gate([.highestGrowthPercent: "2.5"]), .highestGrowthPercent) == .pass, "ratios above 1 are allowed")
    }

    @Test func downloadBytes() throws {
        try #require(download > 0)
        #expect(outcome(try gate([.highestDownloadBytes: "\(download)"]), .highestDownloadBytes) == .pass)
        #expect(outcome(try gate([.highestDownloadBytes: "\(download - 1)"]), .highestDownloadBytes) == .fail)
        let same = ImageDiff(old: Self.growing.old, new: Self.growing.old)
        #expect(outcome(try gate([.highestDownloadBytes: "0", .highestGrowthBytes: "0", .highestGrowthPercent: "0"], same),
                        .highestDownloadBytes) == .pass)
    }

    @Test(arguments: [(DiffRule.highestGrowthBytes, "1.5x"), (.highestGrowthBytes, "-1"), (.highestDownloadBytes, "MB"),
                      (.highestDownloadBytes, "20MBB"), (.highestGrowthPercent, "-0.1"), (.highestGrowthPercent, "10%"),
                      (.highestGrowthPercent, "abc"), (.highestGrowthPercent, "NaN"), (.highestGrowthPercent, "inf")])
    func misconfigured(_ rule: DiffRule, _ value: String) {
        var config = DiffRuleConfig()
        #expect(throws: CIConfigError.self) { try config.apply(flag: "--x", value: value, rule: rule) }
    }

    @Test func diveCiFileDiffKey() throws {
        var config = CIConfig()
        try config.apply(yaml: "rules:\n  lowestEfficiency: 0.95\ndiff:\n  highestGrowthBytes: 20MiB\n  highest-growth-percent: 0.1\n"
                         + "  highestDownloadBytes: off\n", file: "f.yaml")
        #expect(config.diff.thresholds[.highestGrowthBytes] == .bytes(20_971_520))
        #expect(config.diff.thresholds[.highestGrowthPercent] == .ratio(0.1))
        #expect(config.diff.thresholds[.highestDownloadBytes] == .disabled)
        #expect(config.diff.sources[.highestGrowthBytes] == "f.yaml")
        #expect(config.thresholds[.lowestEfficiency] == .ratio(0.95), "rules: still read")
        // a flag beats the file
        try config.diff.apply(flag: "--highestGrowthBytes", value: "1MB", rule: .highestGrowthBytes)
        #expect(config.diff.thresholds[.highestGrowthBytes] == .bytes(1_000_000))
        var empty = CIConfig()
        try empty.apply(yaml: "diff:\n", file: "f.yaml")
        #expect(empty.diff.thresholds.values.allSatisfy { $0 == .disabled })
    }

    @Test(arguments: [
        ("diff:\n  highestGrowthByte: 1MB\n", CIConfigError.unknownDiffRule(file: "f.yaml", key: "highestGrowthByte")),
        ("diff:\n  lowestEfficiency: 0.9\n", .unknownDiffRule(file: "f.yaml", key: "lowestEfficiency")),
        ("diff: 5\n", .notAMapping(file: "f.yaml", key: "diff")),
        ("diff:\n  highestGrowthBytes: [1, 2]\n", .notAScalar(file: "f.yaml", rule: "highestGrowthBytes")),
        ("diff:\n  highestGrowthBytes: 1.5x\n",
         .invalidValue(source: "f.yaml", rule: "highestGrowthBytes", value: "1.5x", reason: "unhandled size name: x")),
        ("growth:\n  highestGrowthBytes: 1MB\n", .unknownKey(file: "f.yaml", key: "growth")),
    ])
    func misconfiguredFile(_ yaml: String, _ expected: CIConfigError) {
        var config = CIConfig()
        #expect(throws: expected) { try config.apply(yaml: yaml, file: "f.yaml") }
    }

    @Test func renderLikeTheImageGate() throws {
        let text = try gate([.highestGrowthBytes: "\(growth - 1)", .highestDownloadBytes: "\(download)"]).render(color: false)
        #expect(text == """
            Results:
              PASS: highestDownloadBytes: download bytes \(download) <= threshold \(download)
              FAIL: highestGrowthBytes: growth bytes \(growth) > threshold \(growth - 1)
              SKIP: highestGrowthPercent: rule disabled
            Result:FAIL [Total:3] [Passed:1] [Failed:1] [Warn:0] [Skipped:1]

            """)
    }
}
