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

    /// How sure the rule is that a file holds a secret.
    enum SecretCertainty: Int, Comparable {
        /// A private key, or a credential file with a credential in it: high.
        case certain = 0
        /// A name that holds secrets, content that cannot tell (binary PKCS#12, a key in DER): medium.
        case likely = 1
        /// A key inside an installed package or toolchain (test data, templates): low, never the user's.
        case installedPackage = 2
        static func < (a: SecretCertainty, b: SecretCertainty) -> Bool { a.rawValue < b.rawValue }
    }

    /// The verdict on one file from its name, its path and what the scan saw in it (`ContentHints`); nil:
    /// not a secret (a bundle of public certificates, an `.npmrc` without a token, an empty file).
    static func secretVerdict(name: String, path: String, hints: ContentHints) -> SecretCertainty? {
        guard hints.contains(.nonEmpty) else { return nil }
        var verdict: SecretCertainty?
        if hints.contains(.privateKey) {
            verdict = .certain
        } else if name == ".env" || (name.hasPrefix(".env.") && !["example", "sample", "template", "dist", "defaults"].contains {
            name.hasSuffix("." + $0) }) {
            verdict = hints.contains(.credential) ? .certain : .likely
        } else if [".npmrc", ".pypirc", ".netrc"].contains(name) || path.hasSuffix(".aws/credentials") || path.hasSuffix(".docker/config.json") {
            verdict = hints.contains(.credential) ? .certain : nil
        } else if name == ".git-credentials" {
            verdict = .certain
        } else if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].contains(name) || name.hasSuffix(".key") {
            verdict = hints.contains(.publicPEM) ? nil : .likely
        } else if name.hasSuffix(".p12") || name.hasSuffix(".pfx") {
            verdict = .likely
        } else if name.hasSuffix(".pem") {
            verdict = nil   // no private key block: certificates or public keys
        }
        guard let v = verdict else { return nil }
        return isInstalledPackageFile(path) ? .installedPackage : v
    }

    /// A path inside what a package manager or a toolchain installed (its test data, templates and
    /// examples ship keys on purpose): Debian's and others' trees under `/usr` but `/usr/local/bin`
    /// and `/usr/src`, language package folders, toolchains under `/usr/local` and `/opt`.
    static func isInstalledPackageFile(_ path: String) -> Bool {
        let p = path.hasPrefix("/") ? String(path.dropFirst()) : path
        for prefix in ["usr/share/", "usr/lib/", "usr/lib64/", "usr/libexec/", "usr/include/", "usr/local/go/", "usr/local/lib/",
                       "usr/local/share/", "usr/lib/jvm/", "opt/java/", "opt/conda/", "root/go/pkg/mod/", "go/pkg/mod/",
                       "root/.cargo/registry/", "root/.rustup/", "usr/local/rustup/", "usr/local/cargo/registry/"] where p.hasPrefix(prefix) {
            return true
        }
        return ["/site-packages/", "/dist-packages/", "/node_modules/", "/vendor/bundle/", "/gems/"].contains { p.contains($0) }
    }

    /// Secret files in any layer, even one a later layer deletes: decided by name and content (the scan
    /// looks into files with such names as it hashes them), never shown (the report has paths only).
    /// Certain hits come first, each path once with the layers that ship it.
    static func secrets(_ a: AdviceInput) -> [Finding] {
        struct Hit { var bytes: Int64; var layers: [Int]; var certainty: SecretCertainty }
        var hits: [String: Hit] = [:]
        for (i, layer) in a.image.layers.enumerated() {
            let c = layer.blob.changeset
            for (row, hints) in c.contentHints where c.kinds[row] == .file {
                let path = "/" + c.path(row)
                let name = path.split(separator: "/").last.map(String.init) ?? path
                guard let verdict = secretVerdict(name: name, path: path, hints: hints) else { continue }
                var hit = hits[path] ?? Hit(bytes: 0, layers: [], certainty: verdict)
                hit.bytes = max(hit.bytes, c.sizes[row])
                if !hit.layers.contains(i) { hit.layers.append(i) }
                hit.certainty = min(hit.certainty, verdict)
                hits[path] = hit
            }
        }
        var out: [Finding] = []
        for certainty in [SecretCertainty.certain, .likely, .installedPackage] {
            let group = hits.filter { $0.value.certainty == certainty }
            guard !group.isEmpty else { continue }
            let items = group.map { ($0.key, $0.value.bytes) }
            let shipping = group.mapValues { $0.layers.sorted() }
            let layers = Set(group.values.flatMap(\.layers)).sorted()
            let names = group.keys.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
            let (severity, title, fix, snippet): (Finding.Severity, String, String, String) = switch certainty {
            case .certain:
                (.high, "\(plural(group.count, "secret file")) shipped in the layers: private keys or credentials (deleting them later does not remove them)",
                 "Keep them out of the build context with .dockerignore, pass secrets to the build with --mount=type=secret, and rotate every one that shipped.",
                 secretSnippet(names))
            case .likely:
                (.medium, "\(plural(group.count, "file")) that may hold secrets, by their names (their content cannot tell)",
                 "Check them; keep the ones that hold secrets out of the build context with .dockerignore.", secretSnippet(names))
            case .installedPackage:
                (.low, "\(plural(group.count, "key file")) inside installed packages or toolchains (their test data or templates, not yours)",
                 "Nothing to do unless you put them there; a multi-stage build leaves toolchains and their test data behind.", "")
            }
            out.append(Finding(rule: "secrets-in-layers", severity: severity, title: title, layers: layers,
                               paths: withLayers(top(items), shipping), pathCount: items.count, reclaimableBytes: 0, fix: fix, snippet: snippet))
        }
        return out
    }

    static func withLayers(_ paths: [Finding.PathBytes], _ layers: [String: [Int]]) -> [Finding.PathBytes] {
        paths.map { var p = $0; p.layers = layers[p.path] ?? []; return p }
    }

    /// A snippet for the kinds of secret files found: `.dockerignore` lines, and a build secret for the tool
    /// that needs one (npm's `.npmrc`, pip's `.pypirc`, an SSH key for git), never another ecosystem's.
    static func secretSnippet(_ names: [String]) -> String {
        var ignore: [String] = []
        for name in names.sorted() {
            let pattern = name.hasPrefix(".env") ? ".env*" : name.hasSuffix(".pem") ? "*.pem" : name.hasSuffix(".key") ? "*.key"
                : name.hasSuffix(".p12") ? "*.p12" : name.hasSuffix(".pfx") ? "*.pfx" : name
            if !ignore.contains(pattern) { ignore.append(pattern) }
        }
        var snippet = "# .dockerignore\n" + ignore.joined(separator: "\n")
        if names.contains(".npmrc") {
            snippet += "\n# Dockerfile\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci"
        } else if names.contains(".pypirc") || names.contains(".netrc") {
            snippet += "\n# Dockerfile\nRUN --mount=type=secret,id=netrc,target=/root/.netrc pip install -r requirements.txt"
        } else if names.contains(where: { $0.hasPrefix("id_") }) {
            snippet += "\n# Dockerfile (docker build --ssh default .)\nRUN --mount=type=ssh git clone git@example.com:org/repo.git"
        } else if names.contains(where: { $0.hasPrefix(".env") }) {
            snippet += "\n# at run time instead: docker run --env-file .env IMAGE"
        }
        return snippet
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
