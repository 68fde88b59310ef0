/// Matching of `--image` against image names and digests.
enum ImageName {
    /// True when `tag` (a RepoTag or reference annotation) names the image `wanted`.
    /// A missing tag means `:latest`; `docker.io/` and `library/` prefixes are optional.
    static func matches(tag: String, wanted: String) -> Bool {
        canonical(tag) == canonical(wanted)
    }

    /// `name:tag` with the default registry and namespace removed and `:latest` implied.
    static func canonical(_ reference: String) -> String {
        var s = reference
        for prefix in ["docker.io/", "index.docker.io/", "library/"] where s.hasPrefix(prefix) {
            s.removeFirst(prefix.count)
        }
        let lastComponent = s.split(separator: "/").last ?? Substring(s)
        if !lastComponent.contains(":") && !lastComponent.contains("@") { s += ":latest" }
        return s
    }

    /// True when `wanted` is `sha256:<hex>` or a hex prefix (at least 6 digits) of the digest named by `member`.
    static func matchesDigest(_ member: String, wanted: String) -> Bool {
        let hex = wanted.hasPrefix("sha256:") ? String(wanted.dropFirst(7)) : wanted
        guard hex.count >= 6, hex.allSatisfy(\.isHexDigit) else { return false }
        let memberHex = member.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? member
        let trimmed = memberHex.hasSuffix(".json") ? String(memberHex.dropLast(5)) : memberHex
        return trimmed.hasPrefix(hex)
    }
}
