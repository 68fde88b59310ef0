import ArgumentParser
import FathomCore
import FathomSources
import Foundation

/// The options that say where an image comes from and which image of an archive: shared by
/// `fathom IMAGE`, `fathom cat`, `fathom ls` and `fathom extract`.
struct ImageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where IMAGE comes from: docker, podman, containerd, docker-archive, oci-archive, oci or registry (default: a path if one exists, else the Docker engine).",
                               valueName: "KIND"),
            completion: .list(["docker", "podman", "containerd", "docker-archive", "oci-archive", "oci", "registry"]))
    var source: String?

    @Flag(help: "Registry: use plain HTTP (a registry on this machine without TLS).")
    var insecure = false

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Registry or engine: give up on a transfer that brings less than 1 KiB/s on average (nothing at all included) for this many seconds (default 30).", valueName: "SECONDS"))
    var timeout: String?

    @Flag(help: "Docker or Podman engine: pull the image when the engine does not have it.")
    var pull = false

    @OptionGroup var containerd: ContainerdOptions

    @Option(name: .customLong("image"),
            help: ArgumentHelp("Choose one image of several: NAME[:TAG] (:latest implied) or a digest (sha256:…).",
                               valueName: "NAME[:TAG]"))
    var imageName: String?

    @Option(help: ArgumentHelp("Choose one platform of a multi-platform index, e.g. linux/arm64/v8. Default: the only one, else the host's.",
                               valueName: "os/arch[/variant]"))
    var platform: String?

    @Flag(help: "Recompute every layer's diff ID (SHA-256 of the uncompressed layer) and fail if it differs from the config's rootfs.diff_ids.")
    var verify = false

    /// `--platform` parsed; exits 2 with one line when it is not os/arch[/variant].
    func wantedPlatform() -> Platform? {
        guard let platform else { return nil }
        guard let p = Platform(parsing: platform) else { CommandSupport.fail("--platform: '\(platform)' is not os/arch[/variant]") }
        return p
    }

    /// IMAGE understood with `--source`; exits 2 with one line when it contradicts it, or when it is `-`
    /// and standard input is a terminal.
    func spec(_ argument: String) -> SourceSpec {
        CommandSupport.refuseTerminalInput(argument)
        do { return try SourceSpec.parse(argument, source: source) } catch { CommandSupport.fail("\(error)") }
    }

    /// What the network sources need.
    func sourceOptions() -> SourceOptions {
        var s = SourceOptions()
        s.insecure = insecure
        s.pull = pull
        if let timeout { s.timeoutSeconds = CommandSupport.timeoutSeconds(timeout) }
        containerd.apply(to: &s)
        return s
    }

    func loadOptions() -> LoadOptions { LoadOptions(imageName: imageName, platform: wantedPlatform(), verify: verify) }

    /// Loads IMAGE for a command that prints or writes its files, with a progress line on a terminal;
    /// exits 2 with one line when it cannot be read.
    func load(_ argument: String) -> Image {
        let spec = spec(argument)
        var sourceOptions = sourceOptions()
        var options = loadOptions()
        let progress = Progress()
        if progress.isEnabled {
            if spec.kind == nil || spec.kind == .dockerArchive || spec.kind == .ociArchive || spec.kind == .oci {
                options.progress = { @Sendable (member: String) in progress.show(member) }
            } else {
                sourceOptions.progress = { @Sendable (line: String) in progress.status(line) }
            }
        }
        defer { progress.clear() }
        do {
            return try PhaseTimer.measure("load") { try ImageSources.load(spec, options: options, source: sourceOptions) }
        } catch {
            progress.clear()
            CommandSupport.fail(CommandSupport.describe(error, input: argument))
        }
    }
}

/// containerd's namespace and socket, for `containerd://` (shared by every command that reads an image).
struct ContainerdOptions: ParsableArguments {
    @Option(help: ArgumentHelp("containerd: the namespace (default: $CONTAINERD_NAMESPACE, else default; Kubernetes keeps images in k8s.io).", valueName: "NS"))
    var namespace: String?

    @Option(name: .customLong("containerd-address"),
            help: ArgumentHelp("containerd: its socket (default: $CONTAINERD_ADDRESS, else /run/containerd/containerd.sock).", valueName: "PATH"),
            completion: .file())
    var containerdAddress: String?

    func apply(to s: inout SourceOptions) {
        s.containerdNamespace = namespace
        s.containerdAddress = containerdAddress.map { $0.hasPrefix("unix://") ? String($0.dropFirst(7)) : $0 }
    }
}
