import CArchive

/// Owner of one libarchive read handle (`struct archive *`); frees it in `deinit`.
///
/// The only type that calls libarchive's read API. A handle reads either from a
/// file descriptor / file name, or from a `ByteStream` through libarchive's read
/// callback (`archive_read_open`), which is how a layer blob inside the outer
/// archive is decoded without a temporary file.
final class ArchiveHandle {
    let raw: OpaquePointer
    private var feed: StreamFeed?
    private let entry: OpaquePointer

    /// The formats and filters a handle accepts.
    enum Mode {
        /// A tar archive, optionally compressed with any filter libarchive knows (the outer image archive).
        case outerTar
        /// A plain tar stream (an already decompressed layer).
        case plainTar
        /// zstd decompression of a raw stream (a compressed layer blob; gzip goes through `GzipInflater`).
        case decompress
    }

    init(mode: Mode) {
        raw = archive_read_new()
        entry = archive_entry_new()
        switch mode {
        case .outerTar:
            archive_read_support_filter_all(raw)
            archive_read_support_format_tar(raw)
            archive_read_support_format_gnutar(raw)
        case .plainTar:
            archive_read_support_format_tar(raw)
            archive_read_support_format_gnutar(raw)
        case .decompress:
            archive_read_support_filter_zstd(raw)
            archive_read_support_format_raw(raw)
        }
    }

    deinit {
        archive_read_free(raw)
        archive_entry_free(entry)
    }

    /// libarchive's last error message for this handle, or `fallback`.
    func errorMessage(_ fallback: String = "unknown error") -> String {
        if let c = archive_error_string(raw) { return String(cString: c) }
        return fallback
    }

    /// An error raised inside a read callback (a Swift error that libarchive could not carry).
    var callbackError: Error? { feed?.error }

    /// Opens the handle on a file name (nil for standard input).
    func open(path: String?) -> Bool {
        let rc: Int32
        if let path {
            rc = archive_read_open_filename(raw, path, 1 << 20)
        } else {
            rc = archive_read_open_fd(raw, 0, 1 << 20)
        }
        return rc == ARCHIVE_OK
    }

    /// Opens the handle on a byte stream.
    func open(stream: ByteStream) -> Bool {
        let feed = StreamFeed(stream)
        self.feed = feed
        let rc = archive_read_open(raw, Unmanaged.passUnretained(feed).toOpaque(), nil, { _, client, buffer in
            let feed = Unmanaged<StreamFeed>.fromOpaque(client!).takeUnretainedValue()
            do {
                let block = try feed.stream.next()
                buffer?.pointee = block.baseAddress
                return block.count
            } catch {
                feed.error = error
                return -1
            }
        }, nil)
        return rc == ARCHIVE_OK
    }

    /// Result of `nextHeader()`.
    enum HeaderResult { case entry(OpaquePointer), end, failed(String) }

    /// Advances to the next member. Warnings are treated as success.
    func nextHeader() -> HeaderResult {
        let rc = archive_read_next_header2(raw, entry)
        switch rc {
        case ARCHIVE_OK, ARCHIVE_WARN: return .entry(entry)
        case ARCHIVE_EOF: return .end
        default: return .failed(errorMessage())
        }
    }

    /// The next data block of the current member; empty at its end.
    /// - Throws: the callback's error if one was raised, else `ArchiveHandle.Failure`.
    func dataBlock() throws -> UnsafeRawBufferPointer {
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        let rc = archive_read_data_block(raw, &buffer, &size, &offset)
        switch rc {
        case ARCHIVE_OK, ARCHIVE_WARN:
            return UnsafeRawBufferPointer(start: buffer, count: size)
        case ARCHIVE_EOF:
            return UnsafeRawBufferPointer(start: nil, count: 0)
        default:
            if let e = callbackError { throw e }
            throw Failure(message: errorMessage())
        }
    }

    /// A libarchive failure, with its message.
    struct Failure: Error { let message: String }
}

/// Client data for `archive_read_open`: the stream and the first Swift error it threw.
private final class StreamFeed {
    let stream: ByteStream
    var error: Error?
    init(_ stream: ByteStream) { self.stream = stream }
}
