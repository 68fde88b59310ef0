/// The packages of an image layer by layer: the package databases (`DpkgDatabase`, `ApkDatabase`) read
/// as the union filesystem stands after each layer that changed them, what each such layer installed,
/// removed and upgraded with the bytes it wrote for each, and the final image's packages with their
/// bytes, files and wasted bytes, and the bytes no package owns.
///
/// Only the database files are read (one pass over each layer that holds some), never every file.
public struct PackageHistory: Sendable {
    /// A package a layer installed, removed or upgraded.
    public struct Change: Sendable {
        public var package: InstalledPackage
        /// The version before (an upgrade or a downgrade); nil for an install or a removal.
        public var previousVersion: String?
        /// Bytes of the package's regular files that this layer wrote (0 for a removal).
        public var bytes: Int64
        public var files: Int
    }

    /// One layer's package changes.
    public struct LayerChanges: Sendable {
        public var layer: Int
        public var installed: [Change] = []
        public var removed: [Change] = []
        /// Version changed (up or down).
        public var upgraded: [Change] = []
        public var bytes: Int64 { (installed + upgraded).reduce(0) { $0 + $1.bytes } }
    }

    /// A package of the final image.
    public struct Owned: Sendable {
        public var package: InstalledPackage
        /// Bytes of its regular files in the final filesystem (an inode once, to its first owner).
        public var bytes: Int64
        public var files: Int
        /// Bytes shipped at its paths by some layer and hidden by a later one.
        public var wastedBytes: Int64
        /// The layer that installed its current version.
        public var layer: Int?
    }

    /// Bytes of the final filesystem no package owns, by top-level directory (`/app`, `/usr`).
    public struct Unowned: Sendable {
        public var directory: String
        public var bytes: Int64
        public var files: Int
    }

    /// The layers that changed a package database, in order.
    public let layers: [LayerChanges]
    /// The final image's packages, largest first.
    public let final: [Owned]
    /// The final filesystem's bytes no package owns, largest directory first.
    public let unowned: [Unowned]
    /// The databases found (`dpkg`, `apk`, `python`, `node`).
    public let databases: [String]
    /// `debian`, `ubuntu`, `alpine`… (`/etc/os-release` `ID`): the purl namespace.
    public let distro: String
    /// Why some database could not be read.
    public let warnings: [String]
    /// The package that owns each file of the final filesystem (an index into `final`).
    public let owners: [PathTable.NodeID: Int]
    /// apt installs that brought packages only recommended (`RecommendsRule`).
    let recommends: [RecommendsRule.Hit]

    public var isEmpty: Bool { databases.isEmpty }

    static let dpkgStatus = "var/lib/dpkg/status", dpkgStatusDir = "var/lib/dpkg/status.d", dpkgInfo = "var/lib/dpkg/info"
    static let apkInstalled = "lib/apk/db/installed"
    /// rpm ≥ 4.16's database: `/var/lib/rpm` (RHEL 9), or `/usr/lib/sysimage/rpm` where `/var/lib/rpm`
    /// is a link to it (Fedora ≥ 36).
    static let rpmDatabases = ["var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"]
    /// The formats of older rpm versions (Berkeley DB, NDB), named in a warning.
    static let rpmLegacyDatabases = ["var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages"]
    /// A database file larger than this is not read (a real status file is a few MB).
    static let maximumDatabaseBytes = 64 << 20

    /// Reads the packages of an analysed image.
    /// - Parameter budgetBytes: The most database bytes read (`Limits.packageDatabaseBytes`); past it
    ///   the rest is skipped with a warning.
    public static func read(_ a: Analysis, budgetBytes: Int64 = Limits.packageDatabaseBytes) -> PackageHistory {
        var reader = Reader(analysis: a, budgetBytes: budgetBytes)
        return reader.history()
    }
}

extension PackageHistory {
    /// The work of `read`: file contents cached by (layer, row), so a list that several snapshots share
    /// is read once.
    struct Reader {
        let analysis: Analysis
        let files: ImageFiles
        var cache: [Int: [Int: [UInt8]]] = [:]
        var canonical: [String: PathTable.NodeID?] = [:]
        /// Python's dist-info directories and Node's package manifests, found once.
        let distInfos: [PythonPackages.DistInfo]
        let nodeManifests: [NodePackages.Manifest]
        /// A Node package folder's files at the final layer (computed once per folder).
        var nodeFiles: [String: [String]] = [:]
        var warnings: [String] = []
        /// The paths of the dpkg lists parsed so far, by file version (`version(of:)`): a list most layers
        /// leave alone is parsed once, not per layer.
        var parsedLists: [Int64: [String]] = [:]
        /// The version of the list each dpkg package's files came from (by `historyKey`, as of the last
        /// snapshot), and the nodes of each list version's paths.
        var listVersion: [String: Int64] = [:]
        var resolvedLists: [Int64: [PathTable.NodeID?]] = [:]
        /// A folder of a dpkg list as `listed` resolved it: its node as named, and (once asked) the node
        /// its links lead to.
        struct Folder {
            var bytes: [UInt8]
            var named: PathTable.NodeID?
            var resolved: PathTable.NodeID? = nil
            var isResolved = false
        }
        /// The folder `listed` resolved last, and the folders it had to follow links for.
        var lastFolder = Folder(bytes: [0xFF], named: nil)
        var folders: [[UInt8]: Folder] = [:]
        /// The last dpkg status file parsed: its version and its packages.
        var parsedStatus: (version: Int64, packages: [InstalledPackage])?
        /// Where `contents` last looked a path up, and the file it found there.
        var seenAt: [String: (layer: Int, at: (layer: Int, row: Int)?)] = [:]

        /// Database bytes that may still be read.
        var budgetBytes: Int64

        init(analysis: Analysis, budgetBytes: Int64) {
            self.analysis = analysis
            self.budgetBytes = budgetBytes
            files = ImageFiles(analysis: analysis)
            distInfos = PythonPackages.find(analysis.replay.paths)
            nodeManifests = NodePackages.find(analysis.replay.paths)
        }

        var paths: PathTable { analysis.replay.paths }

        func node(_ path: String) -> PathTable.NodeID? { paths.existingNode(forPath: Array(path.utf8)) }

        /// The node a package's path names in the final filesystem, its directories' symbolic links
        /// followed (merged /usr: dpkg lists `/bin/bash`, the layers hold `usr/bin/bash`).
        mutating func owned(_ path: String) -> PathTable.NodeID? {
            if let known = canonical[path] { return known }
            let n = node(path) ?? (try? files.lookup(path, atLayer: files.lastLayer, followLast: false))?.node
            canonical[path] = .some(n)
            return n
        }

        /// The nodes of a package's files (`owned`, in `files`' order); a dpkg list's are resolved once
        /// per version of the list, not per layer and per use.
        mutating func nodes(of p: InstalledPackage) -> [PathTable.NodeID?] {
            guard p.ecosystem == .deb, let version = listVersion[p.name + ":" + p.architecture] else { return p.files.map { owned($0) } }
            if let known = resolvedLists[version], known.count == p.files.count { return known }
            let resolved = p.files.map { listed($0) }
            resolvedLists[version] = resolved
            return resolved
        }

        /// `owned(path)` for a path of a dpkg list, faster: lists are sorted, so a folder is resolved once
        /// for the paths it holds (its node as named; the node its links lead to only when a name is not
        /// found as named, merged /usr's `/bin/…`), and each path is then one name lookup.
        mutating func listed(_ path: String) -> PathTable.NodeID? {
            var path = path
            let split: (folder: [UInt8]?, name: NameTable.NameID?)? = path.withUTF8 { b in
                guard let slash = b.lastIndex(of: 0x2F) else { return nil }
                let name = b[(slash + 1)...]
                // "." and ".." are left to the general lookup
                if name.isEmpty || name.first == 0x2E && (name.count == 1 || name.count == 2 && name.last == 0x2E) { return nil }
                let dir = b[..<slash]
                return (lastFolder.bytes.elementsEqual(dir) ? nil : Array(dir), paths.names.lookup(name))
            }
            guard let split else { return owned(path) }
            if let folder = split.folder {
                if let known = folders[folder] { lastFolder = known } else {
                    lastFolder = Folder(bytes: folder, named: paths.existingNode(forPath: folder))
                }
            }
            guard let id = split.name else { return nil }
            if let d = lastFolder.named, let n = paths.existingChild(d, id) { return n }
            if !lastFolder.isResolved {
                lastFolder.resolved = (try? files.lookup(bytes: lastFolder.bytes, atLayer: files.lastLayer))?.node
                lastFolder.isResolved = true
                folders[lastFolder.bytes] = lastFolder
            }
            // through links, only what the final filesystem has (as `ImageFiles.lookup` finds it)
            if let d = lastFolder.resolved, let n = paths.existingChild(d, id), analysis.replay.state(n, atLayer: files.lastLayer) != nil { return n }
            return nil
        }

        /// The layers after which a database differs from the layer before.
        func triggerLayers() -> [Int] {
            let watched = ([PackageHistory.dpkgStatus, PackageHistory.apkInstalled] + PackageHistory.rpmDatabases).compactMap(node)
                + (node(PackageHistory.dpkgStatusDir).map { [$0] + paths.children[Int($0)] } ?? [])
                + distInfos.map(\.node) + nodeManifests.map(\.node)
            guard !watched.isEmpty else { return [] }
            return (0..<analysis.image.layers.count).filter { l in watched.contains { analysis.replay.changed($0, inLayers: l...l) } }
        }

        /// The file `contents` found last at `path` (the changeset row that wrote it: layer << 32 | row).
        func version(of path: String) -> Int64? {
            seenAt[path]?.at.map { Int64($0.layer) << 32 | Int64($0.row) }
        }

        /// The bytes of regular files after `layer`, read one pass per layer that holds them.
        mutating func contents(_ wanted: [String], atLayer layer: Int) -> [String: [UInt8]] {
            var located: [String: (layer: Int, row: Int)] = [:]
            for path in wanted {
                // a path whose node no layer since the last lookup changed is where it was (most lists, most layers)
                let n = node(path)
                if let n, let seen = seenAt[path], seen.layer <= layer,
                   seen.layer == layer || !analysis.replay.changed(n, inLayers: (seen.layer + 1)...layer) {
                    if let at = seen.at { located[path] = at }
                    continue
                }
                guard let found = try? files.lookup(path, atLayer: layer), let state = found.state,
                      state.kind == .file || state.kind == .hardlink, state.sizeBytes <= PackageHistory.maximumDatabaseBytes,
                      let where_ = files.content(of: state) else {
                    seenAt[path] = (layer, nil)
                    continue
                }
                located[path] = where_
                seenAt[path] = (layer, where_)
            }
            var byLayer: [Int: [Int]] = [:]
            for (_, at) in located.sorted(by: { $0.key < $1.key }) where cache[at.layer]?[at.row] == nil {
                guard !(byLayer[at.layer] ?? []).contains(at.row) else { continue }
                let changeset = analysis.image.layers[at.layer].blob.changeset
                let size = changeset.sizes[at.row]
                guard size <= budgetBytes else {
                    let w = "packages: the package databases hold more than \(Limits.packageDatabaseBytes) bytes (fathom's limit); the rest were not read"
                    if !warnings.contains(w) { warnings.append(w) }
                    continue
                }
                budgetBytes -= size
                // kept while the analysis streamed the layer (PackageFiles): no second pass
                if let kept = changeset.packageFiles[at.row] { cache[at.layer, default: [:]][at.row] = kept; continue }
                byLayer[at.layer, default: []].append(at.row)
            }
            for (l, rows) in byLayer {
                PhaseTimer.note("packages: \(rows.count) database files read again from layer \(l)")
                do {
                    try LayerContent.forEach(rows: rows, of: analysis.image.layers[l], archive: analysis.image.archivePath, rangeReads: true) { row, next in
                        var bytes: [UInt8] = []
                        while true {
                            let block = try next()
                            if block.isEmpty { break }
                            if bytes.count < PackageHistory.maximumDatabaseBytes { bytes.append(contentsOf: block) }
                        }
                        cache[l, default: [:]][row] = bytes
                    }
                } catch {
                    let w = "packages: the databases in layer \(l) could not be read: \(error)"
                    if !warnings.contains(w) { warnings.append(w) }
                }
            }
            return located.compactMapValues { cache[$0.layer]?[$0.row] }
        }

        /// The installed packages after `layer`, with their files.
        mutating func snapshot(atLayer layer: Int) -> [InstalledPackage] {
            var out: [InstalledPackage] = []
            // dpkg: status, else status.d (distroless); file lists from info/*.list or status.d/*.md5sums
            let statusD = node(PackageHistory.dpkgStatusDir).map { dir in
                files.children(of: dir, atLayer: layer).map { PackageHistory.dpkgStatusDir + "/" + String(decoding: paths.nameBytes($0.node), as: UTF8.self) }
            } ?? []
            let docs = contents([PackageHistory.dpkgStatus] + statusD.filter { !$0.hasSuffix(".md5sums") }, atLayer: layer)
            // the status file a layer left alone (a layer that only ran npm or pip) is parsed once
            var debs: [InstalledPackage]
            let statusVersion = docs[PackageHistory.dpkgStatus] == nil ? nil : version(of: PackageHistory.dpkgStatus)
            if let statusVersion, let parsed = parsedStatus, parsed.version == statusVersion {
                debs = parsed.packages
            } else {
                debs = DpkgDatabase.packages(status: [docs[PackageHistory.dpkgStatus]].compactMap { $0 })
                if let statusVersion { parsedStatus = (statusVersion, debs) }
            }
            let distroless = DpkgDatabase.packages(status: statusD.filter { !$0.hasSuffix(".md5sums") }.compactMap { docs[$0] })
            if !debs.isEmpty || !distroless.isEmpty {
                var listNames: [String: String] = [:]
                for p in debs {
                    for name in ["\(p.name):\(p.architecture).list", "\(p.name).list"] {
                        listNames[PackageHistory.dpkgInfo + "/" + name] = p.name + ":" + p.architecture
                    }
                }
                for p in distroless {
                    listNames[PackageHistory.dpkgStatusDir + "/" + p.name + ".md5sums"] = p.name + ":" + p.architecture
                }
                let lists = contents(Array(listNames.keys), atLayer: layer)
                listVersion = [:]
                var byPackage: [String: [String]] = [:]
                for (path, bytes) in lists {
                    let key = listNames[path]!
                    if byPackage[key] != nil { continue }   // NAME:ARCH.list found first for multi-arch packages
                    let version = self.version(of: path) ?? -1
                    if version >= 0 { listVersion[key] = version }
                    if let parsed = parsedLists[version] { byPackage[key] = parsed; continue }
                    let parsed = path.hasSuffix(".md5sums") ? DpkgDatabase.md5sumsPaths(bytes) : DpkgDatabase.listedPaths(bytes)
                    if version >= 0 { parsedLists[version] = parsed }
                    byPackage[key] = parsed
                }
                debs += distroless
                for i in debs.indices { debs[i].files = byPackage[debs[i].name + ":" + debs[i].architecture] ?? [] }
                out += debs
            }
            if let apk = contents([PackageHistory.apkInstalled], atLayer: layer)[PackageHistory.apkInstalled] {
                out += ApkDatabase.packages(apk)
            }
            // rpm: the first database path that holds one (both name it where /var/lib/rpm is a link)
            for path in PackageHistory.rpmDatabases {
                guard let bytes = contents([path], atLayer: layer)[path] else { continue }
                do { out += try RpmDatabase.packages(bytes) } catch {
                    let w = "packages: /\(path) after layer \(layer) could not be read: \(error)"
                    if !warnings.contains(w) { warnings.append(w) }
                }
                break
            }
            // Python: the dist-info and egg-info present after this layer, their files from RECORD or installed-files.txt
            let present = distInfos.filter { d in
                let kind = analysis.replay.state(d.node, atLayer: layer)?.kind
                return kind == .directory || (d.isEgg && kind == .file)
            }
            let records = contents(present.map { $0.fileList(paths).path }, atLayer: layer)
            for d in present {
                let list = d.fileList(paths)
                let files = records[list.path].map { PythonPackages.recordedPaths($0, sitePackages: list.base) } ?? []
                out.append(InstalledPackage(ecosystem: .pypi, name: d.name, version: d.version, architecture: "", files: files))
            }
            // Node: the package.json files present after this layer
            let manifests = nodeManifests.filter { analysis.replay.state($0.node, atLayer: layer)?.kind == .file }
            let jsons = contents(manifests.map { $0.folder + "/package.json" }, atLayer: layer)
            for m in manifests {
                guard let json = jsons[m.folder + "/package.json"], let id = NodePackages.identity(json) else { continue }
                if nodeFiles[m.folder] == nil { nodeFiles[m.folder] = NodePackages.files(files, folder: m.folder) }
                out.append(InstalledPackage(ecosystem: .npm, name: id.name, version: id.version, architecture: "", files: nodeFiles[m.folder]!))
            }
            return out
        }

        mutating func history() -> PackageHistory {
            let triggers = triggerLayers()
            if let legacy = PackageHistory.rpmLegacyDatabases.first(where: { path in
                node(path).map { analysis.replay.state($0, atLayer: analysis.image.layers.count - 1)?.kind == .file } ?? false
            }) {
                warnings.append("packages: " + RpmDatabase.legacyNote(legacy))
            }
            guard !triggers.isEmpty else {
                return PackageHistory(layers: [], final: [], unowned: [], databases: [], distro: "", warnings: warnings, owners: [:], recommends: [])
            }
            let replay = analysis.replay
            var previous: [String: InstalledPackage] = [:]
            var changes: [LayerChanges] = []
            var installedBy: [String: Int] = [:]
            var recommends: [RecommendsRule.Hit] = []
            for l in triggers {
                // one package per key; the same one in several folders (npm, venvs) owns all their files
                let now = Dictionary(snapshot(atLayer: l).map { ($0.historyKey, $0) }, uniquingKeysWith: { a, b in
                    var merged = a
                    merged.files += b.files
                    return merged
                })
                var c = LayerChanges(layer: l)
                func written(_ p: InstalledPackage) -> (Int64, Int) {
                    var bytes: Int64 = 0, count = 0
                    // a hardlink is a file of the package as in the final count; its bytes are its target's
                    for n in nodes(of: p) {
                        guard let n, let s = replay.state(n, atLayer: l), s.layer == l,
                              s.kind == .file || s.kind == .hardlink else { continue }
                        if s.kind == .file { bytes += s.sizeBytes }
                        count += 1
                    }
                    return (bytes, count)
                }
                for (key, p) in now.sorted(by: { $0.key < $1.key }) {
                    if let old = previous[key] {
                        if old.version != p.version {
                            let (b, n) = written(p)
                            c.upgraded.append(Change(package: p, previousVersion: old.version, bytes: b, files: n))
                            installedBy[key] = l
                        }
                    } else {
                        let (b, n) = written(p)
                        c.installed.append(Change(package: p, previousVersion: nil, bytes: b, files: n))
                        installedBy[key] = l
                    }
                }
                for (key, p) in previous.sorted(by: { $0.key < $1.key }) where now[key] == nil {
                    c.removed.append(Change(package: p, previousVersion: nil, bytes: 0, files: 0))
                }
                for list in [\LayerChanges.installed, \LayerChanges.upgraded] { c[keyPath: list].sort { $0.bytes > $1.bytes } }
                if let hit = recommended(c, all: Array(now.values)) { recommends.append(hit) }
                if !c.installed.isEmpty || !c.removed.isEmpty || !c.upgraded.isEmpty { changes.append(c) }
                previous = now
            }
            // the final image: each inode to its first owner; the rest unowned
            var hiddenAt: [Int32: Int64] = [:]
            for inode in replay.inodes where inode.visibleCount == 0 && inode.hiddenBy >= 0 && inode.sizeBytes > 0 {
                hiddenAt[Int32(inode.node), default: 0] += inode.sizeBytes
            }
            // flags by node and by inode, not sets: every file of the final filesystem is visited
            var counted = [Bool](repeating: false, count: replay.inodes.count)
            var ownedNodes = [Bool](repeating: false, count: replay.nodeCount)
            var ownerOf: [PathTable.NodeID: Int] = [:]   // by position in `previous`'s sorted order
            var ownedList: [Owned] = []
            for (key, p) in previous.sorted(by: { $0.key < $1.key }) {
                var o = Owned(package: p, bytes: 0, files: 0, wastedBytes: 0, layer: installedBy[key])
                for n in nodes(of: p) {
                    guard let n else { continue }
                    o.wastedBytes += hiddenAt[Int32(n)] ?? 0
                    guard !ownedNodes[Int(n)], let s = replay.currentState(Int(n)), s.kind == .file || s.kind == .hardlink else { continue }
                    ownedNodes[Int(n)] = true
                    ownerOf[n] = ownedList.count
                    o.files += 1
                    if s.inode >= 0 && !counted[Int(s.inode)] { counted[Int(s.inode)] = true; o.bytes += s.sizeBytes }
                }
                ownedList.append(o)
            }
            let order = ownedList.indices.sorted {
                let a = ownedList[$0], b = ownedList[$1]
                return a.bytes != b.bytes ? a.bytes > b.bytes : a.package.name < b.package.name
            }
            var position = [Int](repeating: 0, count: ownedList.count)
            for (i, o) in order.enumerated() { position[o] = i }
            ownedList = order.map { ownedList[$0] }
            // the rest by top-level directory, found by walking up the parents (no path built per file)
            var unownedByTop: [PathTable.NodeID: Unowned] = [:]
            let parents = paths.parents
            for n in 1..<replay.nodeCount where !ownedNodes[n] {
                guard let s = replay.currentState(n), s.kind == .file || s.kind == .hardlink else { continue }
                var top = PathTable.NodeID(n)
                while parents[Int(top)] != PathTable.root { top = parents[Int(top)] }
                var u = unownedByTop[top] ?? Unowned(directory: "/" + paths.path(top), bytes: 0, files: 0)
                u.files += 1
                if s.inode >= 0 && !counted[Int(s.inode)] { counted[Int(s.inode)] = true; u.bytes += s.sizeBytes }
                unownedByTop[top] = u
            }
            let unowned = Dictionary(unownedByTop.values.map { ($0.directory, $0) }, uniquingKeysWith: { a, b in
                Unowned(directory: a.directory, bytes: a.bytes + b.bytes, files: a.files + b.files)
            })
            let owners = ownerOf.mapValues { position[$0] }
            let kinds = Set(previous.values.map(\.ecosystem))
            let databases = [(InstalledPackage.Ecosystem.deb, "dpkg"), (.apk, "apk"), (.rpm, "rpm"), (.pypi, "python"), (.npm, "node")].filter { kinds.contains($0.0) }.map(\.1)
            return PackageHistory(layers: changes, final: ownedList,
                                  unowned: unowned.values.sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.directory < $1.directory },
                                  databases: databases.isEmpty ? ["dpkg"] : databases, distro: distro(kinds), warnings: warnings,
                                  owners: owners, recommends: recommends)
        }

        /// What layer `c.layer`'s apt install brought only as recommendations, when its command and the
        /// image's apt configuration let apt install recommends.
        mutating func recommended(_ c: LayerChanges, all: [InstalledPackage]) -> RecommendsRule.Hit? {
            let debs = c.installed.filter { $0.package.ecosystem == .deb }
            guard !debs.isEmpty, let command = analysis.image.layers[c.layer].createdBy, RecommendsRule.installsRecommends(command) else { return nil }
            var conf = ["etc/apt/apt.conf"]
            if let dir = node("etc/apt/apt.conf.d") {
                conf += files.children(of: dir, atLayer: c.layer).map { "etc/apt/apt.conf.d/" + String(decoding: paths.nameBytes($0.node), as: UTF8.self) }
            }
            if contents(conf, atLayer: c.layer).values.contains(where: { RecommendsRule.configTurnsOff(String(decoding: $0, as: UTF8.self)) }) {
                return nil
            }
            // the packages the command names (`pkg`, `pkg=1.2`, `pkg:amd64`)
            let words = Set(command.split(whereSeparator: { " \t\n;&|\\".contains($0) })
                .map { String($0.prefix { $0 != "=" && $0 != ":" }) })
            let requested = Set(all.map(\.name)).intersection(words)
            guard !requested.isEmpty else { return nil }
            let only = RecommendsRule.recommendedOnly(installed: debs.map(\.package), all: all, requested: requested)
            let packages = debs.filter { only.contains($0.package.name) && $0.bytes > 0 }
                .map { (name: $0.package.name, bytes: $0.bytes, files: $0.files) }.sorted { $0.bytes > $1.bytes }
            guard !packages.isEmpty else { return nil }
            var largest: [(path: String, bytes: Int64)] = []
            for d in debs where only.contains(d.package.name) {
                for f in d.package.files {
                    guard let n = owned(f), let s = analysis.replay.state(n, atLayer: c.layer), s.layer == c.layer, s.kind == .file else { continue }
                    largest.append(("/" + f, s.sizeBytes))
                }
            }
            largest.sort { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.path < $1.path }
            return RecommendsRule.Hit(layer: c.layer, packages: packages, largestFiles: Array(largest.prefix(10)))
        }

        /// `ID=` of `/etc/os-release` (else `/usr/lib/os-release`), else the database's usual distribution.
        mutating func distro(_ kinds: Set<InstalledPackage.Ecosystem>) -> String {
            let last = analysis.image.layers.count - 1
            for path in ["etc/os-release", "usr/lib/os-release"] {
                guard let bytes = contents([path], atLayer: last)[path] else { continue }
                for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ID=") {
                    let id = line.dropFirst(3).filter { $0 != "\"" && $0 != "'" }
                    if !id.isEmpty { return String(id) }
                }
            }
            return kinds.contains(.apk) ? "alpine" : kinds.contains(.rpm) ? "fedora" : "debian"
        }
    }
}
