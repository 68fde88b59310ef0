// The findings of the visible-bytes rules (FinalPayload.swift): text, fix and snippet.
extension FinalPayload {
    static func unpackedArchivesFinding(_ a: AdviceInput, _ g: Group, unpackers: Set<Int>) -> Finding {
        let layers = g.layers.union(unpackers).sorted()
        let unpackedBy = unpackers.isEmpty ? "a folder of the same name sits beside each" : "unpacked by " + Advisor.commands(a, unpackers.sorted())
        return Finding(
            rule: "large-leftovers", severity: Advisor.severity(bytes: g.bytes),
            title: "\(plural(g.items.count, "archive")) likely kept after unpacking (\(ByteFormat.si(g.bytes)))",
            layers: layers, paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: "Fetch, unpack and delete the archive in one RUN (\(unpackedBy)); or let ADD unpack a local tar.",
            snippet: "RUN curl -fsSLo /tmp/pkg.tar.gz <url> \\\n && tar -xzf /tmp/pkg.tar.gz -C /opt \\\n && rm /tmp/pkg.tar.gz")
    }

    static func coreDumpsFinding(_ a: AdviceInput, _ g: Group) -> Finding {
        Finding(
            rule: "large-leftovers", severity: .medium,
            title: "\(plural(g.items.count, "likely core dump")) in the final image (\(ByteFormat.si(g.bytes)))",
            layers: g.layerList, paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: "Delete the core files (written by \(Advisor.commands(a, g.layerList))) and keep core* out of the build context.",
            snippet: "# .dockerignore\ncore\ncore.*")
    }

    static func temporaryFilesFinding(_ a: AdviceInput, _ g: Group) -> Finding {
        Finding(
            rule: "large-leftovers", severity: g.bytes >= 10_000_000 ? .medium : .low,
            title: "\(ByteFormat.si(g.bytes)) left in /tmp and /var/tmp",
            layers: g.layerList, paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: "Remove temporary files in the RUN that makes them (\(Advisor.commands(a, g.layerList))), or give the step a tmpfs mount.",
            snippet: "RUN --mount=type=tmpfs,target=/tmp <build step>")
    }

    static func contextJunkFinding(_ a: AdviceInput, layer: Int, _ g: Group, patterns: [String]) -> Finding {
        Finding(
            rule: "build-context-junk", severity: patterns.contains(".git/") ? .medium : .low,
            title: "Layer \(layer) copies \(ByteFormat.si(g.bytes)) of build-context files a .dockerignore would keep out (\(patterns.joined(separator: ", ")))",
            layers: [layer], paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: "List them in .dockerignore so `\(Advisor.command(a, layer))` does not copy them.",
            snippet: "# .dockerignore\n" + patterns.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }.joined(separator: "\n"))
    }

    static func toolchainFinding(_ a: AdviceInput, _ g: Group, evidence: [String]) -> Finding {
        let shown = evidence.prefix(6).joined(separator: ", ") + (evidence.count > 6 ? ", …" : "")
        return Finding(
            rule: "build-toolchain", severity: Advisor.severity(bytes: g.bytes) == .low ? .low : .medium,
            title: "The final image likely carries a build toolchain (\(shown)): \(ByteFormat.si(g.bytes))",
            layers: g.layerList, paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: "Build in a separate stage and copy only the artifacts into the final image (toolchain added by \(Advisor.commands(a, g.layerList))).",
            snippet: "FROM <base> AS build\nRUN <install the toolchain> && <build> /out/app\n\nFROM <base>\nCOPY --from=build /out/app /usr/local/bin/app")
    }

    static func documentationFinding(_ a: AdviceInput, _ g: Group) -> Finding {
        Finding(
            rule: "full-distribution-base", severity: .low,
            title: "The image likely starts from a full distribution: \(ByteFormat.si(g.bytes)) of documentation, man pages and locales",
            layers: g.layerList, paths: Advisor.top(g.items), pathCount: g.items.count, reclaimableBytes: g.bytes,
            fix: "Start from a slim or distroless base (documentation added by \(Advisor.commands(a, g.layerList))).",
            snippet: "FROM debian:bookworm-slim\n# or, for a static binary:\nFROM gcr.io/distroless/static-debian12")
    }
}
