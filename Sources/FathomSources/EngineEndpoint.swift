import FathomCore
import Foundation

/// Which engine socket fathom talks to, chosen the way the engines' own command-line tools choose it.
enum EngineEndpoint {
    /// The Docker engine's socket and how it was chosen, for messages.
    struct Choice: Equatable {
        var socket: String
        /// `DOCKER_HOST`, `Docker context 'NAME'`, or empty for the default socket.
        var origin: String
    }

    static let defaultDockerSocket = "/var/run/docker.sock"

    /// The Docker CLI's order: `DOCKER_HOST`, else the context `DOCKER_CONTEXT` names, else the
    /// config's `currentContext`, else `/var/run/docker.sock` (the context `default`). A context is
    /// read from Docker's context store, `contexts/meta/<SHA-256 of its name>/meta.json` beside
    /// `config.json` (Docker's documentation, "Docker contexts"). Only `unix://` endpoints are supported.
    /// - Throws: `SourceError` naming the variable or context when the endpoint is not usable.
    static func docker(_ env: [String: String]) throws -> Choice {
        if let host = env["DOCKER_HOST"], !host.isEmpty { return Choice(socket: try unixPath(host, "DOCKER_HOST"), origin: "DOCKER_HOST") }
        let configPath = AuthFile.dockerPath(environment: env)
        var name = env["DOCKER_CONTEXT"].flatMap { $0.isEmpty ? nil : $0 }
        var named = "DOCKER_CONTEXT"
        if name == nil, let data = FileManager.default.contents(atPath: configPath),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let current = json["currentContext"] as? String, !current.isEmpty {
            name = current
            named = "currentContext of " + configPath
        }
        guard let name, name != "default" else { return Choice(socket: defaultDockerSocket, origin: "") }
        let shown = "Docker context '\(oneLine(name, limit: 80))'"
        let meta = (configPath as NSString).deletingLastPathComponent + "/contexts/meta/"
            + Digest(sha256Of: Array(name.utf8)).hex + "/meta.json"
        guard let data = FileManager.default.contents(atPath: meta) else {
            throw SourceError(shown, "not found (\(named) names it; no \(meta))")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let endpoints = json["Endpoints"] as? [String: Any], let docker = endpoints["docker"] as? [String: Any],
              let host = docker["Host"] as? String else {
            throw SourceError(shown, "\(meta) has no Endpoints.docker.Host")
        }
        return Choice(socket: try unixPath(host, shown), origin: shown)
    }

    /// Podman's sockets to try, in its order: `CONTAINER_HOST`, else the connection `CONTAINER_CONNECTION`
    /// names, else the default connection (`podman system connection default`: podman-connections.json,
    /// else `active_service` of containers.conf), then the user's and root's service sockets.
    /// - Throws: `SourceError` when a named connection does not exist or is not a Unix socket.
    static func podman(_ env: [String: String]) throws -> [String] {
        if let host = env["CONTAINER_HOST"], !host.isEmpty { return [try unixPath(host, "CONTAINER_HOST")] }
        let connections = PodmanConnections(env)
        if let name = env["CONTAINER_CONNECTION"], !name.isEmpty {
            guard let uri = connections.uris[name] else {
                throw SourceError("Podman connection '\(oneLine(name, limit: 80))'", "not found (CONTAINER_CONNECTION names it; \(connections.searched))")
            }
            return [try unixPath(uri, "Podman connection '\(oneLine(name, limit: 80))'")]
        }
        var sockets: [String] = []
        if let name = connections.defaultName, let uri = connections.uris[name] {
            sockets.append(try unixPath(uri, "Podman connection '\(oneLine(name, limit: 80))'"))
        }
        if let runtime = env["XDG_RUNTIME_DIR"], !runtime.isEmpty { sockets.append(runtime + "/podman/podman.sock") }
        sockets.append("/run/podman/podman.sock")
        return sockets
    }

    /// `unix:///path` → `/path`; any other scheme is one clear line.
    static func unixPath(_ uri: String, _ origin: String) throws -> String {
        if uri.hasPrefix("unix://") { return String(uri.dropFirst("unix://".count)) }
        let scheme = uri.firstRange(of: "://").map { String(uri[..<$0.lowerBound]) } ?? uri
        throw SourceError(origin, "'\(oneLine(uri, limit: 120))': only unix:// sockets are supported\(["ssh", "tcp"].contains(scheme) ? " (\(scheme):// is not supported yet)" : "")")
    }
}

/// Podman's named connections (`podman system connection`): `podman-connections.json` (Podman 5)
/// and the `[engine.service_destinations.NAME]` tables of containers.conf (Podman 4).
struct PodmanConnections {
    var uris: [String: String] = [:]
    var defaultName: String?
    var searched: String

    init(_ env: [String: String]) {
        let config = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        let json = config + "/containers/podman-connections.json"
        // containers.conf(5): the system files, then the user's; later files override; CONTAINERS_CONF alone
        var confs = ["/usr/share/containers/containers.conf", "/etc/containers/containers.conf", config + "/containers/containers.conf"]
        if let c = env["CONTAINERS_CONF"], !c.isEmpty { confs = [c] }
        searched = ([json] + confs).joined(separator: ", ")
        for path in confs {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            parseConf(text)
        }
        if let data = FileManager.default.contents(atPath: json),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let connection = object["Connection"] as? [String: Any] {
            for (name, value) in connection["Connections"] as? [String: Any] ?? [:] {
                if let uri = (value as? [String: Any])?["URI"] as? String { uris[name] = uri }
            }
            if let d = connection["Default"] as? String, !d.isEmpty { defaultName = d }
        }
    }

    /// The two keys fathom needs from containers.conf's TOML: `[engine] active_service = "NAME"` and
    /// `[engine.service_destinations.NAME] uri = "…"`.
    private mutating func parseConf(_ text: String) {
        var table = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                table = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).replacingOccurrences(of: "\"", with: "")
                continue
            }
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard value.hasPrefix("\""), let end = value.dropFirst().firstIndex(of: "\"") else { continue }
            value = String(value[value.index(after: value.startIndex)..<end])
            if table == "engine" && key == "active_service" { defaultName = value }
            let prefix = "engine.service_destinations."
            if table.hasPrefix(prefix) && key == "uri" { uris[String(table.dropFirst(prefix.count))] = value }
        }
    }
}
