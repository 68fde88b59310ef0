/// The thresholds of the `--ci` gate, from defaults, a `.dive-ci` file and flags, in dive's
/// precedence: a flag beats the file, the file beats the default (dive-reference.md §5).
public struct CIConfig: Sendable {
    /// Threshold per rule.
    public var thresholds: [CIRule: CIThreshold]
    /// Where each rule's value came from (`default`, the file, or `--flag`), for the report.
    public var sources: [CIRule: String]
    /// The `fathom diff` rules, from the file's `diff:` key.
    public var diff = DiffRuleConfig()
    /// The path rules, from the file's `path-rules:` key.
    public var pathRules = PathRules()

    /// Only the defaults.
    public init() {
        thresholds = [:]
        sources = [:]
        for r in CIRule.allCases {
            thresholds[r] = try! CIThreshold.parse(r.defaultValue, for: r, source: "default")
            sources[r] = "default"
        }
    }

    /// Applies a `.dive-ci` YAML document (`rules:` with the rule keys; fathom's `diff:` with the diff rules
    /// and `path-rules:` with the path rules).
    ///
    /// Unknown keys under `rules:`, `diff:` or `path-rules:` are an error (dive ignores them silently; fathom
    /// says so, because a misspelt rule would otherwise never run), and so are other top-level keys (dive ignores them).
    /// - Throws: `CIConfigError`.
    public mutating func apply(yaml: String, file: String) throws {
        let node: YAMLNode?
        do { node = try YAMLDocument.parse(yaml) } catch {
            throw CIConfigError.invalidYAML(file: file, reason: "\(error)")
        }
        guard let node else { return }  // an empty file: defaults
        guard let top = node.mapping else {
            if node.isNull { return }
            throw CIConfigError.notAMapping(file: file, key: "(top level)")
        }
        for pair in top where !["rules", "diff", "path-rules"].contains(pair.key.string ?? "") {
            throw CIConfigError.unknownKey(file: file, key: pair.key.label)
        }
        if let diffRules = node["diff"] { try diff.apply(mapping: diffRules, file: file) }
        if let paths = node["path-rules"] { try pathRules.apply(mapping: paths, file: file) }
        guard let rules = node["rules"] else { return }
        if rules.isNull { return }
        guard let mapping = rules.mapping else { throw CIConfigError.notAMapping(file: file, key: "rules") }
        for pair in mapping {
            let key = pair.key.label
            guard let rule = CIRule(key: key) else { throw CIConfigError.unknownRule(file: file, key: key) }
            guard let text = pair.value.string else { throw CIConfigError.notAScalar(file: file, rule: key) }
            // YAML null (`~`, `null`, nothing) reads as an empty value: the rule is off.
            thresholds[rule] = try CIThreshold.parse(pair.value.isNull ? "" : text, for: rule, source: file)
            sources[rule] = file
        }
    }

    /// Applies a flag's value (`--lowestEfficiency 0.95`).
    /// - Throws: `CIConfigError.invalidValue` naming the flag.
    public mutating func apply(flag: String, value: String, rule: CIRule) throws {
        thresholds[rule] = try CIThreshold.parse(value, for: rule, source: flag)
        sources[rule] = flag
    }
}
