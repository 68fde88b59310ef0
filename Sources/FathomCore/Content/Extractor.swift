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
    }

    /// Why an extraction stopped; it names the path and what was written before it.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public let report: Report
        public var description: String {
            "\(TerminalText.escape(path)): \(reason) (written before it: \(report.files) files, \(report.directories) directories, "
                + "\(report.symlinks) symbolic links, \(report.hardlinks) hardlinks)"
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
            for (n, s) in files.subtree(root, atLayer: layer) { entries[n] = s }
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
            case .directory: try writer.directory(n, s)
            case .file, .hardlink:
                if let c = files.content(of: s) { contents[c.layer, default: [:]][c.row, default: []].append(n) }
                else { writer.skip(n, why: "a hardlink whose target is missing") }
            case .symlink: links.append(n)
            case .charDevice, .blockDevice, .fifo, .socket: writer.skip(n, why: s.kind.noun)
            case .whiteout, .opaqueWhiteout: break
            }
        }
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
        /// The last parent directory opened, kept for its siblings.
        var cachedParent: (node: PathTable.NodeID, fd: Int32)?
        let asRoot = geteuid() == 0

        init(root: Int32, files: ImageFiles, options: Options) {
            self.root = root
            self.files = files
            self.options = options
        }

        func pathText(_ n: PathTable.NodeID) -> String { "/" + files.replay.paths.path(n) }

        func fail(_ n: PathTable.NodeID, _ reason: String) -> Failure { Failure(path: pathText(n), reason: reason, report: report) }

        func errnoText() -> String { String(cString: strerror(errno)) }

        /// An open descriptor of `n`'s parent directory inside the destination, each component opened
        /// with `O_NOFOLLOW | O_DIRECTORY` from the one before: a link on the way is an error.
        mutating func parent(of n: PathTable.NodeID) throws -> Int32 {
            let p = files.replay.paths.parents[Int(n)]
            if p == PathTable.root { return root }
            if let c = cachedParent, c.node == p { return c.fd }
            if let c = cachedParent { close(c.fd); cachedParent = nil }
            var chain: [PathTable.NodeID] = []
            var a = p
            while a != PathTable.root { chain.append(a); a = files.replay.paths.parents[Int(a)] }
            var fd = root
            for component in chain.reversed() {
                let name = Array(files.replay.paths.nameBytes(component)) + [0]
                let next = name.withUnsafeBufferPointer { openat(fd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self),
                                                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                if fd != root { close(fd) }
                if next < 0 {
                    throw fail(n, errno == ELOOP || errno == ENOTDIR
                        ? "\(pathText(component)) is not a directory in the destination (a link is never followed)"
                        : "cannot open \(pathText(component)): \(errnoText())")
                }
                fd = next
            }
            cachedParent = (p, fd)
            return fd
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
                throw fail(n, errno == EEXIST ? "exists in the destination (--force replaces it)" : "cannot create: \(errnoText())")
            }
            defer { close(out) }
            while true {
                let block = try bytes.next()
                if block.isEmpty { break }
                var rest = block
                while !rest.isEmpty {
                    let w = write(out, rest.baseAddress, rest.count)
                    if w < 0 { if errno == EINTR { continue }; throw fail(n, "cannot write: \(errnoText())") }
                    rest = UnsafeRawBufferPointer(rebasing: rest[w...])
                    report.bytes += Int64(w)
                }
            }
            if fchmod(out, mode(s)) != 0 { throw fail(n, "cannot set its mode: \(errnoText())") }
            if options.sameOwner && asRoot { _ = fchown(out, s.uid, s.gid) }
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
                throw fail(n, errno == EEXIST ? "exists in the destination (--force replaces it)" : "cannot link: \(errnoText())")
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
                throw fail(n, errno == EEXIST ? "exists in the destination (--force replaces it)" : "cannot create the link: \(errnoText())")
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
                _ = fchmod(dir, mode(s))
                if options.sameOwner && asRoot { _ = fchown(dir, s.uid, s.gid) }
            }
            if let c = cachedParent { close(c.fd); cachedParent = nil }
        }
    }
}
