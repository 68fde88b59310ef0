/// One file of a layer, read in parts (the viewer pages through it; it is never read whole unless it
/// is small). An uncompressed layer lying in a file is read with `pread` at the file's offset; any other
/// is read in windows of `windowBytes`, each one pass over the layer from its start to the window.
public final class FileBytes: @unchecked Sendable {
    public let sizeBytes: Int64
    private let layer: Layer
    private let row: Int
    private let archive: String
    /// Where the file's bytes start in a file of their own, when they do.
    private let direct: (path: String, offset: Int64)?
    private var window: [UInt8] = []
    private var windowStart: Int64 = -1
    /// Bytes read at once when the layer must be read from its start.
    public static let windowBytes = 4 << 20

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

    /// True when any part is read at once (`pread`); else a part far into the file costs a pass over
    /// the layer up to it.
    public var isRandomAccess: Bool { direct != nil }

    /// Up to `count` bytes from `offset` (fewer at the end of the file).
    /// - Throws: `LayerContent.Unavailable`, the source's errors.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        let end = min(sizeBytes, offset + Int64(max(0, count)))
        guard offset >= 0, offset < end else { return [] }
        if let direct {
            let source = try FileRangeSource(path: direct.path, offsetBytes: direct.offset + offset, lengthBytes: end - offset)
            var out: [UInt8] = []
            out.reserveCapacity(Int(end - offset))
            while true {
                let block = try source.next()
                if block.isEmpty { return out }
                out.append(contentsOf: block)
            }
        }
        if windowStart < 0 || offset < windowStart || end > windowStart + Int64(window.count) {
            // a quarter of the window before the offset, for a reader that scrolls back a little
            var start = max(0, offset - Int64(Self.windowBytes / 4))
            if end - start > Int64(Self.windowBytes) { start = offset }
            try load(from: start, atLeast: end - start)
        }
        let from = Int(offset - windowStart), to = Int(end - windowStart)
        return Array(window[from..<min(to, window.count)])
    }

    /// Reads the window that starts at `start`: one pass over the layer to the file, then to `start`.
    private func load(from start: Int64, atLeast: Int64) throws {
        var bytes: [UInt8] = []
        let want = Int(min(max(Int64(Self.windowBytes), atLeast), sizeBytes - start))
        try LayerContent.forEachStream(rows: [row], of: layer, archive: archive) { _, stream in
            guard try stream.skip(start) else { return }
            while bytes.count < want {
                let block = try stream.next(max: want - bytes.count)
                if block.isEmpty { break }
                bytes.append(contentsOf: block)
            }
        }
        window = bytes
        windowStart = start
    }
}
