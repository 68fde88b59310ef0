// Rule 2: package-manager caches and lists that stay in the final filesystem, with the flag or
// cleanup that avoids each (the install guides of apt, apk, pip, npm, Go, cargo, Maven, Gradle).
extension FinalPayload {
    struct Cache { var name: String; var prefixes: [String]; var fix: String; var snippet: String }

    static let caches: [Cache] = [
        Cache(name: "apt package lists", prefixes: ["var/lib/apt/lists/"],
              fix: "Remove the lists in the RUN that runs apt-get update.",
              snippet: "RUN apt-get update \\\n && apt-get install -y --no-install-recommends <packages> \\\n && rm -rf /var/lib/apt/lists/*"),
        Cache(name: "apt's downloaded packages (.deb)", prefixes: ["var/cache/apt/"],
              fix: "Run apt-get clean in the RUN that installs (official Debian and Ubuntu images do it through /etc/apt/apt.conf.d/docker-clean).",
              snippet: "RUN apt-get update \\\n && apt-get install -y --no-install-recommends <packages> \\\n && apt-get clean \\\n && rm -rf /var/lib/apt/lists/*"),
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

    /// The cache whose folder is `dirPath` (no leading or trailing `/`), if any.
    static func cache(forDirectory dirPath: String) -> Int? {
        let withSlash = dirPath + "/"
        return caches.firstIndex { $0.prefixes.contains(withSlash) }
    }

    static func cacheFinding(_ a: AdviceInput, _ cache: Cache, _ g: Group) -> Finding {
        Finding(
            rule: "package-manager-leftovers", severity: Advisor.severity(bytes: g.bytes),
            title: "The final image keeps \(ByteFormat.si(g.bytes)) of \(cache.name)",
            layers: g.layerList, paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: cache.fix + " (added by " + Advisor.commands(a, g.layerList) + ")",
            snippet: cache.snippet)
    }
}
