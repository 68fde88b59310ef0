/// A pull-based stream of byte blocks: the glue between libarchive readers,
/// digest computation and decompression.
///
/// `next()` returns the next block; an empty buffer means the end of the stream.
/// A returned buffer is valid only until the following call. `peek(_:)` reads
/// ahead without consuming, so that compression can be detected from the bytes.
final class ByteStream {
    private let pull: () throws -> UnsafeRawBufferPointer
    private var replay: [UInt8] = []
    private var replayPending = false
    private var finished = false

    /// - Parameter pull: Returns the next block of the underlying source, empty at the end.
    init(_ pull: @escaping () throws -> UnsafeRawBufferPointer) {
        self.pull = pull
    }

    /// The next block of bytes, or an empty buffer at the end of the stream.
    func next() throws -> UnsafeRawBufferPointer {
        if replayPending {
            replayPending = false
            if !replay.isEmpty {
                return replay.withUnsafeBytes { $0 }
            }
        }
        if finished { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let block = try pull()
        if block.isEmpty { finished = true }
        return block
    }

    /// Up to `count` bytes from the start of what `next()` will return, without consuming them.
    ///
    /// Must be called before the first `next()`. Returns fewer bytes only when the stream is shorter.
    func peek(_ count: Int) throws -> [UInt8] {
        precondition(!replayPending && replay.isEmpty, "peek before reading")
        while replay.count < count && !finished {
            let block = try pull()
            if block.isEmpty { finished = true; break }
            replay.append(contentsOf: block)
        }
        replayPending = true
        return Array(replay.prefix(count))
    }

    /// Reads and discards the rest of the stream (so that digests see every byte).
    func drain() throws {
        while !(try next()).isEmpty {}
    }
}
