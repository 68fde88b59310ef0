import CArchive

/// Reads the bytes of regular files out of a layer blob, where the blob lives (`BlobLocation`),
/// after the analysis: from the offset the scan recorded for each file (`Changeset.dataOffsets`),
/// by `pread` when the layer is an uncompressed run of a file, from the nearest checkpoint of an
/// indexed gzip layer (`GzipIndex`), else by reading the blob again, decompressing it and skipping
/// to the file. A blob fetched from a registry or an engine is
/// spooled and verified first (`BlobSpool`).
public enum LayerContent {
    /// Why a layer's files cannot be read again.
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Calls `each` with every row of `rows` (regular files of `layer`), in the order their bytes
    /// come in the layer, and a function that gives that file's bytes block by block (an empty block
    /// at the end; each block valid until the next call); one pass over the blob however many rows
    /// (an uncompressed layer in a file: one `pread` run per file).
    ///
    /// - Parameters:
    ///   - archive: The image's name, for messages.
    ///   - rangeReads: A registry blob may be read by HTTP Range from where the rows start (uncompressed,
    ///     or gzip from its nearest checkpoint) instead of being fetched whole and checked against its
    ///     digest first. Each file read to its end is then checked against the content digest the
    ///     analysis recorded, so only for readers that use whole files, or only show what they read
    ///     (the viewer); `cat` and `extract` write nothing that was not checked and leave it false.
    /// - Throws: `Unavailable` (standard input, other bytes from a source), the source's errors,
    ///   `LayerError.truncated` when the blob ends before a file's bytes, and whatever `each` throws.
    public static func forEach(rows: [Int], of layer: Layer, archive: String, rangeReads: Bool = false,
                               _ each: (Int, () throws -> UnsafeRawBufferPointer) throws -> Void) throws {
        try forEachStream(rows: rows, of: layer, archive: archive, rangeReads: rangeReads) { row, stream in try each(row, { try stream.next() }) }
    }

    static func forEachStream(rows: [Int], of layer: Layer, archive: String, rangeReads: Bool = false,
                              _ each: (Int, ByteStream) throws -> Void) throws {
        let changeset = layer.blob.changeset
        let rows = Array(Set(rows)).sorted()
        guard !rows.isEmpty else { return }
        let offsets = rows.map { changeset.dataOffsets[$0] }
        let short = { LayerError.truncated("the layer ends before the bytes of a file it lists") as Error }
        // the rows' bytes, in tar order, from a tar stream whose first byte is the tar's byte `start`;
        // `verify`: each file read to its end must have the content digest the analysis recorded
        func readRows(_ tar: ByteStream, from start: Int64, verify: Bool = false) throws {
            var position = start
            for row in rows.sorted(by: { changeset.dataOffsets[$0] < changeset.dataOffsets[$1] }) {
                let offset = changeset.dataOffsets[row]
                guard try tar.skip(offset - position) else { throw short() }
                let file = tar.prefix(changeset.sizes[row], short: short)
                let checked = verify ? verified(file, row: row, of: layer) : file
                try each(row, checked)
                try checked.drain()
                position = offset + changeset.sizes[row]
            }
        }
        if rangeReads, case let .fetched(_, _, openFrom?) = layer.location, !offsets.contains(-1), layer.blob.compression != .zstd {
            // a registry blob read from where the rows start (HTTP Range), not fetched whole: uncompressed
            // at the first row's bytes, gzip from the nearest checkpoint (or its start)
            let first = offsets.min()!
            let checkpoint = layer.blob.compression == .gzip ? layer.blob.gzipIndex?.checkpoint(atOrBefore: first) : nil
            let blobStart = layer.blob.compression == .none ? first : (checkpoint?.compressedOffset ?? 0)
            let source = try openFrom(blobStart)
            defer { source.close() }
            let stored = ByteStream { try source.next() }
            do {
                if layer.blob.compression == .none {
                    try readRows(stored, from: first, verify: true)
                } else {
                    let inflater = checkpoint.map { GzipInflater(resuming: $0, source: stored) } ?? GzipInflater(source: stored)
                    try readRows(inflater.decompressed(), from: checkpoint?.uncompressedOffset ?? 0, verify: true)
                }
            } catch let e as LayerError {
                // the analysis decoded these bytes: the source sent others this time
                throw Unavailable(description: "layer \(layer.index) (\(layer.blob.digest.value)) has other bytes than when it was analysed (\(e))")
            }
            return
        }
        let location = try readable(layer, archive: archive)
        if case let .file(path, blobOffset, _) = location, layer.blob.compression == .none, !offsets.contains(-1) {
            for row in rows {
                let source = try FileRangeSource(path: path, offsetBytes: blobOffset + changeset.dataOffsets[row],
                                                 lengthBytes: changeset.sizes[row])
                try each(row, ByteStream { try source.next() })
            }
            return
        }
        if case let .file(path, blobOffset, length) = location, layer.blob.compression == .gzip, !offsets.contains(-1),
           let checkpoint = layer.blob.gzipIndex?.checkpoint(atOrBefore: offsets.min()!) {
            // a gzip layer indexed during the analysis: decoded from the nearest checkpoint only
            let source = try FileRangeSource(path: path, offsetBytes: blobOffset + checkpoint.compressedOffset,
                                             lengthBytes: length - checkpoint.compressedOffset)
            let inflater = GzipInflater(resuming: checkpoint, source: ByteStream { try source.next() })
            try readRows(inflater.decompressed(), from: checkpoint.uncompressedOffset)
            return
        }
        try withBlob(location, archive: archive) { stored in
            let (tar, decompressor) = try LayerReader.decompressing(stored, layer.blob.compression)
            defer { withExtendedLifetime(decompressor) {} }
            if offsets.contains(-1) {
                try walk(tar, rows: Set(rows), each)
                return
            }
            try readRows(tar, from: 0)
        }
    }

    /// `file` (the bytes of `row`), checked when it ends: a source read again without its blob's digest
    /// (a Range request) must give the bytes whose content digest the analysis recorded.
    private static func verified(_ file: ByteStream, row: Int, of layer: Layer) -> ByteStream {
        let hasher = ContentHasher()
        hasher.reset()
        return ByteStream {
            let block = try file.next()
            if block.isEmpty, hasher.digest != layer.blob.changeset.contentDigests[row] {
                throw Unavailable(description: "layer \(layer.index) (\(layer.blob.digest.value)) has other bytes than when it was analysed (in /\(layer.blob.changeset.path(row)))")
            }
            hasher.update(block)
            return block
        }
    }

    /// The bytes of one file, read whole (the viewer's smaller files, `Y`): at most `limit` bytes;
    /// `rangeReads` as for `forEach`.
    public static func bytes(row: Int, of layer: Layer, archive: String, limit: Int, rangeReads: Bool = false) throws -> [UInt8] {
        var out: [UInt8] = []
        try forEachStream(rows: [row], of: layer, archive: archive, rangeReads: rangeReads) { _, stream in
            while out.count < limit {
                let block = try stream.next(max: limit - out.count)
                if block.isEmpty { break }
                out.append(contentsOf: block)
            }
        }
        return out
    }

    /// Where the layer's blob is read: a fetched blob is spooled and verified first, and then read
    /// from the spool file.
    static func readable(_ layer: Layer, archive: String) throws -> BlobLocation {
        guard case let .fetched(member, open, _) = layer.location else { return layer.location }
        let spool = try BlobSpool.verified(layer, member: member, archive: archive, open: open)
        return .file(path: spool.path, offsetBytes: 0, lengthBytes: layer.blob.storedBytes)
    }

    /// Calls `body` with the blob's bytes as stored.
    static func withBlob(_ location: BlobLocation, archive: String, _ body: (ByteStream) throws -> Void) throws {
        switch location {
        case let .file(path, offset, length):
            let source = try FileRangeSource(path: path, offsetBytes: offset, lengthBytes: length)
            try body(ByteStream { try source.next() })
        case let .member(member, open):
            let source = try open()
            defer { source.close() }
            try Self.member(member, of: ByteStream { try source.next() }, archive: archive, body)
        case .fetched:
            preconditionFailure("a fetched blob is read from its spool (readable)")
        case let .unavailable(why):
            throw Unavailable(description: why)
        }
    }

    /// Calls `body` with the bytes of the member `member` of the archive `stream`.
    /// - Throws: `Unavailable` when the archive has no such member, the stream's errors.
    static func member(_ member: String, of stream: ByteStream, archive: String, _ body: (ByteStream) throws -> Void) throws {
        struct Found: Error {}
        var found = false
        do {
            try OuterArchive(stream: stream, name: archive).forEachMember { m, stream in
                guard m.path == member, m.kind == .file else { return }
                found = true
                try body(stream)
                throw Found()
            }
        } catch is Found {}
        if !found { throw Unavailable(description: "\(archive): \(member) is no longer in the archive") }
    }

    /// The layer's tar walked with libarchive, its rows numbered as `LayerReader` numbered them: for
    /// sparse files, whose data is not one run of the tar (libarchive fills their holes).
    private static func walk(_ tar: ByteStream, rows: Set<Int>, _ each: (Int, ByteStream) throws -> Void) throws {
        let handle = ArchiveHandle(mode: .plainTar)
        guard handle.open(stream: tar) else {
            if let e = handle.callbackError { throw e }
            throw LayerError.notTar(handle.errorMessage())
        }
        var numbering = Changeset()
        var scratch: [UInt8] = []
        var left = rows.count
        while left > 0 {
            switch handle.nextHeader() {
            case .end:
                throw LayerError.truncated("the layer ends before the files it lists")
            case let .failed(message):
                if let e = handle.callbackError { throw e }
                throw LayerError.truncated(message)
            case let .entry(entry):
                guard try EntryDecoder.append(entry, to: &numbering, scratch: &scratch) == .file,
                      rows.contains(numbering.count - 1) else { continue }
                left -= 1
                let file = holesFilled(handle, sizeBytes: numbering.sizes[numbering.count - 1])
                try each(numbering.count - 1, file)
                try file.drain()
            }
        }
    }

    /// 1 MiB of zeros, never written: the blocks a sparse file's holes are read as. A writer that
    /// gets one of them (`isHole`) may leave a hole instead of writing it.
    nonisolated(unsafe) static let zeros = UnsafeRawBufferPointer(UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1 << 12).initializeMemory(as: UInt8.self, repeating: 0))

    /// True when `block` is (a part of) `zeros`: a hole of a sparse file, not bytes of the layer.
    public static func isHole(_ block: UnsafeRawBufferPointer) -> Bool {
        guard let base = block.baseAddress, let z = zeros.baseAddress else { return false }
        return base >= z && base + block.count <= z + zeros.count
    }

    /// The current member's bytes with the holes of a sparse file as zeros, as extraction writes them.
    private static func holesFilled(_ handle: ArchiveHandle, sizeBytes: Int64) -> ByteStream {
        let zeros = Self.zeros
        var position: Int64 = 0
        var pending = UnsafeRawBufferPointer(start: nil, count: 0)
        var pendingOffset: Int64 = 0
        var ended = false
        return ByteStream {
            if pending.isEmpty && !ended {
                do {
                    (pending, pendingOffset) = try handle.dataBlockWithOffset()
                } catch let f as ArchiveHandle.Failure {
                    throw LayerError.truncated(f.message)
                }
                if pending.isEmpty { ended = true; pendingOffset = sizeBytes }
            }
            if position < pendingOffset {   // a hole before the block (or at the end): zeros
                let n = Int(min(Int64(zeros.count), pendingOffset - position))
                position += Int64(n)
                return UnsafeRawBufferPointer(rebasing: zeros[..<n])
            }
            let block = pending
            pending = UnsafeRawBufferPointer(start: nil, count: 0)
            position += Int64(block.count)
            pendingOffset = position
            return block
        }
    }
}
