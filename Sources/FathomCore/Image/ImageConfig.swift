/// The image config JSON (OCI image-spec config.md; Docker's image JSON), the fields fathom reads.
public struct ImageConfig: Decodable, Sendable {
    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var config: RuntimeConfig?
    public var rootfs: RootFS?
    public var history: [HistoryEntry]?
    public var created: String?

    /// The execution parameters (`config` object).
    public struct RuntimeConfig: Decodable, Sendable {
        public var User: String?
        public var Entrypoint: [String]?
        public var Cmd: [String]?
        public var Env: [String]?
        public var WorkingDir: String?
        public var ExposedPorts: [String: EmptyObject]?
        public var Labels: [String: String]?

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            User = try? c.decodeIfPresent(String.self, forKey: .User)
            Entrypoint = Self.stringList(c, .Entrypoint)
            Cmd = Self.stringList(c, .Cmd)
            Env = try? c.decodeIfPresent([String].self, forKey: .Env)
            WorkingDir = try? c.decodeIfPresent(String.self, forKey: .WorkingDir)
            ExposedPorts = try? c.decodeIfPresent([String: EmptyObject].self, forKey: .ExposedPorts)
            Labels = try? c.decodeIfPresent([String: String].self, forKey: .Labels)
        }
        private enum Keys: String, CodingKey { case User, Entrypoint, Cmd, Env, WorkingDir, ExposedPorts, Labels }
        /// Docker accepts a bare string for Entrypoint/Cmd in old configs.
        private static func stringList(_ c: KeyedDecodingContainer<Keys>, _ k: Keys) -> [String]? {
            if let list = try? c.decodeIfPresent([String].self, forKey: k) { return list }
            if let one = try? c.decodeIfPresent(String.self, forKey: k) { return [one] }
            return nil
        }
    }

    public struct EmptyObject: Decodable, Sendable {}

    /// `rootfs`: the layers' diff IDs in order.
    public struct RootFS: Decodable, Sendable {
        public var type: String?
        public var diff_ids: [String]?
    }
}

/// One `history` entry of the config. Entries with `empty_layer: true` have no layer.
public struct HistoryEntry: Decodable, Sendable {
    public var created: String?
    public var created_by: String?
    public var comment: String?
    public var empty_layer: Bool?

    /// True for history entries that produced no layer.
    public var isEmptyLayer: Bool { empty_layer ?? false }
}
