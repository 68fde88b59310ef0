/// An image in a registry: `[HOST[:PORT]/]REPOSITORY[:TAG][@sha256:HEX]`, with Docker's defaults
/// (no host: Docker Hub, `library/` for one-component names; no tag and no digest: `latest`).
public struct ImageReference: Equatable, Sendable, CustomStringConvertible {
    /// The registry as named (`127.0.0.1:5000`, `docker.io`).
    public var registry: String
    /// The repository inside it (`library/nginx`, `wasteful`).
    public var repository: String
    public var tag: String?
    /// `sha256:<64 hex>` when the reference pins one.
    public var digest: String?

    public init(registry: String, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// What goes after `/manifests/`: the digest when there is one, else the tag.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    /// The host that serves the API (Docker Hub's differs from its name).
    public var apiHost: String { registry == "docker.io" ? "registry-1.docker.io" : registry }

    /// True for `localhost`, `127.x.x.x` and `[::1]`.
    public var isLoopback: Bool {
        let host = registry.hasPrefix("[") ? String(registry.prefix { $0 != "]" }.dropFirst()) : String(registry.split(separator: ":").first ?? "")
        return host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    public var description: String {
        var s = registry + "/" + repository
        if let tag { s += ":" + tag }
        if let digest { s += "@" + digest }
        return s
    }

    /// The reason a reference does not parse.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Parses a reference (without a scheme such as `registry://`).
    /// - Parameter defaultRegistry: The registry of a name whose first component is not a host.
    public static func parse(_ text: String, defaultRegistry: String = "docker.io") throws(Invalid) -> ImageReference {
        var rest = Substring(text)
        var digest: String? = nil
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            let parts = d.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64,
                  parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw Invalid(reason: "'\(d)' is not a digest (sha256: and 64 lowercase hex digits)")
            }
            digest = d
        }
        var tag: String? = nil
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let t = tag, Self.isTag(t) else { throw Invalid(reason: "'\(tag ?? "")' is not a tag") }
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, !rest.isEmpty else { throw Invalid(reason: "no repository name") }
        var registry = defaultRegistry
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" || first.hasPrefix("[") {
            registry = first
            components.removeFirst()
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = "docker.io" }
        if registry == "docker.io" && components.count == 1 { components.insert("library", at: 0) }
        for c in components where !Self.isPathComponent(c) {
            throw Invalid(reason: "'\(c)' is not a repository name component (lowercase letters, digits, . _ -)")
        }
        if tag == nil && digest == nil { tag = "latest" }
        return ImageReference(registry: registry, repository: components.joined(separator: "/"), tag: tag, digest: digest)
    }

    static func isTag(_ t: String) -> Bool {
        guard let first = t.unicodeScalars.first, t.count <= 128 else { return false }
        let word = { (c: Unicode.Scalar) in c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_") }
        return word(first) && t.unicodeScalars.allSatisfy { word($0) || $0 == "." || $0 == "-" }
    }

    static func isPathComponent(_ c: String) -> Bool {
        guard let first = c.unicodeScalars.first, let last = c.unicodeScalars.last else { return false }
        let alnum = { (s: Unicode.Scalar) in ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return alnum(first) && alnum(last) && c.unicodeScalars.allSatisfy { alnum($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }
}
