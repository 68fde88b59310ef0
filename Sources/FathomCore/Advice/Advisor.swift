/// Turns an analysis into findings: which Dockerfile step wastes what, and the fix.
///
/// Every finding comes from the layers and the config, not from guesses; heuristic rules say
/// "likely" and show their evidence. The bytes of two findings never overlap: each inode is
/// claimed by the first rule that counts it (hidden bytes: cleanup in a later layer or
/// metadata-only rewrite; visible bytes: package caches, leftovers, build-context junk, toolchain,
/// documentation, then duplicates), so the findings' bytes add up to at most the shipped bytes.
public enum Advisor {
    /// The findings of a whole analysis (see `findings(_: AdviceInput)`).
    public static func findings(_ analysis: Analysis) -> [Finding] {
        let duplicates = analysis.duplicates
        return findings(AdviceInput(image: analysis.image, replay: analysis.replay, layerFigures: analysis.layerFigures,
                                    duplicates: { duplicates }))
    }

    /// The findings, by severity (high first: a shipped secret matters more than any byte count), then
    /// most reclaimable bytes; ties by layers, then rule, so the order never depends on hash-table iteration.
    static func findings(_ a: AdviceInput) -> [Finding] {
        // the walk of the final tree claims nothing itself: it runs on a second thread meanwhile
        let walk = Concurrent { FinalPayload.walk(a) }
        var claims = InodeClaims(count: a.replay.inodes.count)
        var out: [Finding] = []
        out += hiddenBytes(a, &claims)
        let other = cacheBustingOrder(a) + secrets(a)
        out += FinalPayload.findings(a, walk.value, &claims)
        out += duplicateContent(a, &claims)
        out += other
        if let root = runsAsRoot(a) { out.append(root) }
        return sorted(out)
    }

    /// Severity first, then bytes, layers, rule and title: an order that never depends on hashing.
    static func sorted(_ out: [Finding]) -> [Finding] {
        out.sorted { x, y in
            if x.severity != y.severity { return x.severity > y.severity }
            if x.reclaimableBytes != y.reclaimableBytes { return x.reclaimableBytes > y.reclaimableBytes }
            if x.layers != y.layers { return x.layers.lexicographicallyPrecedes(y.layers) }
            if x.rule != y.rule { return x.rule < y.rule }
            return x.title < y.title
        }
    }

    /// A toolchain or documentation finding in package terms: the packages that own its paths, with
    /// their bytes, and the removal that fits them (the rest of the finding unchanged).
    static func namingPackages(_ f: Finding, _ p: PackageHistory, paths: PathTable) -> Finding {
        guard ["build-toolchain", "full-distribution-base"].contains(f.rule), !p.owners.isEmpty else { return f }
        var owners: [Int] = []
        for path in f.paths {
            guard let node = paths.existingNode(forPath: Array(path.path.utf8.drop { $0 == 0x2F })), let o = p.owners[node],
                  !owners.contains(o) else { continue }
            owners.append(o)
        }
        guard !owners.isEmpty else { return f }
        let packages = owners.map { p.final[$0] }.sorted { $0.bytes > $1.bytes }
        var out = f
        out.title += "; packages " + packages.prefix(5).map { "\($0.package.name) \(ByteFormat.si($0.bytes))" }.joined(separator: ", ")
        let names = packages.prefix(8).map(\.package.name).joined(separator: " ")
        out.fix += f.rule == "build-toolchain"
            ? " Or remove the packages in the step that used them: apt-get purge -y --auto-remove \(names)."
            : " Or drop what the packages ship there: a dpkg path-exclude for /usr/share/doc, man and locale in /etc/dpkg/dpkg.cfg.d/ before installing."
        return out
    }

    /// `apt-recommends`: an apt install that also installed packages only recommended.
    static func recommends(_ hit: RecommendsRule.Hit, image: Image) -> Finding {
        let names = hit.packages.prefix(5).map { "\($0.name) \(ByteFormat.si($0.bytes))" }.joined(separator: ", ")
            + (hit.packages.count > 5 ? ", … \(hit.packages.count - 5) more" : "")
        let full = LayerCommand.display(image.layers[hit.layer].createdBy)
        let shown = full.count > 80 ? String(full.prefix(80)) + "…" : full
        return Finding(
            rule: "apt-recommends", severity: hit.bytes >= 1_000_000 ? .medium : .low,
            title: "Layer \(hit.layer)'s apt install also installed \(hit.packages.count) recommended package\(hit.packages.count == 1 ? "" : "s") (\(ByteFormat.si(hit.bytes))): \(names)",
            layers: [hit.layer],
            paths: hit.largestFiles.map { Finding.PathBytes(path: $0.path, bytes: $0.bytes) },
            pathCount: hit.packages.reduce(0) { $0 + $1.files },
            reclaimableBytes: hit.bytes,
            fix: "Add --no-install-recommends to `\(shown)`: these packages are recommended by what it installs, not required (install the ones you need by name).",
            snippet: "RUN apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*")
    }

    /// A layer's command as a fix quotes it (cut at 80 characters).
    static func command(_ a: AdviceInput, _ layer: Int) -> String {
        let full = LayerCommand.display(a.image.layers[layer].createdBy, comment: a.image.layers[layer].history?.comment)
        return full.count <= 80 ? full : String(full.prefix(79)) + "…"
    }

    /// "layer 4: `COPY …`; layer 7: `RUN …`"; a layer without a command is named without quotes.
    static func commands(_ a: AdviceInput, _ layers: [Int]) -> String {
        layers.map { hasCommand(a, $0) ? "layer \($0): `\(command(a, $0))`" : "layer \($0) \(command(a, $0))" }.joined(separator: "; ")
    }

    static func hasCommand(_ a: AdviceInput, _ layer: Int) -> Bool { !(a.image.layers[layer].createdBy ?? "").isEmpty }

    /// Medium from 10 kB, high from 10 MB: a few bytes of waste are worth knowing, not worth failing a gate on.
    static func severity(bytes: Int64) -> Finding.Severity {
        bytes >= 10_000_000 ? .high : bytes >= 10_000 ? .medium : .low
    }

    /// The ten largest paths (ties by path).
    static func top(_ items: [(String, Int64)]) -> [Finding.PathBytes] {
        items.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10).map { Finding.PathBytes(path: $0.0, bytes: $0.1) }
    }

    static func path(_ a: AdviceInput, _ node: PathTable.NodeID) -> String { "/" + a.replay.paths.path(node) }

}

/// Which inodes a finding already counts; a rule counts only the bytes of inodes it claims.
struct InodeClaims {
    private var claimed: [Bool]
    init(count: Int) { claimed = Array(repeating: false, count: count) }
    /// True when the inode was free and is now claimed.
    mutating func claim(_ inode: Int32) -> Bool {
        guard inode >= 0, !claimed[Int(inode)] else { return false }
        claimed[Int(inode)] = true
        return true
    }
    func isClaimed(_ inode: Int32) -> Bool { inode >= 0 && claimed[Int(inode)] }
}

/// What the advice reads of an analysis: everything but dive's model, so that the advice can be
/// worked out while dive's model is still being built on its own thread.
struct AdviceInput: @unchecked Sendable {  // immutable values, read by two threads
    let image: Image
    let replay: Replay
    let layerFigures: [LayerFigures]
    /// The duplicate groups, which only the last rules read: they may still be being found meanwhile.
    private let duplicatesSource: @Sendable () -> [DuplicateGroup]
    var duplicates: [DuplicateGroup] { duplicatesSource() }

    init(image: Image, replay: Replay, layerFigures: [LayerFigures], duplicates: @escaping @Sendable () -> [DuplicateGroup]) {
        self.image = image
        self.replay = replay
        self.layerFigures = layerFigures
        duplicatesSource = duplicates
    }
}
