import CArchive
import Foundation

/// Streams the members of an image archive in one pass, in archive order.
///
/// The input is a tar file (plain, or compressed with anything libarchive
/// recognises from the bytes: gzip, zstd, xz, …), `-` for standard input, or a
/// directory (an OCI layout or an extracted `docker save`), whose files are
/// visited in byte order of their relative paths.
struct OuterArchive {
    /// The path as the user gave it (`-` for standard input); used in messages.
    let displayPath: String

    /// A pull-based source instead of a path (a Docker engine's `/images/{name}/get` body).
    private let source: ByteStream?

    /// - Throws: `ArchiveError.notFound` when the path does not exist, `.terminalInput` for `-` on a terminal.
    init(path: String) throws {
        displayPath = path
        source = nil
        if path != "-" && !FileManager.default.fileExists(atPath: path) {
            throw ArchiveError.notFound(archive: path)
        }
        // a terminal would have its keys read as archive bytes, and the reader would wait for them
        if path == "-" && isatty(STDIN_FILENO) == 1 { throw ArchiveError.terminalInput }
    }

    /// An archive read from a byte stream, in one pass; `name` is used in messages.
    init(stream: ByteStream, name: String) {
        displayPath = name
        source = stream
    }

    private var isDirectory: Bool {
        var dir: ObjCBool = false
        return source == nil && displayPath != "-" && FileManager.default.fileExists(atPath: displayPath, isDirectory: &dir) && dir.boolValue
    }

    /// True when the file starts with gzip's magic bytes (RFC 1952: 1f 8b).
    static func isGzip(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic: [UInt8] = [0, 0]
        return read(fd, &magic, 2) == 2 && magic == [0x1F, 0x8B]
    }

    /// Calls `body` for every member, with a stream of its bytes (empty for non-files).
    /// `body` may leave the stream unread; the rest is skipped.
    /// - Throws: `ArchiveError` for an unreadable, empty, non-tar or truncated input; errors from `body` pass through.
    func forEachMember(_ body: (ArchiveMember, ByteStream) throws -> Void) throws {
        if isDirectory { try forEachFile(body); return }
        if source == nil && displayPath != "-" {
            var st = stat()
            if stat(displayPath, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 0 {
                throw ArchiveError.emptyFile(archive: displayPath)
            }
            if FileManager.default.isReadableFile(atPath: displayPath) == false {
                throw ArchiveError.unreadable(archive: displayPath, reason: "permission denied")
            }
        }
        let handle = ArchiveHandle(mode: .outerTar)
        // a gzip-compressed archive file is inflated by ISA-L (`GzipInflater`), 3-4 times libarchive's zlib
        var gzipped: ByteStream?
        var inflater: GzipInflater?
        defer { withExtendedLifetime(inflater) {} }   // the stream holds it unowned
        if source == nil && displayPath != "-" && Self.isGzip(displayPath) {
            let file = try FileRangeSource(path: displayPath)
            let inflated = GzipInflater(source: ByteStream { try file.next() })
            inflater = inflated
            let blocks = inflated.decompressed()
            gzipped = ByteStream { [displayPath] in
                do { return try blocks.next() } catch let e as LayerError {
                    throw ArchiveError.truncated(archive: displayPath, member: nil, reason: e.message)
                }
            }
        }
        let stream = gzipped ?? source
        let opened = stream.map { handle.open(stream: $0) } ?? handle.open(path: displayPath == "-" ? nil : displayPath)
        guard opened else {
            if let e = handle.callbackError { throw e }
            let message = handle.errorMessage()
            if stream != nil {
                throw ArchiveError.notAnArchive(archive: displayPath, reason: message.contains("Truncated") ? "unexpected end of input" : message)
            }
            if displayPath == "-" && (message.contains("Truncated") || message.localizedCaseInsensitiveContains("unrecognized archive format")) {
                // nothing, or nothing readable, came down the pipe (e.g. `docker save` failed upstream)
                var st = stat()
                if fstat(0, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO || (st.st_mode & S_IFMT) == S_IFCHR || st.st_size == 0 {
                    throw ArchiveError.notAnArchive(archive: displayPath, reason: message.contains("Truncated") ? "unexpected end of input" : "empty or not a tar stream")
                }
            }
            if message.localizedCaseInsensitiveContains("unrecognized archive format") {
                throw ArchiveError.notAnArchive(archive: displayPath, reason: "unrecognized header")
            }
            throw ArchiveError.unreadable(archive: displayPath, reason: message)
        }
        var first = true
        var members = 0
        var scratch: [UInt8] = []
        while true {
            let entry: OpaquePointer
            switch handle.nextHeader() {
            case .end:
                if first {
                    throw handle.compressedBytesRead == 0 ? ArchiveError.emptyFile(archive: displayPath) : ArchiveError.noMembers(archive: displayPath)
                }
                return
            case let .failed(message):
                if let e = handle.callbackError { throw e }
                if first {
                    if message.localizedCaseInsensitiveContains("unrecognized archive format") {
                        throw ArchiveError.notAnArchive(archive: displayPath, reason: "unrecognized header")
                    }
                    throw ArchiveError.notAnArchive(archive: displayPath, reason: message)
                }
                throw ArchiveError.truncated(archive: displayPath, member: nil, reason: message)
            case let .entry(e):
                entry = e
            }
            first = false
            members += 1
            if members > Limits.archiveMembers {
                throw ArchiveError.limitExceeded(archive: displayPath, what: "more than \(Limits.archiveMembers) members")
            }
            var member = try Self.member(entry, scratch: &scratch, archive: displayPath)
            if member.kind == .file, gzipped == nil, let offset = handle.currentDataOffset {
                member.extent = FileExtent(path: displayPath, offsetBytes: offset, lengthBytes: member.sizeBytes)
            }
            let memberPath = member.path
            var exhausted = false
            let stream = ByteStream {
                if exhausted { return UnsafeRawBufferPointer(start: nil, count: 0) }
                do {
                    let block = try handle.dataBlock()
                    if block.isEmpty { exhausted = true }
                    return block
                } catch let f as ArchiveHandle.Failure {
                    // the gzip inflater's own error, now with the member it stopped in
                    if case let .truncated(_, nil, reason)? = handle.callbackError as? ArchiveError {
                        throw ArchiveError.truncated(archive: displayPath, member: memberPath, reason: reason)
                    }
                    throw ArchiveError.truncated(archive: displayPath, member: memberPath, reason: f.message)
                }
            }
            try body(member, stream)
        }
    }

    private static func member(_ entry: OpaquePointer, scratch: inout [UInt8], archive: String) throws -> ArchiveMember {
        let raw = archive_entry_pathname(entry).map { UnsafeRawBufferPointer(start: $0, count: strlen($0)) }
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        try? PathNormalizer.normalize(raw, into: &scratch)
        let path = String(decoding: scratch, as: UTF8.self)
        let size = archive_entry_size(entry)
        if let hard = archive_entry_hardlink(entry) {
            let target = (try? PathNormalizer.normalize(String(cString: hard))) ?? String(cString: hard)
            return ArchiveMember(path: path, kind: .hardlink, linkTarget: target, sizeBytes: size)
        }
        switch archive_entry_filetype(entry) {
        case FileTypeBits.regular:
            return ArchiveMember(path: path, kind: .file, linkTarget: nil, sizeBytes: size)
        case FileTypeBits.directory:
            return ArchiveMember(path: path, kind: .directory, linkTarget: nil, sizeBytes: 0)
        case FileTypeBits.symlink:
            let target = archive_entry_symlink(entry).map { String(cString: $0) } ?? ""
            return ArchiveMember(path: path, kind: .symlink, linkTarget: target, sizeBytes: 0)
        default:
            return ArchiveMember(path: path, kind: .other, linkTarget: nil, sizeBytes: size)
        }
    }

    /// A directory input: every regular file below it, in byte order of relative paths.
    /// Symbolic links inside the directory are followed by the file system.
    private func forEachFile(_ body: (ArchiveMember, ByteStream) throws -> Void) throws {
        let root = URL(fileURLWithPath: displayPath).standardizedFileURL
        // A directory is an image layout only with one of these at its top; anything else (`/`, a home
        // folder) is refused before a single file is read.
        guard ["index.json", "manifest.json", "oci-layout"].contains(where: {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
        }) else {
            throw ArchiveError.notAnImageLayout(archive: displayPath)
        }
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ArchiveError.unreadable(archive: displayPath, reason: "cannot list the directory")
        }
        var files: [(String, URL)] = []
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var links: [(String, String)] = []
        for case let url as URL in enumerator {
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(rootPath) ? String(full.dropFirst(rootPath.count)) : url.lastPathComponent
            let isFile = (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false
            if files.count + links.count >= Limits.directoryFiles {
                throw ArchiveError.limitExceeded(archive: displayPath, what: "more than \(Limits.directoryFiles) files in the layout directory")
            }
            if isFile {
                files.append((relative, url))
            } else if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                // A link that does not lead to a regular file (dangling, or a loop): keep it as a link
                // member so that the loader reports it as it would inside a tar.
                links.append((relative, target))
            }
        }
        for (relative, target) in links {
            try body(ArchiveMember(path: relative, kind: .symlink, linkTarget: target, sizeBytes: 0),
                     ByteStream { UnsafeRawBufferPointer(start: nil, count: 0) })
        }
        files.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        for (relative, url) in files {
            let fd = open(url.path, O_RDONLY)
            guard fd >= 0 else {
                throw ArchiveError.unreadable(archive: displayPath, reason: "\(relative): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1 << 12)  // page-aligned: see ArchiveHandle.open(path:)
            defer { buffer.deallocate() }
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)??.int64Value ?? 0
            let display = displayPath
            let stream = ByteStream {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 {
                    throw ArchiveError.unreadable(archive: display, reason: "\(relative): \(String(cString: strerror(errno)))")
                }
                return UnsafeRawBufferPointer(start: buffer.baseAddress, count: n)
            }
            try body(ArchiveMember(path: relative, kind: .file, linkTarget: nil, sizeBytes: size,
                                   extent: FileExtent(path: url.path, offsetBytes: 0, lengthBytes: size)), stream)
        }
    }
}
