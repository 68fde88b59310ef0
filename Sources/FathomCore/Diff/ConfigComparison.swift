/// The config changes that matter when an image is upgraded: who it runs as, what it runs,
/// which ports it exposes and which environment variables it sets. Environment values are
/// never kept (they may be secrets): only the keys.
public struct ConfigComparison: Sendable {
    /// A value in OLD and NEW.
    public struct Change<Value: Sendable & Equatable>: Sendable {
        public var old: Value
        public var new: Value
    }

    /// `config.User`; an absent user and `""` both mean root and compare equal (shown as `""`).
    public var user: Change<String>?
    /// `config.Entrypoint`; nil in a change means absent.
    public var entrypoint: Change<[String]?>?
    /// `config.Cmd`.
    public var cmd: Change<[String]?>?
    /// `config.ExposedPorts` keys (`80/tcp`), sorted.
    public var exposedPortsAdded: [String]
    public var exposedPortsRemoved: [String]
    /// `config.Env` keys (the text before the first `=`), sorted.
    public var envKeysAdded: [String]
    public var envKeysRemoved: [String]
    /// Keys in both whose value differs (the values are not kept).
    public var envKeysChanged: [String]

    /// True when nothing this comparison looks at changed.
    public var isEmpty: Bool {
        user == nil && entrypoint == nil && cmd == nil && exposedPortsAdded.isEmpty && exposedPortsRemoved.isEmpty
            && envKeysAdded.isEmpty && envKeysRemoved.isEmpty && envKeysChanged.isEmpty
    }

    /// Compares the runtime configs (`config` objects) of two image configs.
    public init(old: ImageConfig, new: ImageConfig) {
        let o = old.config, n = new.config
        let oldUser = o?.User ?? "", newUser = n?.User ?? ""
        user = oldUser == newUser ? nil : Change(old: oldUser, new: newUser)
        entrypoint = o?.Entrypoint == n?.Entrypoint ? nil : Change(old: o?.Entrypoint, new: n?.Entrypoint)
        cmd = o?.Cmd == n?.Cmd ? nil : Change(old: o?.Cmd, new: n?.Cmd)
        let oldPorts = Set(o?.ExposedPorts?.keys ?? [:].keys), newPorts = Set(n?.ExposedPorts?.keys ?? [:].keys)
        exposedPortsAdded = newPorts.subtracting(oldPorts).sorted()
        exposedPortsRemoved = oldPorts.subtracting(newPorts).sorted()
        let oldEnv = Self.environment(o?.Env), newEnv = Self.environment(n?.Env)
        envKeysAdded = newEnv.keys.filter { oldEnv[$0] == nil }.sorted()
        envKeysRemoved = oldEnv.keys.filter { newEnv[$0] == nil }.sorted()
        envKeysChanged = newEnv.keys.filter { oldEnv[$0] != nil && oldEnv[$0] != newEnv[$0] }.sorted()
    }

    /// `KEY=value` lines as key → value (the last line for a key wins; a line without `=` has a NUL value,
    /// unlike `KEY=`). Only compared here, never stored in the comparison.
    static func environment(_ lines: [String]?) -> [String: String] {
        var out: [String: String] = [:]
        for line in lines ?? [] {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : "\u{0}"
        }
        return out
    }
}
