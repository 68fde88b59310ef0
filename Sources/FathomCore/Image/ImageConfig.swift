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

    public init(created: String? = nil, created_by: String? = nil, comment: String? = nil, empty_layer: Bool? = nil) {
        self.created = created
        self.created_by = created_by
        self.comment = comment
        self.empty_layer = empty_layer
    }

    /// Reads an entry; `created_by` and `comment` are cut to `Limits.commandBytes` (a 50 MB command is legal JSON).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        created_by = try c.decodeIfPresent(String.self, forKey: .created_by).map(Self.cut)
        comment = try c.decodeIfPresent(String.self, forKey: .comment).map(Self.cut)
        empty_layer = try c.decodeIfPresent(Bool.self, forKey: .empty_layer)
    }
    private enum Keys: String, CodingKey { case created, created_by, comment, empty_layer }

    static func cut(_ s: String) -> String {
        guard s.utf8.count > Limits.commandBytes else { return s }
        var end = s.utf8.index(s.utf8.startIndex, offsetBy: Limits.commandBytes)
        while end > s.startIndex && end.samePosition(in: s.unicodeScalars) == nil { end = s.utf8.index(before: end) }
        return String(s[..<end]) + "…"
    }
}
