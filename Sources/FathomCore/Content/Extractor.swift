import Glibc

/// Writes files of an image, as they are after a layer, under a destination directory: the only
/// stage of fathom that writes what an image controls, held to what a careful archiver does.
///
/// - Nothing is written outside the destination: every path is made of normalised components (no
///   `..`, no absolute path), and each directory on the way is opened relative to the one before
///   with `O_NOFOLLOW`, so a symbolic link (the image's, or one already in the destination) never
///   redirects a write; symbolic links are created last, as links, never followed.
/// - Hardlinks are made only to files this extraction wrote inside the destination.
/// - Device nodes, FIFOs and sockets are not created (skipped and named); setuid, setgid and sticky
///   bits are dropped unless `keepSpecialBits`; owners are set only with `sameOwner`, and only as root.
/// - An existing file is not replaced unless `force`.
public enum Extractor {
    public struct Options: Sendable {
        /// Replace existing files (never a directory by a file, nor follow an existing link).
        public var force = false
        /// Leave files and links already in the destination as they are and write the rest (the
        /// explorer's answer "keep" when `x` finds some); listed in `Report.kept`.
        public var keepExisting = false
        /// Keep setuid, setgid and sticky bits.
        public var keepSpecialBits = false
        /// Set owners and groups as the image has them (only when running as root).
        public var sameOwner = false
        public init() {}
    }

    /// What an extraction wrote.
    public struct Report: Sendable, Equatable {
        public var files = 0, directories = 0, symlinks = 0, hardlinks = 0
        /// Bytes of file content written.
        public var bytes: Int64 = 0
        /// Entries not created (devices, FIFOs, sockets), as image paths.
        public var skipped: [String] = []
        /// Entries already in the destination and left as they were (`keepExisting`), as image paths.
        public var kept: [String] = []

        /// `1 file (44 bytes), 2 directories, 0 symbolic links, 0 hardlinks`.
        public var summary: String {
            plural(files, "file") + " (\(plural(Int(clamping: bytes), "byte"))), " + plural(directories, "directory", "directories")
                + ", " + plural(symlinks, "symbolic link") + ", " + plural(hardlinks, "hardlink")
        }
    }

    /// Why an extraction stopped; it names the path and what was written before it.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public let report: Report
        /// The entry is already in the destination (`force` replaces it, `keepExisting` keeps it).
        public internal(set) var exists = false
        public var description: String {
            "\(TerminalText.escape(path)): \(reason)" + (report == Report() ? "" : " (written before it: \(report.summary))")
        }
    }

    /// Makes the destination folder the user named, with its missing parents (as `mkdir -p`); an
    /// existing folder is fine. The user's path is theirs: links in it are followed.
    /// - Throws: `Failure` naming the folder when it cannot be made.
    public static func makeDestination(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Failure(path: path, reason: "cannot create the destination: \(String(cString: strerror(errno)))", report: Report())
            }
            prefix += "/"
        }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw Failure(path: path, reason: "cannot create the destination: it exists and is not a directory", report: Report())
        }
    }

    /// Extracts `roots` (nodes of `files`, each with its subtree; the root node for everything) as
    /// they are after layer `layer` into `destination`, which must exist.
    /// - Throws: `Failure` for the first path that could not be written, `LayerContent.Unavailable`
    ///   when a layer cannot be read again, and the layer source's errors.
    public static func extract(_ files: ImageFiles, roots: [PathTable.NodeID], atLayer layer: Int, to destination: String,
                               options: Options = Options()) throws -> Report {
        let dirfd = open(destination, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else {
            throw Failure(path: destination, reason: "cannot open the destination: \(String(cString: strerror(errno)))", report: Report())
        }
        defer { close(dirfd) }
        var writer = Writer(root: dirfd, files: files, options: options)
        // every entry once, parents before children (a node's id is larger than its parent's)
        var entries: [PathTable.NodeID: NodeState] = [:]
        for root in roots {
            for (n, s) in files.subtree(root, atLayer: layer) {
                entries[n] = s
                if s.kind != .directory, !files.replay.paths.children[Int(n)].isEmpty {
                    for hidden in files.shadowed(under: n, atLayer: layer) {
                        writer.skip(hidden, why: "under \(writer.pathText(n)), which is a \(s.kind.noun) here, not a directory")
                    }
                }
            }
            // the directories above a root are made too (as directories of the image)
            var p = files.replay.paths.parents[Int(root)]
            while p > PathTable.root {
                if entries[p] == nil, let s = files.replay.state(p, atLayer: layer) { entries[p] = s }
                p = files.replay.paths.parents[Int(p)]
            }
        }
        let ordered = entries.keys.sorted()
        var contents: [Int: [Int: [PathTable.NodeID]]] = [:]   // layer → row → paths that show those bytes
        var links: [PathTable.NodeID] = []
        for n in ordered {
            let s = entries[n]!
            switch s.kind {
            case .directory: break
            case .file, .hardlink:
                if let c = files.content(of: s) { contents[c.layer, default: [:]][c.row, default: []].append(n) }
                else { writer.skip(n, why: "a hardlink whose target is missing") }
            case .symlink: links.append(n)
            case .charDevice, .blockDevice, .fifo, .socket: writer.skip(n, why: s.kind.noun)
            case .whiteout, .opaqueWhiteout: break
            }
        }
        // a layer that cannot be read again (standard input) fails the extraction before anything is written
        for l in contents.keys.sorted() {
            if case let .unavailable(why) = files.image.layers[l].location { throw LayerContent.Unavailable(description: why) }
        }
        for n in ordered where entries[n]!.kind == .directory { try writer.directory(n, entries[n]!) }
        for l in contents.keys.sorted() {
            let rows = contents[l]!
            try LayerContent.forEachStream(rows: Array(rows.keys), of: files.image.layers[l], archive: files.image.archivePath) { row, stream in
                let nodes = rows[row]!
                try writer.file(nodes[0], entries[nodes[0]]!, bytes: stream)
                for other in nodes.dropFirst() { try writer.hardlink(other, entries[other]!, to: nodes[0]) }
            }
        }
        for n in links { try writer.symlink(n, entries[n]!) }
        try writer.finishDirectories()
        return writer.report
    }

    /// Writes entries relative to the destination's descriptor, one component at a time.
    private struct Writer {
        let root: Int32
        let files: ImageFiles
        let options: Options
        var report = Report()
        /// Directories made, deepest last, with the mode to give them once their contents are in.
        var madeDirectories: [(PathTable.NodeID, NodeState)] = []
        /// The file each content was first written to (hardlinks point there).
        var written: Set<PathTable.NodeID> = []
        /// The directories last opened, from the destination down, each the child of the one before
        /// (`fd` -1 once closed: only every 32nd of a deep chain stays open, besides the last 32).
        var chain: [(node: PathTable.NodeID, fd: Int32)] = []
        var chainIndex: [PathTable.NodeID: Int] = [:]
        var openInChain = 0
        let asRoot = geteuid() == 0

        init(root: Int32, files: ImageFiles, options: Options) {
            self.root = root
            self.files = files
            self.options = options
        }

        func pathText(_ n: PathTable.NodeID) -> String { "/" + files.replay.paths.path(n) }

        func fail(_ n: PathTable.NodeID, _ reason: String) -> Failure { Failure(path: pathText(n), reason: reason, report: report) }

        func errnoText() -> String { String(cString: strerror(errno)) }

        /// `n` is already in the destination (and `force` did not remove it): kept with `keepExisting`,
        /// else the extraction stops there.
        mutating func alreadyThere(_ n: PathTable.NodeID) throws {
            guard options.keepExisting else {
                throw Failure(path: pathText(n), reason: "exists in the destination (--force replaces it)", report: report, exists: true)
            }
            report.kept.append(pathText(n))
        }

        /// An open descriptor of `n`'s parent directory inside the destination, each component opened
        /// with `O_NOFOLLOW | O_DIRECTORY` from the one before: a link on the way is an error. The
        /// chain of directories opened last is kept, so that entries in tree order open one
        /// directory each, however deep they lie.
        mutating func parent(of n: PathTable.NodeID) throws -> Int32 {
            let p = files.replay.paths.parents[Int(n)]
            if p == PathTable.root { return root }
            var missing: [PathTable.NodeID] = []
            var a = p
            while a != PathTable.root, chainIndex[a] == nil { missing.append(a); a = files.replay.paths.parents[Int(a)] }
            let keep = a == PathTable.root ? 0 : chainIndex[a]! + 1
            while chain.count > keep {
                let last = chain.removeLast()
                chainIndex[last.node] = nil
                if last.fd >= 0 { close(last.fd); openInChain -= 1 }
            }
            // the deepest directory of the chain still open, and those below it to open again
            var from = chain.count
            while from > 0, chain[from - 1].fd < 0 { from -= 1 }
            var fd = from == 0 ? root : chain[from - 1].fd
            let reopen = chain[from...].map(\.node)
            chain.removeSubrange(from...)
            for n in reopen { chainIndex[n] = nil }
            for component in reopen + missing.reversed() {
                let name = Array(files.replay.paths.nameBytes(component)) + [0]
                let next = name.withUnsafeBufferPointer { openat(fd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self),
                                                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                if next < 0 {
                    throw fail(n, errno == ELOOP || errno == ENOTDIR
                        ? "\(pathText(component)) is not a directory in the destination (a link is never followed)"
                        : "cannot open \(pathText(component)): \(errnoText())")
                }
                chainIndex[component] = chain.count
                chain.append((component, next))
                openInChain += 1
                fd = next
            }
            if openInChain > 96 {
                for i in 0..<(chain.count - 32) where chain[i].fd >= 0 && i % 32 != 31 {
                    close(chain[i].fd)
                    chain[i].fd = -1
                    openInChain -= 1
                }
            }
            return fd
        }

        /// Closes the chain of open directories.
        mutating func closeChain() {
            for c in chain where c.fd >= 0 { close(c.fd) }
            chain = []
            chainIndex = [:]
            openInChain = 0
        }

        /// Calls `body` with the entry's name as a C string.
        func withName<T>(_ n: PathTable.NodeID, _ body: (UnsafePointer<CChar>) -> T) -> T {
            let name = Array(files.replay.paths.nameBytes(n)) + [0]
            return name.withUnsafeBufferPointer { body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
        }

        func mode(_ s: NodeState) -> mode_t { mode_t(s.mode & (options.keepSpecialBits ? 0o7777 : 0o777)) }

        mutating func skip(_ n: PathTable.NodeID, why: String) { report.skipped.append("\(pathText(n)) (\(why))") }

        mutating func directory(_ n: PathTable.NodeID, _ s: NodeState) throws {
            let fd = try parent(of: n)
            // writable while its contents are written; its own mode is set at the end
            if withName(n, { mkdirat(fd, $0, 0o700) }) != 0 {
                guard errno == EEXIST else { throw fail(n, "cannot create the directory: \(errnoText())") }
                var st = stat()
                guard withName(n, { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                    throw fail(n, "exists in the destination and is not a directory")
                }
            } else {
                report.directories += 1
            }
            madeDirectories.append((n, s))
        }

        mutating func file(_ n: PathTable.NodeID, _ s: NodeState, bytes: ByteStream) throws {
            let fd = try parent(of: n)
            let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
            if options.force {
                var st = stat()
                if withName(n, { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 {
                    guard (st.st_mode & S_IFMT) != S_IFDIR else { throw fail(n, "exists in the destination as a directory") }
                    _ = withName(n) { unlinkat(fd, $0, 0) }
                }
            }
            let out = withName(n) { openat(fd, $0, flags, 0o600) }
            guard out >= 0 else {
                if errno == EEXIST { try alreadyThere(n); return }
                throw fail(n, "cannot create: \(errnoText())")
            }
            defer { close(out) }
            var length: Int64 = 0, hole = false
            while true {
                let block = try bytes.next()
                if block.isEmpty { break }
                length += Int64(block.count)
                if LayerContent.isHole(block) {   // a sparse file's hole stays a hole
                    guard lseek(out, off_t(block.count), SEEK_CUR) >= 0 else { throw fail(n, "cannot write: \(errnoText())") }
                    report.bytes += Int64(block.count)
                    hole = true
                    continue
                }
                hole = false
                var rest = block
                while !rest.isEmpty {
                    let w = write(out, rest.baseAddress, rest.count)
                    if w < 0 { if errno == EINTR { continue }; throw fail(n, "cannot write: \(errnoText())") }
                    rest = UnsafeRawBufferPointer(rebasing: rest[w...])
                    report.bytes += Int64(w)
                }
            }
            if hole, ftruncate(out, off_t(length)) != 0 { throw fail(n, "cannot write: \(errnoText())") }
            // the owner first: chown clears the setuid and setgid bits
            if options.sameOwner && asRoot { _ = fchown(out, s.uid, s.gid) }
            if fchmod(out, mode(s)) != 0 { throw fail(n, "cannot set its mode: \(errnoText())") }
            written.insert(n)
            report.files += 1
        }

        mutating func hardlink(_ n: PathTable.NodeID, _ s: NodeState, to target: PathTable.NodeID) throws {
            guard written.contains(target) else { skip(n, why: "a hardlink to a file not written here"); return }
            let targetParent = try parent(of: target)
            let targetFD = dup(targetParent)
            defer { close(targetFD) }
            let fd = try parent(of: n)
            if options.force { _ = withName(n) { unlinkat(fd, $0, 0) } }
            let rc = withName(target) { t in withName(n) { linkat(targetFD, t, fd, $0, 0) } }
            guard rc == 0 else {
                if errno == EEXIST { try alreadyThere(n); return }
                throw fail(n, "cannot link: \(errnoText())")
            }
            report.hardlinks += 1
        }

        mutating func symlink(_ n: PathTable.NodeID, _ s: NodeState) throws {
            let target = (files.replay.linkTarget(s) ?? []) + [0]
            let fd = try parent(of: n)
            if options.force {
                var st = stat()
                if withName(n, { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0, (st.st_mode & S_IFMT) != S_IFDIR {
                    _ = withName(n) { unlinkat(fd, $0, 0) }
                }
            }
            let rc = target.withUnsafeBufferPointer { t in
                withName(n) { symlinkat(UnsafeRawPointer(t.baseAddress!).assumingMemoryBound(to: CChar.self), fd, $0) }
            }
            guard rc == 0 else {
                if errno == EEXIST { try alreadyThere(n); return }
                throw fail(n, "cannot create the link: \(errnoText())")
            }
            if options.sameOwner && asRoot { _ = withName(n) { fchownat(fd, $0, s.uid, s.gid, AT_SYMLINK_NOFOLLOW) } }
            report.symlinks += 1
        }

        /// The directories' own modes and owners, deepest first (a read-only directory last of all).
        mutating func finishDirectories() throws {
            for (n, s) in madeDirectories.reversed() {
                let fd = try parent(of: n)
                let dir = withName(n) { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard dir >= 0 else { throw fail(n, "cannot open the directory: \(errnoText())") }
                defer { close(dir) }
                if options.sameOwner && asRoot { _ = fchown(dir, s.uid, s.gid) }
                _ = fchmod(dir, mode(s))
            }
            closeChain()
        }
    }
}
