/// Why a CI configuration (`.dive-ci` file or rule flag) is invalid. The CLI exits 2.
public enum CIConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidYAML(file: String, reason: String)
    case unknownRule(file: String, key: String)
    case unknownDiffRule(file: String, key: String)
    case notAMapping(file: String, key: String)
    case unknownKey(file: String, key: String)
    case notAScalar(file: String, rule: String)
    case invalidValue(source: String, rule: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidYAML(f, r): "\(f): invalid YAML: \(r)"
        case let .unknownRule(f, k):
            "\(f): unknown rule '\(k)' under rules: (known: \(CIRule.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .unknownDiffRule(f, k):
            "\(f): unknown rule '\(k)' under diff: (known: \(DiffRule.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .notAMapping(f, k): "\(f): '\(k)' must be a mapping"
        case let .unknownKey(f, k): "\(f): unknown key '\(k)' (a .dive-ci file holds 'rules:' and 'diff:')"
        case let .notAScalar(f, r): "\(f): \(r): the value must be a number, a byte amount or 'disabled', not a list or mapping"
        case let .invalidValue(s, rule, v, r):
            // the rule is named unless the source already names it (`--highestWastedBytes`)
            s == "--" + rule ? "\(s): invalid value '\(v)': \(r)" : "\(s): \(rule): invalid value '\(v)': \(r)"
        }
    }
}
