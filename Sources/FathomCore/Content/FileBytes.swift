import Glibc

/// One file of a layer, read in parts (the viewer pages through it; it is never held in memory
/// whole). An uncompressed layer lying in a file is read with `pread` at the file's offset. Any
/// other is read into a spool file (`SpoolFile`) as far as it has been asked for, and then by
/// `pread` from there: each time a read goes past what is spooled, one pass over the layer spools
/// at least as much again, so that reading a file to its end (a search) costs about two passes over
/// the layer, not one per part. A sparse file's holes stay holes in the spool.
public final class FileBytes: @unchecked Sendable {
    public let sizeBytes: Int64
    private let layer: Layer
    private let row: Int
    private let archive: String
    /// Where the file's bytes start in a file of their own, when they do.
    private let direct: (path: String, offset: Int64)?
    private var spool: SpoolFile?
    /// The spool holds the file's bytes `0..<spooledBytes`.
    private var spooledBytes: Int64 = 0
    /// The least a pass over the layer adds to the spool.
    public static let spoolStepBytes: Int64 = 4 << 20

    /// - Parameters: the layer and the row of its changeset that holds a regular file; `archive`, the
    ///   image's name for messages.
    public init(layer: Layer, row: Int, archive: String) {
        self.layer = layer
        self.row = row
        self.archive = archive
        let changeset = layer.blob.changeset
        sizeBytes = changeset.sizes[row]
        if case let .file(path, offset, _) = layer.location, layer.blob.compression == .none, changeset.dataOffsets[row] >= 0 {
            direct = (path, offset + changeset.dataOffsets[row])
        } else {
            direct = nil
        }
    }

    /// True when any part is read at once (`pread`); else a part past what was read costs a pass
    /// over the layer up to it.
    public var isRandomAccess: Bool { direct != nil }

    /// Bytes that can be read without a pass over the layer.
    public var readyBytes: Int64 { direct != nil ? sizeBytes : spooledBytes }

    /// Up to `count` bytes from `offset` (fewer at the end of the file).
    /// - Throws: `LayerContent.Unavailable`, the source's errors.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        let end = min(sizeBytes, offset + Int64(max(0, count)))
        guard offset >= 0, offset < end else { return [] }
        let path: String, base: Int64
        if let direct {
            (path, base) = direct
        } else {
            if end > spooledBytes { try extendSpool(to: end) }
            (path, base) = (spool!.path, 0)
        }
        let source = try FileRangeSource(path: path, offsetBytes: base + offset, lengthBytes: end - offset)
        var out: [UInt8] = []
        out.reserveCapacity(Int(end - offset))
        while true {
            let block = try source.next()
            if block.isEmpty { return out }
            out.append(contentsOf: block)
        }
    }

    /// The first offset at or after `offset` (below `end`) that may hold a byte other than zero: the
    /// end of a hole of a sparse file, as spooled; `offset` itself when that cannot be told.
    public func dataStart(from offset: Int64, end: Int64) -> Int64 {
        guard direct == nil, let spool, offset < spooledBytes else { return offset }
        return spool.dataStart(from: offset, end: min(end, spooledBytes)) ?? min(end, spooledBytes)
    }

    /// Spools the file to at least `end` (and at least double what it held): one pass over the layer.
    private func extendSpool(to end: Int64) throws {
        let target = min(sizeBytes, max(end, spooledBytes * 2, spooledBytes + Self.spoolStepBytes))
        if spool == nil { spool = try SpoolFile() }
        let spool = spool!, from = spooledBytes
        var at = from
        try LayerContent.forEachStream(rows: [row], of: layer, archive: archive, rangeReads: true) { _, stream in
            guard try stream.skip(from) else { return }
            while at < target {
                let block = try stream.next(max: Int(min(Int64(1 << 20), target - at)))
                if block.isEmpty { break }
                try spool.write(block, at: at)
                at += Int64(block.count)
            }
        }
        try spool.setLength(at)
        spooledBytes = at
        if at < end { throw LayerContent.Unavailable(description: "the layer ends before the file's bytes") }
    }
}
