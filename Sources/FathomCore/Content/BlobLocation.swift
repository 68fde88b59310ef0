import Glibc

/// Where a layer's blob can be read again after the analysis, for the files inside it (the viewer,
/// `fathom cat`, `fathom extract`): read again from where it lives, or, from a source fathom does not
/// control, fetched again into an unlinked temporary file and checked against its digest first
/// (`BlobSpool`).
public enum BlobLocation: Sendable {
    /// The blob's bytes lie in a file: `lengthBytes` bytes from `offsetBytes` (a member of an
    /// uncompressed archive file, a blob of a layout directory). Read with `pread`, any part at once.
    case file(path: String, offsetBytes: Int64, lengthBytes: Int64)
    /// The blob is the member `member` of an archive file that is read again from its start (a
    /// compressed archive): `archive` gives its bytes anew.
    case member(String, archive: @Sendable () throws -> BlockSource)
    /// The blob is fetched again from a source fathom does not control: `open` gives the blob itself
    /// (a registry; `member` nil) or an archive stream that holds it as `member` (an engine's
    /// `docker save`). It is spooled and must have the digest the analysis recorded. `openFrom`, when
    /// the source can (a registry's HTTP Range), gives the blob from a byte offset to its end: an
    /// uncompressed or indexed gzip layer is then read from where the files start, not fetched whole,
    /// and each file read to its end must have the content digest the analysis recorded.
    case fetched(member: String?, open: @Sendable () throws -> BlockSource,
                 openFrom: (@Sendable (Int64) throws -> BlockSource)? = nil)
    /// It cannot be read again; why (standard input is read once).
    case unavailable(String)

    /// True when any part of the blob can be read without reading what comes before it.
    public var isRandomAccess: Bool {
        if case .file = self { return true }
        return false
    }
}

/// `lengthBytes` bytes of a file from `offsetBytes` (nil: to the end of the file), read with
/// `pread` block by block.
final class FileRangeSource: BlockSource {
    private let fd: Int32
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1 << 12)
    private var position: Int64
    private let end: Int64?
    private let path: String

    /// - Throws: `ArchiveError.unreadable` when the file cannot be opened.
    init(path: String, offsetBytes: Int64 = 0, lengthBytes: Int64? = nil) throws {
        self.path = path
        position = offsetBytes
        end = lengthBytes.map { offsetBytes + $0 }
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ArchiveError.unreadable(archive: path, reason: String(cString: strerror(errno))) }
    }

    deinit {
        buffer.deallocate()
        Glibc.close(fd)
    }

    func next() throws -> UnsafeRawBufferPointer {
        let wanted = Int(min(Int64(buffer.count), (end ?? Int64.max) - position))
        if wanted <= 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        while true {
            let n = pread(fd, buffer.baseAddress, wanted, off_t(position))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw ArchiveError.unreadable(archive: path, reason: String(cString: strerror(errno))) }
            if n == 0 && end == nil { return UnsafeRawBufferPointer(start: nil, count: 0) }
            if n == 0 { throw ArchiveError.truncated(archive: path, member: nil, reason: "the file is shorter than when it was analysed") }
            position += Int64(n)
            return UnsafeRawBufferPointer(start: buffer.baseAddress, count: n)
        }
    }

    func close() {}
}
