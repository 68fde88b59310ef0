import Foundation
import Glibc

/// An unlinked temporary file (in `$TMPDIR`, else `/tmp`) that holds bytes fathom read once and
/// reads again by offset: a fetched layer blob (`BlobSpool.verified`), or the part of a file the
/// viewer has read from a compressed layer (`FileBytes`). Nothing is left on disk: the file has
/// no name from the moment it is made, and the space goes back when the last descriptor closes.
public final class SpoolFile: @unchecked Sendable {
    let fd: Int32
    /// A path that opens the same file again (`/proc/self/fd/N`), for readers that open by path.
    var path: String { "/proc/self/fd/\(fd)" }

    /// - Throws: `LayerContent.Unavailable` naming the directory when no file can be made there.
    init() throws {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((dir + "/fathom-spool-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw LayerContent.Unavailable(description: "cannot make a temporary file in \(dir): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes `bytes` at `offset`; a block of `LayerContent.zeros` is left a hole (nothing written).
    /// - Throws: `LayerContent.Unavailable` when the disk is full or the write fails.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        if LayerContent.isHole(bytes) { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw LayerContent.Unavailable(description: "cannot write a temporary file: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Makes the file `bytes` long (a hole at the end reads as zeros).
    func setLength(_ bytes: Int64) throws {
        guard ftruncate(fd, off_t(bytes)) == 0 else {
            throw LayerContent.Unavailable(description: "cannot write a temporary file: \(String(cString: strerror(errno)))")
        }
    }

    /// The first offset at or after `offset` that holds data (`SEEK_DATA`), or nil when only a hole
    /// follows up to `end`.
    func dataStart(from offset: Int64, end: Int64) -> Int64? {
        let seekData: Int32 = 3   // SEEK_DATA (Linux), not exported without _GNU_SOURCE
        let at = lseek(fd, off_t(offset), seekData)
        if at < 0 { return errno == ENXIO ? nil : offset }   // no SEEK_DATA support: assume data
        return Int64(at) < end ? Int64(at) : nil
    }
}

/// Layer blobs fetched again from a source fathom does not control (a registry, a Docker or Podman
/// engine), kept for the rest of the run and checked before any byte of them is used: the bytes
/// must have the SHA-256 digest the analysis recorded (`LayerBlob.digest`), else the source answered
/// something else the second time and nothing is read. A blob is fetched once per run, however
/// many files are read from it.
enum BlobSpool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var spooled: [String: SpoolFile] = [:]

    /// The blob of `layer`, fetched with `open` into a spool file and verified (once per run).
    /// - Parameter member: The member of the fetched archive stream that is the blob (an engine's
    ///   `docker save`), or nil when the stream is the blob (a registry).
    /// - Throws: `LayerContent.Unavailable` when the bytes differ from the analysed ones (other
    ///   digest, more bytes than the blob had, the member missing), the source's errors.
    static func verified(_ layer: Layer, member: String?, archive: String, open: () throws -> BlockSource) throws -> SpoolFile {
        let key = layer.blob.digest.value
        lock.lock()
        if let file = spooled[key] { lock.unlock(); return file }
        lock.unlock()
        let file = try SpoolFile()
        let hasher = SHA256Hasher()
        var written: Int64 = 0
        let expected = layer.blob.storedBytes
        let changed = { LayerContent.Unavailable(description: "layer \(layer.index) (\(key)) has other bytes than when it was analysed; nothing was read from it") }
        func copy(_ stream: ByteStream) throws {
            while true {
                let block = try stream.next()
                if block.isEmpty { break }
                guard written + Int64(block.count) <= expected else { throw changed() }
                hasher.update(block)
                try file.write(block, at: written)
                written += Int64(block.count)
            }
        }
        let source = try open()
        defer { source.close() }
        let stream = ByteStream { try source.next() }
        if let member {
            try LayerContent.member(member, of: stream, archive: archive, copy)
        } else {
            try copy(stream)
        }
        guard written == expected, Digest(sha256: hasher) == layer.blob.digest else { throw changed() }
        lock.lock()
        defer { lock.unlock() }
        if let earlier = spooled[key] { return earlier }
        spooled[key] = file
        return file
    }
}
