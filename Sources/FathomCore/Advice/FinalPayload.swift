/// The rules that look at bytes the final filesystem shows: 2 (package-manager caches),
/// 11 (leftovers: unpacked archives, core dumps, temporary files), 5 (build-context junk),
/// 3 (build toolchain) and 10 (full distribution base). One walk of the final tree puts each
/// regular file in at most one of them, in that order of precedence; hardlinks count once.
enum FinalPayload {
    /// The files of one finding: bytes (each inode once), paths with bytes, the layers that wrote them.
    struct Group {
        var bytes: Int64 = 0
        var items: [(String, Int64)] = []
        var inodes: [Int32] = []
        var layers = Set<Int>()
        var layerList: [Int] { layers.sorted() }
        mutating func add(_ path: String, _ bytes: Int64, inode: Int32, layer: Int) {
            self.bytes += bytes
            if bytes > 0 { items.append((path, bytes)) }   // an empty file gives nothing back
            inodes.append(inode)
            layers.insert(layer)
        }
        var isEmpty: Bool { inodes.isEmpty }
    }

    /// What the folders above a path say about it.
    struct Folder {
        var path = ""
        var name = ""
        var cache: Int?
        var temporary = false
        var system = false
        var junk: String?
        var toolchainRoot: String?
        var include = false
        /// Below `include/c++`: libstdc++'s and libc++'s headers, most without a suffix (`vector`, `bits/stl_algo.tcc`).
        var cxxInclude = false
        var documentation = false
    }

    /// The groups the walk fills.
    struct Groups: @unchecked Sendable {  // plain values handed from the walk's thread
        var caches = [Group](repeating: Group(), count: FinalPayload.caches.count)
        var unpackedArchives = Group()
        var unpackingLayers = Set<Int>()
        var coreDumps = Group()
        var temporary = Group()
        var junk: [Int: Group] = [:]
        var junkPatterns: [Int: [String]] = [:]
        var toolchain = Group()
        var toolchainEvidence: [String] = []
        var documentation = Group()
    }

    /// The findings of a finished walk `g`, claiming their inodes in order of precedence.
    static func findings(_ a: AdviceInput, _ g: Groups, _ claims: inout InodeClaims) -> [Finding] {
        var out: [Finding] = []
        func keep(_ group: Group, _ finding: Finding) {
            for inode in group.inodes { _ = claims.claim(inode) }
            out.append(finding)
        }
        // a finding needs bytes to give back: apt-get clean keeps an empty /var/cache/apt/archives/lock
        for (i, cache) in caches.enumerated() where !g.caches[i].isEmpty && g.caches[i].bytes > 0 {
            keep(g.caches[i], cacheFinding(a, cache, g.caches[i]))
        }
        if !g.unpackedArchives.isEmpty { keep(g.unpackedArchives, unpackedArchivesFinding(a, g.unpackedArchives, unpackers: g.unpackingLayers)) }
        if !g.coreDumps.isEmpty { keep(g.coreDumps, coreDumpsFinding(a, g.coreDumps)) }
        if !g.temporary.isEmpty { keep(g.temporary, temporaryFilesFinding(a, g.temporary)) }
        for (layer, group) in g.junk.sorted(by: { $0.key < $1.key }) {
            keep(group, contextJunkFinding(a, layer: layer, group, patterns: (g.junkPatterns[layer] ?? []).sorted()))
        }
        if !g.toolchainEvidence.isEmpty, !g.toolchain.isEmpty {
            keep(g.toolchain, toolchainFinding(a, g.toolchain, evidence: g.toolchainEvidence))
        }
        if g.documentation.bytes >= documentationThresholdBytes {
            keep(g.documentation, documentationFinding(a, g.documentation))
        }
        return out
    }

    /// Below this, documentation and locales are not worth a finding (a slim base keeps some too).
    static let documentationThresholdBytes: Int64 = 1_000_000

    /// The COPY/ADD layer that first wrote `node`, when a later layer (before `layer`) only rewrote it
    /// with the same content (a `chmod -R`, a `chown -R`): the file is still what that COPY brought in.
    static func copiedFirst(_ a: AdviceInput, _ node: PathTable.NodeID, _ current: NodeState, before layer: Int,
                            copyLayers: [Bool]) -> Int? {
        for l in 0..<layer {
            guard let first = a.replay.state(node, atLayer: l) else { continue }
            guard Int(first.layer) == l, copyLayers[l], first.kind == current.kind,
                  a.replay.content(first) == a.replay.content(current) else { return nil }
            return l
        }
        return nil
    }

    /// True when the layer's history command is a COPY or ADD (or unknown: no history to say otherwise).
    static func isCopyLayer(_ a: AdviceInput, _ layer: Int) -> Bool {
        guard let created = a.image.layers[layer].createdBy, !created.isEmpty else { return true }
        let shown = LayerCommand.display(created)
        return shown.hasPrefix("COPY ") || shown.hasPrefix("ADD ")
    }

    static func walk(_ a: AdviceInput) -> Groups {
        let paths = a.replay.paths
        let copyLayers = a.image.layers.indices.map { isCopyLayer(a, $0) }
        let commands = a.image.layers.map { $0.createdBy ?? "" }
        var counted = [Bool](repeating: false, count: a.replay.inodes.count)
        var g = Groups()
        var toolsSeen = Set<String>()
        var stack: [(PathTable.NodeID, Folder)] = [(PathTable.root, Folder())]
        while let (dir, folder) = stack.popLast() {
            for child in paths.children[Int(dir)] {
                guard let s = a.replay.currentState(Int(child)) else { continue }
                let name = String(decoding: paths.nameBytes(child), as: UTF8.self)
                if s.kind == .directory {
                    let path = folder.path.isEmpty ? name : folder.path + "/" + name
                    stack.append((child, subfolder(a, folder, name: name, path: path, node: child, copyLayers: copyLayers)))
                    continue
                }
                // built only for files a rule takes: most files match nothing
                var path: String { folder.path.isEmpty ? name : folder.path + "/" + name }
                guard s.kind == .file || s.kind == .hardlink, s.inode >= 0 else { continue }
                let tool = name.utf8.contains(0x2D) ? toolName(name) : name   // only names with a `-` carry a triple or version
                // binutils' and GCC's other tools count by their target-triple name only (`x86_64-linux-gnu-as`):
                // a bare `strings` or `ar` may be BusyBox
                let isTool = (toolchainTools.contains(tool) || (tool.count < name.count && name.contains("-linux-") && targetTools.contains(tool)))
                    && (s.mode & 0o111 != 0 || folder.toolchainRoot != nil)
                if counted[Int(s.inode)] {
                    // a hardlink to a counted file: its name is still evidence (`cc` beside `gcc`)
                    if isTool, toolsSeen.insert(tool).inserted { g.toolchainEvidence.append(tool) }
                    continue
                }
                let bytes = a.replay.inodes[Int(s.inode)].sizeBytes
                let layer = Int(s.layer)
                func add(_ group: inout Group) {
                    counted[Int(s.inode)] = true
                    group.add("/" + path, bytes, inode: s.inode, layer: layer)
                }
                if let c = folder.cache { add(&g.caches[c]); continue }
                if folder.temporary { add(&g.temporary); continue }
                if archiveExtensions.contains(Substring(name.utf8.lastIndex(of: 0x2E).map { name[name.index(after: $0)...] } ?? "")),
                   let suffix = archiveSuffixes.first(where: { name.hasSuffix($0) }), name.count > suffix.count {
                    let unpackers = commands.indices.filter { i in
                        commands[i].contains(name) && unpackVerbs.contains { commands[i].contains($0) }
                    }
                    let stem = String(name.dropLast(suffix.count))
                    let stemFolder = paths.names.lookup(Array(stem.utf8)).flatMap { paths.existingChild(dir, $0) }
                        .flatMap { a.replay.currentState(Int($0)) }?.kind == .directory
                    if !unpackers.isEmpty || stemFolder {
                        add(&g.unpackedArchives)
                        g.unpackingLayers.formUnion(unpackers)
                        continue
                    }
                }
                if !folder.system, isCoreDump(name) { add(&g.coreDumps); continue }
                if let pattern = folder.junk ?? (folder.system ? nil : contextJunkPattern(name)),
                   let copier = copyLayers[layer] ? layer : copiedFirst(a, child, s, before: layer, copyLayers: copyLayers),
                   !Advisor.isSecret(name: name, path: { path }) {
                    // junk a COPY brought in, even when a later RUN (`chmod -R`) rewrote it: the COPY is named
                    add(&g.junk[copier, default: Group()])
                    if !(g.junkPatterns[copier] ?? []).contains(pattern) { g.junkPatterns[copier, default: []].append(pattern) }
                    continue
                }
                if folder.toolchainRoot != nil || isTool
                    || (folder.include && (folder.cxxInclude || headerSuffixes.contains { name.hasSuffix($0) }))
                    || (name.hasPrefix("lib") && name.hasSuffix(".a")) {
                    add(&g.toolchain)
                    let evidence = isTool ? tool : folder.toolchainRoot
                    if let evidence, toolsSeen.insert(evidence).inserted { g.toolchainEvidence.append(evidence) }
                    continue
                }
                if folder.documentation || (name == "locale-archive" && documentationFiles.contains(path)) { add(&g.documentation) }
            }
        }
        return g
    }

    static func subfolder(_ a: AdviceInput, _ parent: Folder, name: String, path: String, node: PathTable.NodeID, copyLayers: [Bool]) -> Folder {
        var f = parent
        f.path = path
        f.name = name
        f.cache = parent.cache ?? cache(forDirectory: path)
        f.temporary = parent.temporary || path == "tmp" || path == "var/tmp"
        f.system = parent.system || (parent.path.isEmpty && systemTopLevel.contains(name)) || packageFolders.contains(name)
        if f.junk == nil, !parent.system {
            if contextJunkDirectories.contains(name) {
                f.junk = name + "/"
            } else if name == "node_modules", copiedWithItsProject(a, node: node, copyLayers: copyLayers) {
                f.junk = "node_modules/"
            }
        }
        if f.toolchainRoot == nil, isToolchainDirectory(path: path, name: name, parentName: parent.name) { f.toolchainRoot = "/" + path }
        f.include = parent.include || name == "include"
        f.cxxInclude = parent.cxxInclude || (name == "c++" && parent.name == "include")
        f.documentation = parent.documentation || documentationDirectories.contains(path)
        return f
    }

    /// A `node_modules` folder first written by the same COPY layer as the `package.json` beside it:
    /// the host's dependencies came in with the build context (even when a later `chown -R` rewrote both).
    static func copiedWithItsProject(_ a: AdviceInput, node: PathTable.NodeID, copyLayers: [Bool]) -> Bool {
        let paths = a.replay.paths
        guard let first = firstWriter(a, node), copyLayers[first],
              let name = paths.names.lookup(Array("package.json".utf8)),
              let manifest = paths.existingChild(paths.parents[Int(node)], name) else { return false }
        return firstWriter(a, manifest) == first
    }

    /// The layer that first wrote `node` (nil when no layer did).
    static func firstWriter(_ a: AdviceInput, _ node: PathTable.NodeID) -> Int? {
        for l in a.image.layers.indices {
            if let s = a.replay.state(node, atLayer: l) { return Int(s.layer) }
        }
        return nil
    }
}
