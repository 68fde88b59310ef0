import FathomCore
import Foundation

/// A user name and a secret for a registry. A user name of `<token>` makes the secret an identity
/// token (an OAuth2 refresh token, exchanged at the registry's token realm: distribution spec
/// "OAuth2 Token Authentication"; docker-credential-helpers' convention).
public struct Credentials: Equatable, Sendable {
    public var username: String
    public var password: String
    public init(username: String, password: String) { self.username = username; self.password = password }

    /// The secret is an identity token, not a password.
    public var isIdentityToken: Bool { username == "<token>" }
}

/// One credentials file: Docker's `config.json` or a containers `auth.json` (containers-auth.json(5);
/// the same JSON shape). `auths` entries hold base64 `auth` (`user:password`), or `username` and
/// `password`, or an `identitytoken`; `credHelpers` names a helper per registry; `credsStore` (Docker's
/// file only) a helper for every registry.
public struct AuthFile: Sendable {
    public enum Kind: Sendable {
        /// `config.json`: keys are registries (`https://index.docker.io/v1/` is Docker Hub); `credHelpers[host]`,
        /// else `credsStore`, wins over `auths` (as the Docker CLI does).
        case docker
        /// `auth.json`: keys are registries or namespaces (`quay.io/org/app` before `quay.io/org` before
        /// `quay.io`); `credHelpers[host]` wins over `auths`.
        case containers
    }

    public var path: String
    public var kind: Kind
    var auths: [String: Credentials] = [:]
    var credsStore: String?
    var credHelpers: [String: String] = [:]

    /// What a file says for one registry and repository.
    public enum Answer: Equatable, Sendable {
        case credentials(Credentials)
        /// Run this credential helper (`docker-credential-NAME`).
        case helper(String)
    }

    public init(path: String, kind: Kind) { self.path = path; self.kind = kind }

    /// Docker's file: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
    public static func dockerPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir + "/config.json" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.docker/config.json"
    }

    /// Reads the file; a missing file is nil.
    /// - Throws: `Invalid` when the file exists but is not a valid credentials file.
    public static func load(path: String, kind: Kind) throws -> AuthFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try parse(data, path: path, kind: kind)
    }

    /// - Throws: `Invalid` naming the entry that is wrong.
    public static func parse(_ data: Data, path: String, kind: Kind = .docker) throws -> AuthFile {
        guard JSONObjectCount.isWithinLimit([UInt8](data)),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Invalid(path: path, reason: "not a JSON object")
        }
        var file = AuthFile(path: path, kind: kind)
        if kind == .docker { file.credsStore = (json["credsStore"] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        for (key, value) in json["credHelpers"] as? [String: String] ?? [:] { file.credHelpers[Self.normalize(key, kind)] = value }
        for (key, value) in json["auths"] as? [String: Any] ?? [:] {
            guard let entry = value as? [String: Any] else { continue }
            let key = Self.normalize(key, kind)
            if let auth = entry["auth"] as? String, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth, options: .ignoreUnknownCharacters),
                      let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
                    throw Invalid(path: path, reason: "auths.\(oneLine(key, limit: 80)).auth is not base64 of user:password")
                }
                file.auths[key] = Credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
            } else if let token = entry["identitytoken"] as? String, !token.isEmpty {
                file.auths[key] = Credentials(username: "<token>", password: token)
            } else if let user = entry["username"] as? String, let password = entry["password"] as? String {
                file.auths[key] = Credentials(username: user, password: password)
            }
        }
        return file
    }

    /// What this file says for a registry (`127.0.0.1:5000`, `docker.io`) and a repository in it
    /// (`library/debian`); nil: nothing.
    public func answer(registry: String, repository: String = "") -> Answer? {
        let host = Self.normalize(registry, .docker)
        if let helper = credHelpers[host] { return .helper(helper) }
        if kind == .docker, let credsStore { return .helper(credsStore) }
        if kind == .containers {
            var parts = repository.split(separator: "/").map(String.init)
            while !parts.isEmpty {
                if let c = auths[host + "/" + parts.joined(separator: "/")] { return .credentials(c) }
                parts.removeLast()
            }
        }
        return auths[host].map { .credentials($0) }
    }

    /// The credentials written in the file for a registry (no helper is run), or nil.
    public func credentials(for registry: String, repository: String = "") -> Credentials? {
        if case .credentials(let c) = answer(registry: registry, repository: repository) { return c }
        return nil
    }

    /// `https://index.docker.io/v1/`, `registry-1.docker.io`, `docker.io` → `docker.io`;
    /// `http://host:5000/v2/` → `host:5000` (Docker's keys). A containers key keeps its namespace
    /// (`quay.io/org/app`).
    static func normalize(_ key: String, _ kind: Kind) -> String {
        var k = Substring(key)
        var hadScheme = false
        for scheme in ["https://", "http://"] where k.hasPrefix(scheme) { k = k.dropFirst(scheme.count); hadScheme = true }
        let slash = k.firstIndex(of: "/")
        var host = (slash.map { k[..<$0] } ?? k).lowercased()
        if ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"].contains(host) { host = "docker.io" }
        guard kind == .containers, !hadScheme, let slash else { return host }
        let rest = k[k.index(after: slash)...].split(separator: "/").joined(separator: "/")
        return rest.isEmpty ? host : host + "/" + rest
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }
}
