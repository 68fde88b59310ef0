/// The `.dive-ci` that `fathom init` writes: dive's rules with thresholds a well-built image passes,
/// fathom's reclaimable-bytes and advice rules, and path rules for the stack's usual secrets and caches.
public enum StarterConfig {
    /// The stacks `fathom init --flavour` knows.
    public enum Flavour: String, CaseIterable, Sendable {
        case generic, node, python, go, java
    }

    /// The file's text for a flavour.
    public static func text(_ flavour: Flavour, version: String) -> String {
        var block = ["**/.git/**", "**/.env", "**/id_rsa", "**/id_ed25519", "**/.aws/credentials", "**/.docker/config.json"]
        var waste = ["/var/lib/apt/lists/**", "/var/cache/apt/**", "/var/cache/apk/**", "/tmp/**", "/root/.cache/**"]
        switch flavour {
        case .generic: break
        case .node:
            block += ["**/.npmrc", "**/.yarnrc.yml"]
            waste += ["/root/.npm/**", "/usr/local/share/.cache/yarn/**", "**/node_modules/.cache/**"]
        case .python:
            block += ["**/.pypirc", "**/.netrc"]
            waste += ["**/__pycache__/**", "/root/.cache/pip/**"]
        case .go:
            block += ["**/.netrc"]
            waste += ["/root/go/pkg/mod/cache/**", "/go/pkg/mod/cache/**", "/root/.cache/go-build/**"]
        case .java:
            block += ["**/.m2/settings.xml", "**/gradle.properties"]
            waste += ["/root/.m2/repository/**", "/root/.gradle/caches/**"]
        }
        func list(_ items: [String]) -> String { items.map { "    - \"\($0)\"" }.joined(separator: "\n") }
        return """
        # .dive-ci for a \(flavour.rawValue) image, written by `fathom init --flavour \(flavour.rawValue)` (fathom \(version)).
        # `fathom IMAGE --ci` (and `dive IMAGE --ci`, which reads only rules:) gate on it; exit 1 when a rule fails.
        rules:
          # dive's rules
          lowestEfficiency: 0.95           # the share of the image's bytes not wasted
          highestWastedBytes: 20MB         # bytes of files stored more than once
          highestUserWastedPercent: 0.10   # those bytes over the bytes above the base layer
          # fathom's rules (dive ignores keys it does not know)
          highestReclaimableBytes: 20MB    # bytes that a later layer deletes or overwrites
          fail-on-advice: high             # advice of this severity or higher fails (high, medium, low, disabled)
        path-rules:
          # no path of the final image may match these
          block:
        \(list(block))
          # these may not be shipped by one layer and hidden by a later one (clean up in the same RUN)
          deny-waste:
        \(list(waste))

        """
    }
}
