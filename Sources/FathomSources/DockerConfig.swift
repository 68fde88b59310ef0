import Foundation

/// A user name and password for a registry.
public struct Credentials: Equatable, Sendable {
    public var username: String
    public var password: String
    public init(username: String, password: String) { self.username = username; self.password = password }
}

/// The credentials of `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`): the `auths`
/// section, each entry's base64 `auth` (`user:password`) or `username`/`password`.
/// Credential helpers (`credsStore`, `credHelpers`) are not run (yet); `helperNamed` tells when one is set.
public struct DockerConfig: Sendable {
    public var path: String
    var auths: [String: Credentials] = [:]
    var credsStore: String?
    var credHelpers: [String: String] = [:]

    /// The file fathom reads: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir + "/config.json" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.docker/config.json"
    }

    /// Reads the file; a missing file is an empty configuration.
    /// - Throws: `SourceError`-ready text when the file exists but is not valid JSON.
    public static func load(path: String = defaultPath()) throws -> DockerConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return DockerConfig(path: path) }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String) throws -> DockerConfig {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Invalid(path: path, reason: "not a JSON object")
        }
        var config = DockerConfig(path: path)
        config.credsStore = json["credsStore"] as? String
        config.credHelpers = json["credHelpers"] as? [String: String] ?? [:]
        for (key, value) in json["auths"] as? [String: Any] ?? [:] {
            guard let entry = value as? [String: Any] else { continue }
            if let auth = entry["auth"] as? String, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth, options: .ignoreUnknownCharacters),
                      let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
                    throw Invalid(path: path, reason: "auths.\(key).auth is not base64 of user:password")
                }
                config.auths[Self.normalize(key)] = Credentials(username: String(text[..<colon]),
                                                                password: String(text[text.index(after: colon)...]))
            } else if let user = entry["username"] as? String, let password = entry["password"] as? String {
                config.auths[Self.normalize(key)] = Credentials(username: user, password: password)
            }
        }
        return config
    }

    /// The credentials for a registry (`127.0.0.1:5000`, `docker.io`), or nil.
    public func credentials(for registry: String) -> Credentials? {
        auths[Self.normalize(registry)]
    }

    /// The credential helper configured for a registry, which fathom does not run yet.
    public func helper(for registry: String) -> String? {
        credHelpers[registry] ?? credHelpers[Self.normalize(registry)] ?? credsStore
    }

    /// `https://index.docker.io/v1/`, `registry-1.docker.io`, `docker.io` → `docker.io`;
    /// `http://host:5000/v2/` → `host:5000`.
    static func normalize(_ key: String) -> String {
        var k = Substring(key)
        for scheme in ["https://", "http://"] where k.hasPrefix(scheme) { k = k.dropFirst(scheme.count) }
        if let slash = k.firstIndex(of: "/") { k = k[..<slash] }
        let host = k.lowercased()
        return ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"].contains(host) ? "docker.io" : host
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }
}
