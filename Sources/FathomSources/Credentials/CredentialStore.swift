import Foundation

/// Where a registry's credentials come from, in the order containers-auth.json(5) gives:
/// `$REGISTRY_AUTH_FILE` (else `$XDG_RUNTIME_DIR/containers/auth.json`), then
/// `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`, then Docker's `config.json`
/// (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). The first file with an answer for
/// the registry gives it; a credential helper that has nothing for it lets the search go on.
/// Helpers are run only when a registry asks for credentials, at most once per registry.
final class CredentialStore: @unchecked Sendable {
    /// The files that exist, in order.
    let files: [AuthFile]
    /// Docker's file, named in messages when no file exists.
    let dockerPath: String
    let environment: [String: String]
    let timeoutSeconds: Double
    private let lock = NSLock()
    private var resolved: [String: Found?] = [:]
    /// The helpers that answered "no credentials", by registry/repository (for messages).
    private var emptyHelpers: [String: [String]] = [:]

    /// Credentials and where they were found, for messages (`in ~/.docker/config.json`,
    /// `from docker-credential-pass (credsStore of ~/.docker/config.json)`).
    struct Found {
        var credentials: Credentials
        var origin: String
    }

    /// Reads every file that exists.
    /// - Parameter dockerConfigPath: Docker's file; nil: `$DOCKER_CONFIG` or `~/.docker/config.json`.
    /// - Throws: `AuthFile.Invalid` for a file that exists and is not valid.
    init(environment: [String: String], dockerConfigPath: String? = nil, timeoutSeconds: Double) throws {
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
        dockerPath = dockerConfigPath ?? AuthFile.dockerPath(environment: environment)
        var files: [AuthFile] = []
        for path in Self.containersPaths(environment) {
            if let file = try AuthFile.load(path: path, kind: .containers) { files.append(file) }
        }
        if let file = try AuthFile.load(path: dockerPath, kind: .docker) { files.append(file) }
        self.files = files
    }

    /// The containers auth files fathom reads, in order.
    static func containersPaths(_ env: [String: String]) -> [String] {
        var paths: [String] = []
        if let file = env["REGISTRY_AUTH_FILE"], !file.isEmpty {
            paths.append(file)
        } else if let runtime = env["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            paths.append(runtime + "/containers/auth.json")
        }
        let config = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        paths.append(config + "/containers/auth.json")
        return paths
    }

    /// The credentials for a registry and repository, or nil (anonymous).
    /// - Throws: `CredentialHelper.Failure`-based text naming the helper, when one is configured and fails.
    func credentials(registry: String, repository: String) throws -> Found? {
        let key = registry + "/" + repository
        if let known = lock.withLock({ resolved[key] }) { return known }
        var found: Found?
        for file in files {
            switch file.answer(registry: registry, repository: repository) {
            case nil:
                continue
            case .credentials(let c):
                found = Found(credentials: c, origin: "in " + shown(file.path))
            case .helper(let name):
                let helper = CredentialHelper(name: name, environment: environment, timeoutSeconds: timeoutSeconds)
                let origin = "from \(oneLine(helper.command, limit: 80)) (\(file.answerIsCredsStore(registry) ? "credsStore" : "credHelpers") of \(shown(file.path)))"
                do {
                    guard let c = try helper.get(registry: registry) else {
                        lock.withLock { emptyHelpers[key, default: []].append(String(origin.dropFirst(5))) }
                        continue
                    }
                    found = Found(credentials: c, origin: origin)
                } catch let failure as CredentialHelper.Failure {
                    throw HelperError(description: "credential helper \(origin.dropFirst(5)) for \(registry): \(failure.description)")
                }
            }
            break
        }
        lock.withLock { resolved[key] = .some(found) }
        return found
    }

    struct HelperError: Error, CustomStringConvertible { var description: String }

    /// Where fathom looked, for "no credentials for HOST in …".
    var searched: String {
        files.isEmpty ? shown(dockerPath) : files.map { shown($0.path) }.joined(separator: ", ")
    }

    /// "no credentials for HOST in FILES", naming the helpers that had none.
    func missingNote(registry: String, repository: String) -> String {
        let helpers = lock.withLock { emptyHelpers[registry + "/" + repository] ?? [] }
        return "no credentials for \(registry) in \(searched)"
            + (helpers.isEmpty ? "" : "; credential helper \(helpers.joined(separator: ", ")) has none for it")
    }

    /// A path with the home folder as `~`.
    func shown(_ path: String) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home.count > 1 && path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
    }
}

extension AuthFile {
    /// The registry's helper comes from `credsStore`, not from `credHelpers`.
    func answerIsCredsStore(_ registry: String) -> Bool {
        credHelpers[AuthFile.normalize(registry, .docker)] == nil && credsStore != nil
    }
}
