/// Turns an analysis into findings: which Dockerfile step wastes what, and the fix.
///
/// Every finding comes from the layers and the config (not from guesses), and the bytes of two
/// findings never overlap: hidden bytes go to "cleanup in a later layer" or to "metadata-only
/// rewrite", visible bytes to "package-manager leftovers"; secrets and root claim none.
public enum Advisor {
    /// The findings, most reclaimable bytes first; ties by severity, then layers, then rule, so the
    /// order never depends on hash-table iteration.
    public static func findings(_ a: Analysis) -> [Finding] {
        var out: [Finding] = []
        out += hiddenBytes(a)
        out += packageManagerLeftovers(a)
        out += secrets(a)
        if let root = runsAsRoot(a) { out.append(root) }
        return out.sorted { x, y in
            if x.reclaimableBytes != y.reclaimableBytes { return x.reclaimableBytes > y.reclaimableBytes }
            if x.severity != y.severity { return x.severity > y.severity }
            if x.layers != y.layers { return x.layers.lexicographicallyPrecedes(y.layers) }
            if x.rule != y.rule { return x.rule < y.rule }
            return x.title < y.title
        }
    }

    /// A layer's command as a fix quotes it (cut at 80 characters).
    static func command(_ a: Analysis, _ layer: Int) -> String {
        let full = LayerCommand.display(a.image.layers[layer].createdBy, comment: a.image.layers[layer].history?.comment)
        return full.count <= 80 ? full : String(full.prefix(79)) + "…"
    }

    static func top(_ items: [(String, Int64)]) -> [Finding.PathBytes] {
        items.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10).map { Finding.PathBytes(path: $0.0, bytes: $0.1) }
    }

    static func path(_ a: Analysis, _ node: PathTable.NodeID) -> String { "/" + a.replay.paths.path(node) }

    // MARK: 1 and 4: bytes a layer ships that a later layer hides

    /// Rule 1 (cleanup in a later layer) and rule 4 (metadata-only rewrites), from the inodes a later layer hid.
    static func hiddenBytes(_ a: Analysis) -> [Finding] {
        // inodes hidden by a metadata-only rewrite of their path belong to rule 4
        var metadataOnly = Set<UInt64>()
        for (layer, diff) in a.replay.diffs.enumerated() {
            for n in diff.metadataOnly { metadataOnly.insert(UInt64(layer) << 32 | UInt64(UInt32(bitPattern: n))) }
        }
        struct Group { var bytes: Int64 = 0; var paths: [(String, Int64)] = [] }
        var cleanup: [Int: Group] = [:]       // key: shipper << 16 | hider
        var rewrites: [Int: Group] = [:]      // key: hider layer
        for inode in a.replay.inodes where inode.visibleCount == 0 && inode.hiddenBy > inode.layer && inode.sizeBytes > 0 {
            let key = UInt64(UInt16(inode.hiddenBy)) << 32 | UInt64(UInt32(bitPattern: inode.node))
            if metadataOnly.contains(key) {
                rewrites[Int(inode.hiddenBy), default: Group()].bytes += inode.sizeBytes
                rewrites[Int(inode.hiddenBy), default: Group()].paths.append((path(a, inode.node), inode.sizeBytes))
            } else {
                let k = Int(inode.layer) << 16 | Int(inode.hiddenBy)
                cleanup[k, default: Group()].bytes += inode.sizeBytes
                cleanup[k, default: Group()].paths.append((path(a, inode.node), inode.sizeBytes))
            }
        }
        var out: [Finding] = []
        for (k, g) in cleanup {
            let shipper = k >> 16, hider = k & 0xFFFF
            out.append(Finding(
                rule: "cleanup-in-later-layer", severity: g.bytes >= 10_000_000 ? .high : .medium,
                title: "Layer \(shipper) ships \(ByteFormat.si(g.bytes)) that layer \(hider) deletes or overwrites",
                layers: [shipper, hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: "Create, use and delete these files in one RUN step (layer \(shipper): `\(command(a, shipper))`; "
                    + "layer \(hider): `\(command(a, hider))`): a later layer cannot take bytes out of an earlier one.",
                snippet: "RUN <download or build> \\\n && <use it> \\\n && rm -rf <what it left behind>"))
        }
        for (hider, g) in rewrites {
            out.append(Finding(
                rule: "metadata-only-rewrite", severity: .medium,
                title: "Layer \(hider) ships \(g.paths.count) file\(g.paths.count == 1 ? "" : "s") again only to change mode or owner (\(ByteFormat.si(g.bytes)))",
                layers: [hider], paths: top(g.paths), pathCount: g.paths.count, reclaimableBytes: g.bytes,
                fix: "Set the mode or owner when the file is first copied (`\(command(a, hider))` in its own layer copies every byte again).",
                snippet: "COPY --chmod=0755 --chown=app:app <src> <dest>"))
        }
        return out
    }

    // MARK: 2: package-manager leftovers in the final filesystem

    struct Cache { var name: String; var prefixes: [String]; var fix: String; var snippet: String }

    static let caches: [Cache] = [
        Cache(name: "apt package lists and caches", prefixes: ["var/lib/apt/lists/", "var/cache/apt/"],
              fix: "Install with --no-install-recommends and remove the lists in the same RUN.",
              snippet: "RUN apt-get update \\\n && apt-get install -y --no-install-recommends <packages> \\\n && rm -rf /var/lib/apt/lists/*"),
        Cache(name: "apk cache", prefixes: ["var/cache/apk/"], fix: "Use apk add --no-cache.", snippet: "RUN apk add --no-cache <packages>"),
        Cache(name: "pip cache", prefixes: ["root/.cache/pip/"], fix: "Use pip install --no-cache-dir (or a cache mount).",
              snippet: "RUN pip install --no-cache-dir -r requirements.txt"),
        Cache(name: "npm / yarn / pnpm cache", prefixes: ["root/.npm/", "usr/local/share/.cache/yarn/", "root/.cache/yarn/", "root/.local/share/pnpm/store/"],
              fix: "Install production dependencies and clean the cache in the same RUN (or use a cache mount).",
              snippet: "RUN npm ci --omit=dev && npm cache clean --force"),
        Cache(name: "Go build and module caches", prefixes: ["root/.cache/go-build/", "root/go/pkg/mod/", "go/pkg/mod/"],
              fix: "Build in a separate stage and copy only the binary.",
              snippet: "FROM golang AS build\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app"),
        Cache(name: "cargo registry", prefixes: ["root/.cargo/registry/", "usr/local/cargo/registry/"],
              fix: "Build in a separate stage (or use a cache mount) and copy only the binary.",
              snippet: "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release"),
        Cache(name: "Maven / Gradle caches", prefixes: ["root/.m2/repository/", "root/.gradle/caches/"],
              fix: "Build in a separate stage (or use a cache mount) and copy only the artifact.",
              snippet: "RUN --mount=type=cache,target=/root/.m2 mvn -B package"),
    ]

    static func packageManagerLeftovers(_ a: Analysis) -> [Finding] {
        var out: [Finding] = []
        for cache in caches {
            var seenInodes = Set<Int32>()
            var items: [(String, Int64)] = []
            var layers = Set<Int>()
            var bytes: Int64 = 0
            for n in 1..<a.replay.paths.count {
                guard let s = a.replay.current[n], s.kind == .file, s.inode >= 0 else { continue }
                let p = a.replay.paths.path(PathTable.NodeID(n))
                guard cache.prefixes.contains(where: { p.hasPrefix($0) }) else { continue }
                items.append(("/" + p, s.sizeBytes))
                layers.insert(Int(s.layer))
                if seenInodes.insert(s.inode).inserted { bytes += s.sizeBytes }
            }
            guard bytes > 0 else { continue }
            out.append(Finding(
                rule: "package-manager-leftovers", severity: .medium,
                title: "The final image keeps \(ByteFormat.si(bytes)) of \(cache.name)",
                layers: layers.sorted(), paths: top(items), pathCount: items.count, reclaimableBytes: bytes,
                fix: cache.fix + " (added by " + layers.sorted().map { "layer \($0): `\(command(a, $0))`" }.joined(separator: "; ") + ")",
                snippet: cache.snippet))
        }
        return out
    }

    // MARK: 6: secrets, even deleted later

    static func isSecret(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == ".env" || (name.hasPrefix(".env.") && !name.hasSuffix(".example") && !name.hasSuffix(".sample")) { return true }
        if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".npmrc", ".pypirc", ".git-credentials", ".netrc"].contains(name) { return true }
        if name.hasSuffix(".pem") || name.hasSuffix(".key") || name.hasSuffix(".p12") || name.hasSuffix(".pfx") { return true }
        return path.hasSuffix(".aws/credentials") || path.hasSuffix(".docker/config.json")
    }

    static func secrets(_ a: Analysis) -> [Finding] {
        var items: [(String, Int64)] = []
        var layers = Set<Int>()
        for (i, layer) in a.image.layers.enumerated() {
            let c = layer.blob.changeset
            for row in 0..<c.count where c.kinds[row] == .file {
                let p = c.path(row)
                if isSecret(p) { items.append(("/" + p, c.sizes[row])); layers.insert(i) }
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

    // MARK: 7: root

    static func runsAsRoot(_ a: Analysis) -> Finding? {
        let user = (a.image.config.config?.User ?? "").trimmingCharacters(in: .whitespaces)
        let name = user.split(separator: ":").first.map(String.init) ?? ""
        guard name.isEmpty || name == "root" || name == "0" else { return nil }
        return Finding(
            rule: "runs-as-root", severity: .medium,
            title: user.isEmpty ? "The image runs as root (no USER)" : "The image runs as root (USER \(user))",
            layers: [], paths: [], pathCount: 0, reclaimableBytes: 0,
            fix: "Create an unprivileged user and switch to it before CMD.",
            snippet: "RUN adduser -D -u 65532 app\nUSER 65532:65532")
    }
}

import Foundation
