import FathomCore
import Foundation

/// Where an image comes from: `--source KIND` or the prefix of the IMAGE argument
/// (dive's syntax where dive has one).
public enum SourceKind: String, CaseIterable, Sendable {
    case docker
    case podman
    case containerd
    case dockerArchive = "docker-archive"
    case ociArchive = "oci-archive"
    case oci
    case registry

    /// The prefix that names this kind in the IMAGE argument.
    public var prefix: String {
        switch self {
        case .docker: "docker://"
        case .podman: "podman://"
        case .containerd: "containerd://"
        case .dockerArchive: "docker-archive:"
        case .ociArchive: "oci-archive:"
        case .oci: "oci:"
        case .registry: "registry://"
        }
    }
}

/// The IMAGE argument, understood.
public struct SourceSpec: Equatable, Sendable {
    /// nil: an archive path (file, directory, `-`) whose layout is recognised from its bytes.
    public var kind: SourceKind?
    /// The path or image name without its prefix.
    public var target: String
    /// The argument as given, for messages (`registry://127.0.0.1:5000/wasteful:latest`).
    public var display: String
    /// True when no prefix or `--source` chose the engine: IMAGE was not an existing path.
    public var implicit: Bool

    public init(kind: SourceKind?, target: String, display: String, implicit: Bool = false) {
        self.kind = kind
        self.target = target
        self.display = display
        self.implicit = implicit
    }

    /// Parses IMAGE and `--source`.
    /// - Parameter exists: Whether a path exists (injectable for tests).
    public static func parse(_ argument: String, source: String? = nil,
                             exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws -> SourceSpec {
        // longest prefix first: oci-archive: before oci:
        let byPrefix = SourceKind.allCases.sorted { $0.prefix.count > $1.prefix.count }.first { argument.hasPrefix($0.prefix) }
        if let source {
            guard let kind = SourceKind(rawValue: source) else {
                throw SourceError("--source", "'\(source)' is not one of \(SourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let byPrefix, byPrefix != kind, !(exists(argument)) {
                throw SourceError(argument, "the prefix \(byPrefix.prefix) contradicts --source \(kind.rawValue)")
            }
            let target = byPrefix == kind ? String(argument.dropFirst(kind.prefix.count)) : argument
            return SourceSpec(kind: kind, target: target, display: argument)
        }
        if argument == "-" || exists(argument) { return SourceSpec(kind: nil, target: argument, display: argument) }
        if let byPrefix {
            return SourceSpec(kind: byPrefix, target: String(argument.dropFirst(byPrefix.prefix.count)), display: argument)
        }
        if looksLikePath(argument) { return SourceSpec(kind: nil, target: argument, display: argument) }
        return SourceSpec(kind: .docker, target: argument, display: argument, implicit: true)
    }

    /// A name that can only be a file: a slash-led or dot-led path, or an archive's file name.
    static func looksLikePath(_ s: String) -> Bool {
        if s.hasPrefix("/") || s.hasPrefix("./") || s.hasPrefix("../") || s.hasPrefix("~") || s.hasSuffix("/") { return true }
        let lower = s.lowercased()
        return [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.xz", ".json"].contains { lower.hasSuffix($0) }
            || (try? ImageReference.parse(s)) == nil
    }
}

/// What the network sources need besides `LoadOptions`.
public struct SourceOptions: Sendable {
    /// Plain HTTP to the registry (`--insecure`).
    public var insecure = false
    /// Let the engine pull a missing image (`--pull`).
    public var pull = false
    /// Layers fetched at once from a registry.
    public var concurrency = 4
    /// The Docker configuration with registry credentials; nil = `$DOCKER_CONFIG` or `~/.docker/config.json`.
    public var dockerConfigPath: String?
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Status lines while fetching (bytes and layers).
    public var progress: FetchProgress?
    /// `--timeout`, in seconds: a registry or engine that sends nothing, or less than 1 KiB/s on
    /// average, for this long fails the transfer (30 by default).
    public var timeoutSeconds: Double = 30
    /// containerd's namespace (`--namespace`); nil: `$CONTAINERD_NAMESPACE`, else `default`.
    public var containerdNamespace: String?
    /// containerd's socket (`--containerd-address`); nil: `$CONTAINERD_ADDRESS`, else `/run/containerd/containerd.sock`.
    public var containerdAddress: String?

    public init() {}
}

/// Opens an image wherever it lives.
public enum ImageSources {
    public static func load(_ spec: SourceSpec, options: LoadOptions = LoadOptions(),
                            source: SourceOptions = SourceOptions()) throws -> Image {
        switch spec.kind {
        case nil:
            return try ImageLoader.load(path: spec.target, options: options)
        case .dockerArchive, .ociArchive, .oci:
            return try archive(spec, options: options)
        case .registry:
            let reference: ImageReference
            do { reference = try ImageReference.parse(spec.target) } catch {
                throw SourceError(spec.display, "not an image reference: \(error.reason)")
            }
            let credentials: CredentialStore
            do {
                credentials = try CredentialStore(environment: source.environment, dockerConfigPath: source.dockerConfigPath,
                                                  timeoutSeconds: source.timeoutSeconds)
            } catch {
                throw SourceError(spec.display, "\(error)")
            }
            let registry = RegistrySource(reference: reference, display: spec.display, insecure: source.insecure,
                                          credentials: credentials, progress: source.progress, environment: source.environment,
                                          timeoutSeconds: source.timeoutSeconds)
            return try registry.load(options: options, concurrency: source.concurrency)
        case .docker:
            try checkEngineName(spec.target, display: spec.display)
            let endpoint: EngineEndpoint.Choice
            do { endpoint = try EngineEndpoint.docker(source.environment) } catch let e as SourceError {
                throw SourceError(spec.display, e.reference + " " + e.message)
            }
            let socket = endpoint.socket
            let engine = EngineSource(name: engineName(spec.target), display: spec.display, socketPath: socket,
                                      engine: endpoint.origin.hasPrefix("Docker context") ? "Docker engine of the \(endpoint.origin)" : "Docker engine",
                                      pull: source.pull, progress: source.progress, timeoutSeconds: source.timeoutSeconds)
            if spec.implicit && !FileManager.default.fileExists(atPath: socket) {
                throw SourceError(spec.display, "no such file, and no Docker engine at unix://\(socket)\(endpoint.origin.isEmpty ? "" : " (" + endpoint.origin + ")") to ask for an image of that name")
            }
            return try engine.load(options: options)
        case .podman:
            return try podman(spec, options: options, source: source)
        case .containerd:
            return try ContainerdSource.load(spec, options: options, source: source)
        }
    }

    /// `docker-archive:`, `oci-archive:`, `oci:`: the archive reader, then a check that the layout is that kind.
    static func archive(_ spec: SourceSpec, options: LoadOptions) throws -> Image {
        let kind = spec.kind!
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: spec.target, isDirectory: &isDirectory)
        if exists && kind == .oci && !isDirectory.boolValue {
            throw SourceError(spec.display, "not a directory (oci: names an OCI layout directory; use oci-archive: for a tar)")
        }
        if exists && kind == .ociArchive && isDirectory.boolValue {
            throw SourceError(spec.display, "a directory (use oci: for an OCI layout directory)")
        }
        let image = try ImageLoader.load(path: spec.target, options: options)
        let isOCI = image.layout == .oci || image.layout == .dockerSaveOCI
        switch kind {
        case .dockerArchive where image.layout == .oci:
            throw SourceError(spec.display, "an OCI layout without manifest.json, not a docker-archive (use oci-archive:)")
        case .ociArchive where !isOCI, .oci where !isOCI:
            throw SourceError(spec.display, "a \(image.layout.rawValue) archive, not an OCI layout (use docker-archive:)")
        default:
            return image
        }
    }

    /// Refuses an engine image name that is neither an image reference nor an image ID: the name goes
    /// into the Engine API's path, where `..` or `?` would reach another endpoint.
    static func checkEngineName(_ name: String, display: String) throws {
        let id = name.hasPrefix("sha256:") ? String(name.dropFirst(7)) : name
        if id.count >= 12, id.count <= 64, id.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) { return }
        do { _ = try ImageReference.parse(name) } catch {
            throw SourceError(display, "not an image name: \(error.reason)")
        }
    }

    /// A name without tag or digest means `:latest`, as for `docker pull`.
    static func engineName(_ name: String) -> String {
        if name.contains("@") { return name }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { return name }
        return name + ":latest"
    }

    /// Podman: its Docker-compatible socket when one is up, else `podman save`.
    static func podman(_ spec: SourceSpec, options: LoadOptions, source: SourceOptions) throws -> Image {
        try checkEngineName(spec.target, display: spec.display)
        let env = source.environment
        let sockets: [String]
        do { sockets = try EngineEndpoint.podman(env) } catch let e as SourceError {
            throw SourceError(spec.display, e.reference + " " + e.message)
        }
        let name = engineName(spec.target)
        if let socket = sockets.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            return try EngineSource(name: name, display: spec.display, socketPath: socket, engine: "Podman service",
                                    pull: source.pull, progress: source.progress, timeoutSeconds: source.timeoutSeconds)
                .load(options: options)
        }
        let path = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/podman" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            throw SourceError(spec.display, "no Podman socket (\(sockets.joined(separator: ", "))) and no podman command")
        }
        let command = try CommandSource(path, ["save", "--format", "docker-archive", name])
        do {
            return try ImageLoader.load(archiveFrom: command, name: spec.display, options: options) {
                try CommandSource(path, ["save", "--format", "docker-archive", name])
            }
        } catch {
            if command.readToEnd, let failure = command.failure() { throw SourceError(spec.display, "podman save failed: \(failure)") }
            throw error
        }
    }
}
