/// The rules of the `--ci` gate: dive 0.13.1's three (same names, defaults and comparisons;
/// dive-reference.md §5) and fathom's `highestReclaimableBytes` and `highestAdviceSeverity`.
public enum CIRule: String, CaseIterable, Sendable {
    /// Fails when a finding of the advice (Advice/Advisor.swift) has this severity or a higher one
    /// (`--fail-on-advice`); the value is `high`, `medium`, `low` or `disabled`.
    case highestAdviceSeverity
    case highestReclaimableBytes
    case highestUserWastedPercent
    case highestWastedBytes
    case lowestEfficiency

    /// dive's defaults; fathom's rule is off unless set.
    public var defaultValue: String {
        switch self {
        case .lowestEfficiency: "0.9"
        case .highestWastedBytes: "disabled"
        case .highestUserWastedPercent: "0.1"
        case .highestReclaimableBytes: "disabled"
        case .highestAdviceSeverity: "disabled"
        }
    }

    /// The spelling of upstream dive after 0.13.1, accepted as an alias in `.dive-ci`.
    public var kebabName: String {
        switch self {
        case .lowestEfficiency: "lowest-efficiency"
        case .highestWastedBytes: "highest-wasted-bytes"
        case .highestUserWastedPercent: "highest-user-wasted-percent"
        case .highestReclaimableBytes: "highest-reclaimable-bytes"
        case .highestAdviceSeverity: "fail-on-advice"
        }
    }

    /// True for rules whose threshold is a byte amount (else a ratio 0…1).
    public var isBytes: Bool { self == .highestWastedBytes || self == .highestReclaimableBytes }

    /// The rule whose `.dive-ci` key is `key` (camelCase as dive, or kebab-case).
    public init?(key: String) {
        let aliases = ["failOnAdvice": CIRule.highestAdviceSeverity, "highest-advice-severity": .highestAdviceSeverity]
        guard let r = CIRule.allCases.first(where: { $0.rawValue == key || $0.kebabName == key }) ?? aliases[key] else { return nil }
        self = r
    }
}

/// A rule's parsed threshold.
public enum CIThreshold: Sendable, Equatable {
    case disabled
    case ratio(Double)
    case bytes(UInt64)
    /// Findings of this severity or higher fail.
    case severity(Finding.Severity)

    /// Parses a threshold as written in a flag or `.dive-ci`.
    ///
    /// `disabled`, `off`, `false` and the empty string disable a rule. Ratios are decimal numbers
    /// in 0…1. Byte amounts follow go-humanize `ParseBytes` (what dive uses): case-insensitive,
    /// SI units (`kB`, `MB`, `k`, `m` = 10³, 10⁶ …), IEC units (`KiB`, `MiB`, `ki` = 2¹⁰ …),
    /// a plain number is bytes, fractions allowed (`1.5MB`), spaces allowed before the unit.
    /// - Throws: `CIConfigError.invalidValue` with `source` naming the file or flag.
    public static func parse(_ text: String, for rule: CIRule, source: String) throws -> CIThreshold {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["disabled", "off", "false", ""].contains(trimmed.lowercased()) { return .disabled }
        if rule == .highestAdviceSeverity {
            guard let s = Finding.Severity(rawValue: trimmed.lowercased()) else {
                throw CIConfigError.invalidValue(source: source, rule: rule.rawValue, value: text, reason: "not one of high, medium, low, disabled")
            }
            return .severity(s)
        }
        if rule.isBytes {
            do { return .bytes(try ByteAmount.parse(trimmed)) } catch {
                throw CIConfigError.invalidValue(source: source, rule: rule.rawValue, value: text, reason: error.message)
            }
        }
        guard trimmed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }),
              let v = Double(trimmed), v.isFinite else {
            throw CIConfigError.invalidValue(source: source, rule: rule.rawValue, value: text, reason: "not a number")
        }
        guard (0...1).contains(v) else {
            throw CIConfigError.invalidValue(source: source, rule: rule.rawValue, value: text,
                                             reason: "outside the allowed range 0-1 (a ratio: 0.1 means 10 %)")
        }
        return .ratio(v)
    }
}

import Foundation
