import Foundation

/// The rules of `fathom diff --ci` (issue 9): how much an image may grow against the previous one.
/// Byte thresholds parse like dive's byte rules (go-humanize: `20MB` = 20,000,000, `20MiB` = 20,971,520).
public enum DiffRule: String, CaseIterable, Sendable {
    /// Fail if NEW's final bytes − OLD's > value (bytes).
    case highestGrowthBytes
    /// Fail if (NEW's final bytes − OLD's) / OLD's > value (a ratio, as dive's percent rules: 0.1 = 10 %; may exceed 1).
    case highestGrowthPercent
    /// Fail if the blob bytes a host that has OLD must download for NEW > value (bytes).
    case highestDownloadBytes

    /// Every diff rule is off unless set.
    public var defaultValue: String { "disabled" }

    public var kebabName: String {
        switch self {
        case .highestGrowthBytes: "highest-growth-bytes"
        case .highestGrowthPercent: "highest-growth-percent"
        case .highestDownloadBytes: "highest-download-bytes"
        }
    }

    /// True for rules whose threshold is a byte amount (else a ratio ≥ 0).
    public var isBytes: Bool { self != .highestGrowthPercent }

    /// The rule whose `.dive-ci` key (under `diff:`) is `key`, camelCase or kebab-case.
    public init?(key: String) {
        guard let r = DiffRule.allCases.first(where: { $0.rawValue == key || $0.kebabName == key }) else { return nil }
        self = r
    }

    /// Parses a threshold as written in a flag or under `diff:` in a `.dive-ci` file.
    ///
    /// `disabled`, `off`, `false` and the empty string disable the rule; byte rules take go-humanize
    /// amounts (`ByteAmount`); the percent rule takes a decimal ratio ≥ 0 (`0.1` = 10 %).
    /// - Throws: `CIConfigError.invalidValue` with `source` naming the file or flag.
    public func parseThreshold(_ text: String, source: String) throws -> CIThreshold {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["disabled", "off", "false", ""].contains(trimmed.lowercased()) { return .disabled }
        if isBytes {
            do { return .bytes(try ByteAmount.parse(trimmed)) } catch {
                throw CIConfigError.invalidValue(source: source, rule: rawValue, value: text, reason: error.message)
            }
        }
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || ".+-eE".contains($0)) }), let v = Double(trimmed), v.isFinite else {
            throw CIConfigError.invalidValue(source: source, rule: rawValue, value: text, reason: "not a number (a ratio: 0.1 means 10 %)")
        }
        guard v >= 0 else {
            throw CIConfigError.invalidValue(source: source, rule: rawValue, value: text, reason: "negative (a ratio ≥ 0: 0.1 means 10 %)")
        }
        return .ratio(v)
    }
}

/// The thresholds of the diff rules, from defaults, the `diff:` key of a `.dive-ci` file and flags
/// (a flag beats the file, the file beats the default, as for `CIConfig`).
public struct DiffRuleConfig: Sendable {
    public var thresholds: [DiffRule: CIThreshold]
    /// Where each value came from (`default`, the file, or `--flag`).
    public var sources: [DiffRule: String]

    /// Every rule off.
    public init() {
        thresholds = Dictionary(uniqueKeysWithValues: DiffRule.allCases.map { ($0, CIThreshold.disabled) })
        sources = Dictionary(uniqueKeysWithValues: DiffRule.allCases.map { ($0, "default") })
    }

    /// Applies a flag's value (`--highestGrowthBytes 20MB`).
    /// - Throws: `CIConfigError.invalidValue` naming the flag.
    public mutating func apply(flag: String, value: String, rule: DiffRule) throws {
        thresholds[rule] = try rule.parseThreshold(value, source: flag)
        sources[rule] = flag
    }

    /// Applies the `diff:` mapping of a `.dive-ci` file; unknown keys are an error (a misspelt rule would never run).
    /// - Throws: `CIConfigError`.
    mutating func apply(mapping node: YAMLNode, file: String) throws {
        if node.isNull { return }
        guard let mapping = node.mapping else { throw CIConfigError.notAMapping(file: file, key: "diff") }
        for pair in mapping {
            let key = pair.key.label
            guard let rule = DiffRule(key: key) else { throw CIConfigError.unknownDiffRule(file: file, key: key) }
            guard let text = pair.value.string else { throw CIConfigError.notAScalar(file: file, rule: key) }
            thresholds[rule] = try rule.parseThreshold(pair.value.isNull ? "" : text, source: file)
            sources[rule] = file
        }
    }
}
