import FathomCore
import Foundation

/// `containerd://NAME`: an image from a running containerd (Kubernetes nodes, nerdctl), streamed from
/// containerd's own export (`ctr images export -`, an OCI archive with a Docker `manifest.json`)
/// into the one-pass reader, as an engine's archive is. Nothing is written to disk.
enum ContainerdSource {
    static let defaultAddress = "/run/containerd/containerd.sock"

    /// - Throws: `SourceError` (one line) when there is no containerd, no `ctr`, or containerd does not
    ///   have the image or all of its content.
    static func load(_ spec: SourceSpec, options: LoadOptions, source: SourceOptions) throws -> Image {
        let env = source.environment
        let namespace = source.containerdNamespace ?? env["CONTAINERD_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let address = source.containerdAddress ?? env["CONTAINERD_ADDRESS"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultAddress
        let name = try fullName(spec.target, display: spec.display)
        guard namespace.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), !namespace.hasPrefix("-") else {
            throw SourceError(spec.display, "'\(oneLine(namespace, limit: 80))' is not a containerd namespace")
        }
        let at = "containerd at unix://\(address) (namespace \(namespace))"
        guard FileManager.default.fileExists(atPath: address) else {
            throw SourceError(spec.display, "no containerd at unix://\(address) (no such socket; --containerd-address or CONTAINERD_ADDRESS names another)")
        }
        let ctr = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/ctr" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let ctr else { throw SourceError(spec.display, "no ctr command in PATH (the containerd package installs it)") }
        var arguments = ["--address", address, "--namespace", namespace, "images", "export"]
        if let platform = options.platform { arguments += ["--platform", platform.description] }
        arguments += ["-", name]
        let argv = arguments
        let command = try CommandSource(ctr, arguments, label: "ctr images export")
        do {
            return try ImageLoader.load(archiveFrom: command, name: spec.display, options: options) {
                try CommandSource(ctr, argv, label: "ctr images export")
            }
        } catch {
            if command.readToEnd, let failure = command.failure() {
                throw SourceError(spec.display, explain(failure, name: name, at: at))
            }
            throw error
        }
    }

    /// containerd's name for an image: Docker's short form made whole (`app:1` → `docker.io/library/app:1`,
    /// no tag → `:latest`), as `ctr images import` and the CRI name images.
    static func fullName(_ target: String, display: String) throws -> String {
        let reference: ImageReference
        do { reference = try ImageReference.parse(target) } catch {
            throw SourceError(display, "not an image name: \(error.reason)")
        }
        var r = reference
        if r.tag == nil && r.digest == nil { r.tag = "latest" }
        return r.description
    }

    /// ctr's last line, said plainly.
    static func explain(_ failure: String, name: String, at: String) -> String {
        if failure.contains("image \"") && failure.hasSuffix("not found") {
            return "no image \(name) in the \(at)"
        }
        if failure.contains("content digest") && failure.contains("not found") {
            return "the \(at) does not have all of \(name)'s content (a layer not pulled, or garbage-collected): \(failure)"
        }
        return "ctr images export failed (\(at)): \(failure)"
    }
}
