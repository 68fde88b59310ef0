/// Why a CI configuration (`.dive-ci` file or rule flag) is invalid. The CLI exits 2.
public enum CIConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidYAML(file: String, reason: String)
    case unknownRule(file: String, key: String)
    case unknownDiffRule(file: String, key: String)
    case notAMapping(file: String, key: String)
    case unknownKey(file: String, key: String)
    case notAScalar(file: String, rule: String)
    case invalidValue(source: String, rule: String, value: String, reason: String)
    case unknownPathRule(file: String, key: String)
    case notAList(file: String, key: String)
    case invalidPattern(file: String, key: String, pattern: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidYAML(f, r): "\(f): invalid YAML: \(r)"
        case let .unknownRule(f, k):
            "\(f): unknown rule \(Self.quoted(k)) under rules: (known: \(CIRule.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .unknownDiffRule(f, k):
            "\(f): unknown rule \(Self.quoted(k)) under diff: (known: \(DiffRule.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .notAMapping(f, k): "\(f): '\(k)' must be a mapping"
        case let .unknownKey(f, k): "\(f): unknown key \(Self.quoted(k)) (a .dive-ci file holds 'rules:', 'path-rules:' and 'diff:')"
        case let .unknownPathRule(f, k): "\(f): unknown key \(Self.quoted(k)) under path-rules: (known: block, deny-waste)"
        case let .notAList(f, k): "\(f): \(k) must be a list of path patterns"
        case let .invalidPattern(f, k, p, r): "\(f): \(k): invalid pattern '\(Self.cut(p))': \(r)"
        case let .notAScalar(f, r): "\(f): \(r): the value must be a number, a byte amount or 'disabled', not a list or mapping"
        case let .invalidValue(s, rule, v, r):
            // the rule is named unless the source already names it (`--highestWastedBytes`); a long value is cut
            s == "--" + rule ? "\(s): invalid value '\(Self.cut(v))': \(r)" : "\(s): \(rule): invalid value '\(Self.cut(v))': \(r)"
        }
    }

    static func cut(_ v: String) -> String { v.count > 60 ? String(v.prefix(60)) + "…" : v }

    /// A key as the message shows it: quoted when it could be a rule's name (letters, digits, `-`, `_`,
    /// `.`; 64 at most), else only described. A file that is not a CI configuration at all (a password
    /// file named by mistake) is never quoted back.
    public static func quoted(_ key: String) -> String {
        let nameLike = !key.isEmpty && key.utf8.count <= 64
            && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        if nameLike || key.hasPrefix("(a ") { return "'\(key)'" }
        return "of \(key.count) characters that is not a rule name (not shown)"
    }
}
