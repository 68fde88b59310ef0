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
        name.withUnsafeBytes { mayBeSecret($0) }
    }

    static func mayBeSecret(_ name: UnsafeRawBufferPointer) -> Bool {
        let n = name.count
        guard n > 0 else { return false }
        if name[0] == 0x2E || (n >= 3 && name[0] == 0x69 && name[1] == 0x64 && name[2] == 0x5F) { return true }   // ".…", "id_…"
        if n >= 4 && name[n - 4] == 0x2E {   // ".pem", ".key", ".p12", ".pfx"
            let (a, b, c) = (name[n - 3], name[n - 2], name[n - 1])
            if (a, b, c) == (0x70, 0x65, 0x6D) || (a, b, c) == (0x6B, 0x65, 0x79) || (a, b, c) == (0x70, 0x31, 0x32)
                || (a, b, c) == (0x70, 0x66, 0x78) { return true }
        }
        if n == 11 { return name.elementsEqual("credentials".utf8) || name.elementsEqual("config.json".utf8) }
        return false
    }

    /// Never reads the files' content: the names are the evidence.
    static func secrets(_ a: AdviceInput) -> [Finding] {
        var items: [(String, Int64)] = []
        var layers = Set<Int>()
        for (i, layer) in a.image.layers.enumerated() {
            let c = layer.blob.changeset
            for row in 0..<c.count where c.kinds[row] == .file {
                let name: String? = c.withPath(row) { full in
                    var start = full.count
                    while start > 0 && full[start - 1] != 0x2F { start -= 1 }
                    let last = UnsafeRawBufferPointer(rebasing: full[start...])
                    return mayBeSecret(last) ? String(decoding: last, as: UTF8.self) : nil
                }
                guard let name else { continue }
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
    static func runsAsRoot(_ a: AdviceInput) -> Finding? {
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
    static func addUserSnippet(_ a: AdviceInput) -> String {
        let paths = a.replay.paths
        func exists(_ p: String) -> Bool { paths.existingNode(forPath: Array(p.utf8)).flatMap { a.replay.currentState(Int($0)) } != nil }
        if exists("usr/sbin/useradd") { return "RUN useradd --system --uid 65532 --no-create-home app\n" }
        if exists("usr/sbin/adduser") || exists("bin/busybox") { return "RUN adduser -D -H -u 65532 app\n" }
        return ""
    }
}
