import CArchive

/// Reads one layer blob from a byte stream: detects its compression from the
/// bytes, decompresses it with libarchive, walks the tar headers and computes
/// the blob digest and the diff ID on the way. Nothing is written to disk.
enum LayerReader {
    /// Reads a whole layer blob.
    ///
    /// - Parameter stream: The blob as stored (possibly gzip or zstd compressed); read to its end.
    /// - Returns: The changeset, compression, digest and diff ID.
    /// - Throws: `LayerError` for a blob that is not a (compressed) tar or has a `..` member;
    ///   errors of the underlying stream pass through unchanged.
    ///   - knownDigest: The blob's digest when its name states it (OCI `blobs/sha256/<hex>`, kaniko
    ///     `<hex>.tar.gz`): a compressed blob is then not hashed a second time. Uncompressed blobs
    ///     always are, since their digest is their diff ID.
    ///   - knownDiffID: The config's diff ID for this blob, used instead of hashing the decompressed
    ///     tar when the blob is compressed and `knownDigest` is given (the blob is then trusted to its
    ///     name, as without `--verify`). Uncompressed blobs ignore it: their diff ID is their digest.
    ///   - gzipIndexEvery: Keep random-access checkpoints of a gzip blob, one per so many bytes of tar
    ///     (`LayerBlob.gzipIndex`); nil: none.
    static func read(_ stream: ByteStream, knownDigest: Digest? = nil, knownDiffID: Digest? = nil,
                     gzipIndexEvery: Int64? = nil) throws -> LayerBlob {
        let magic = try stream.peek(4)
        let compression = Compression.detect(magic)
        let hashStored = compression == .none || knownDigest == nil
        let digestHasher = SHA256Hasher()
        var storedBytes: Int64 = 0
        let stored = ByteStream {
            let block = try stream.next()
            if hashStored { digestHasher.update(block) }
            storedBytes += Int64(block.count)
            return block
        }

        let trustedDiffID = knownDigest != nil ? knownDiffID : nil
        let hashTar = compression != .none && trustedDiffID == nil
        let diffHasher = SHA256Hasher()
        var tarBytes: Int64 = 0
        let (decompressed, decompressor) = compression == .gzip && gzipIndexEvery != nil
            ? { let i = GzipInflater(source: stored, indexEvery: gzipIndexEvery); return (i.decompressed(), i as AnyObject?) }()
            : try decompressing(stored, compression)
        let tarStream = ByteStream {
            let block = try decompressed.next()
            if hashTar { diffHasher.update(block) }
            tarBytes += Int64(block.count)
            if compression != .none, tarBytes > Limits.expansionFloorBytes, tarBytes / max(storedBytes, 1) > Limits.expansionRatio {
                throw LayerError.expandsTooMuch(tarBytes, storedBytes)
            }
            return block
        }

        let changeset = try readTar(tarStream)
        try tarStream.drain()
        if compression != .none { try stored.drain() }
        let digest = hashStored ? Digest(sha256: digestHasher) : knownDigest!
        let diffID = compression == .none ? digest : (trustedDiffID ?? Digest(sha256: diffHasher))
        let gzipIndex = (decompressor as? GzipInflater)?.index
        if let index = gzipIndex {
            PhaseTimer.note("gzip index of \(digest.value): \(index.count) checkpoints, \(index.memoryBytes) bytes for \(tarBytes) bytes of tar")
        }
        return LayerBlob(changeset: changeset, compression: compression, digest: digest, diffID: diffID,
                         storedBytes: storedBytes, tarBytes: tarBytes, gzipIndex: gzipIndex)
    }

    /// The tar stream inside a blob as stored, and the object that decompresses it (keep it alive
    /// while the stream is read).
    /// - Throws: `LayerError.corrupt` for a zstd stream that does not start right; later decompression
    ///   errors are thrown by the returned stream.
    static func decompressing(_ stored: ByteStream, _ compression: Compression) throws -> (ByteStream, AnyObject?) {
        switch compression {
        case .none:
            return (stored, nil)
        case .gzip:
            let inflater = GzipInflater(source: stored)
            return (inflater.decompressed(), inflater)
        case .zstd:
            let d = ArchiveHandle(mode: .decompress)
            guard d.open(stream: stored), case .entry = d.nextHeader() else {
                if let e = d.callbackError { throw e }
                throw LayerError.corrupt(compression, d.errorMessage())
            }
            let stream = ByteStream {
                do { return try d.dataBlock() } catch let f as ArchiveHandle.Failure {
                    throw LayerError.corrupt(compression, f.message)
                }
            }
            return (stream, d)
        }
    }

    /// Walks the tar headers of an uncompressed layer stream.
    private static func readTar(_ stream: ByteStream) throws -> Changeset {
        var changeset = Changeset()
        if try stream.peek(1).isEmpty { return changeset }  // a 0-byte layer has no entries
        let tar = ArchiveHandle(mode: .plainTar)
        guard tar.open(stream: stream) else {
            if let e = tar.callbackError { throw e }
            throw LayerError.notTar(tar.errorMessage())
        }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        var first = true
        let hasher = ContentHasher()
        while true {
            let entry: OpaquePointer
            switch tar.nextHeader() {
            case .end:
                changeset.shrinkToFit()
                return changeset
            case let .failed(message):
                if let e = tar.callbackError { throw e }
                throw first ? LayerError.notTar(message) : LayerError.truncated(message)
            case let .entry(e):
                entry = e
            }
            first = false
            changeset.memberCount += 1
            let appended = try EntryDecoder.append(entry, to: &changeset, scratch: &scratch)
            if appended == .file {
                // the tar reader has consumed the headers and none of the data yet (ArchiveHandle.currentDataOffset)
                if archive_entry_sparse_count(entry) == 0 { changeset.setLastDataOffset(archive_filter_bytes(tar.raw, 0)) }
                // a name that may hold a secret: its content is looked at as it is hashed (the advice decides)
                let row = changeset.count - 1, size = changeset.sizes[row]
                let inspector = changeset.withPath(row) { Advisor.mayBeSecret(lastComponent($0)) } ? ContentInspector() : nil
                // a package database's file is kept as it streams by (PackageFiles), within its budget
                let keep = size <= PackageFiles.maximumFileBytes && changeset.withPath(row) { PackageFiles.wanted($0) }
                    && PackageFiles.reserve(size)
                var kept: [UInt8] = []
                if keep { kept.reserveCapacity(Int(size)) }
                changeset.setLastContentDigest(try contentDigest(tar, size: size, hasher: hasher, inspector: inspector,
                                                                 keep: keep ? { kept.append(contentsOf: $0) } : nil))
                if let inspector { changeset.setLastContentHints(inspector.hints) }
                if keep && Int64(kept.count) == size { changeset.setLastPackageFile(kept) }
            }
        }
    }

    /// The last component of a normalised path.
    private static func lastComponent(_ path: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = path.count
        while start > 0 && path[start - 1] != 0x2F { start -= 1 }
        return UnsafeRawBufferPointer(rebasing: path[start...])
    }

    /// Hashes the current member's data: in one call when it arrives as one block (most files), else streamed;
    /// `inspector` and `keep` see the blocks too.
    private static func contentDigest(_ tar: ArchiveHandle, size: Int64, hasher: ContentHasher,
                                      inspector: ContentInspector? = nil,
                                      keep: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> ContentDigest {
        func next() throws -> UnsafeRawBufferPointer {
            let block: UnsafeRawBufferPointer
            do { block = try tar.dataBlock() } catch let f as ArchiveHandle.Failure { throw LayerError.truncated(f.message) }
            inspector?.inspect(block)
            keep?(block)
            return block
        }
        let first = try next()
        if Int64(first.count) == size {
            let digest = ContentDigest(of: first)
            var block = try next()
            if block.isEmpty { return digest }
            // more blocks than the header's size (libarchive's buffer for `first` is gone by now):
            // the rest is hashed after the first block's digest, still a function of the content alone
            hasher.reset()
            withUnsafeBytes(of: (digest.high, digest.low)) { hasher.update($0) }
            while !block.isEmpty {
                hasher.update(block)
                block = try next()
            }
            return hasher.digest
        }
        hasher.reset()
        var block = first
        while !block.isEmpty {
            hasher.update(block)
            block = try next()
        }
        return hasher.digest
    }
}
