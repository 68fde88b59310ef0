import Foundation

// Rule 6 (secrets shipped in a layer, even when a later layer deletes them) and rule 7 (root).
extension Advisor {
    /// True for names that usually hold credentials (`.env`, private keys, token files).
    static func isSecret(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return isSecret(name: name, path: { path })
    }

    /// `isSecret` on the last path component; the whole path is built only for names that need it.
    static func isSecret(name: String, path: () -> String) -> Bool {
        if name == ".env" || (name.hasPrefix(".env.") && !name.hasSuffix(".example") && !name.hasSuffix(".sample")) { return true }
        if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".npmrc", ".pypirc", ".git-credentials", ".netrc"].contains(name) { return true }
        if name.hasSuffix(".pem") || name.hasSuffix(".key") || name.hasSuffix(".p12") || name.hasSuffix(".pfx") { return true }
        guard name == "credentials" || name == "config.json" else { return false }
        let p = path()
        return p.hasSuffix(".aws/credentials") || p.hasSuffix(".docker/config.json")
    }

    /// A quick test on the name's bytes: false for names `isSecret` can never accept (most of them),
    /// so a million-file layer builds no strings.
    static func mayBeSecret(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first else { return false }
        if first == 0x2E || name.starts(with: [0x69, 0x64, 0x5F]) { return true }   // ".…", "id_…"
        if name.count >= 4 {
            let tail = name.suffix(4)
            if [".pem", ".key", ".p12", ".pfx"].contains(where: { tail.elementsEqual($0.utf8) }) { return true }
        }
        return name.elementsEqual("credentials".utf8) || name.elementsEqual("config.json".utf8)
    }

    /// Never reads the files' content: the names are the evidence.
    static func secrets(_ a: Analysis) -> [Finding] {
        var items: [(String, Int64)] = []
        var layers = Set<Int>()
        for (i, layer) in a.image.layers.enumerated() {
            let c = layer.blob.changeset
            for row in 0..<c.count where c.kinds[row] == .file {
                let full = c.pathSlice(row)
                let last = full[((full.lastIndex(of: 0x2F) ?? full.startIndex - 1) + 1)...]
                guard mayBeSecret(last) else { continue }
                let name = String(decoding: last, as: UTF8.self)
                if isSecret(name: name, path: { c.path(row) }) { items.append(("/" + c.path(row), c.sizes[row])); layers.insert(i) }
            }
        }
        guard !items.isEmpty else { return [] }
        return [Finding(
            rule: "secrets-in-layers", severity: .high,
            title: "\(items.count) likely secret file\(items.count == 1 ? "" : "s") shipped in the layers (deleting them later does not remove them)",
            layers: layers.sorted(), paths: top(items), pathCount: items.count, reclaimableBytes: 0,
            fix: "Keep secrets out of the build context with .dockerignore and pass them with build secrets; rotate any that shipped.",
            snippet: "# .dockerignore\n.env\n*.pem\n# Dockerfile\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci")]
    }

    /// The config's `User` empty, `root` or `0` (Docker runs the container as root then).
    static func runsAsRoot(_ a: Analysis) -> Finding? {
        let user = (a.image.config.config?.User ?? "").trimmingCharacters(in: .whitespaces)
        let name = user.split(separator: ":").first.map(String.init) ?? ""
        guard name.isEmpty || name == "root" || name == "0" else { return nil }
        return Finding(
            rule: "runs-as-root", severity: .medium,
            title: user.isEmpty ? "The image runs as root (no USER)" : "The image runs as root (USER \(user))",
            layers: [], paths: [], pathCount: 0, reclaimableBytes: 0,
            fix: "Create an unprivileged user and switch to it before CMD.",
            snippet: addUserSnippet(a) + "USER 65532:65532")
    }

    /// The user-creation command of the image's own tools: shadow's useradd (Debian, Fedora),
    /// BusyBox or Alpine adduser; none on images without either (distroless: USER alone works).
    static func addUserSnippet(_ a: Analysis) -> String {
        let paths = a.replay.paths
        func exists(_ p: String) -> Bool { paths.existingNode(forPath: Array(p.utf8)).flatMap { a.replay.current[Int($0)] } != nil }
        if exists("usr/sbin/useradd") { return "RUN useradd --system --uid 65532 --no-create-home app\n" }
        if exists("usr/sbin/adduser") || exists("bin/busybox") { return "RUN adduser -D -H -u 65532 app\n" }
        return ""
    }
}
