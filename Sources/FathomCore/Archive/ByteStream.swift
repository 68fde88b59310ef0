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
    /// The part of the last block that `next(max:)` did not hand out; valid as long as that block.
    private var rest = UnsafeRawBufferPointer(start: nil, count: 0)

    /// - Parameter pull: Returns the next block of the underlying source, empty at the end.
    init(_ pull: @escaping () throws -> UnsafeRawBufferPointer) {
        self.pull = pull
    }

    /// The next block of bytes, or an empty buffer at the end of the stream.
    func next() throws -> UnsafeRawBufferPointer {
        if !rest.isEmpty {
            defer { rest = UnsafeRawBufferPointer(start: nil, count: 0) }
            return rest
        }
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

    /// The next block, at most `max` bytes of it (the rest comes first next time).
    func next(max: Int) throws -> UnsafeRawBufferPointer {
        let block = try next()
        guard block.count > max else { return block }
        rest = UnsafeRawBufferPointer(rebasing: block[max...])
        return UnsafeRawBufferPointer(rebasing: block[..<max])
    }

    /// Reads and discards `count` bytes.
    /// - Returns: False when the stream ended first.
    func skip(_ count: Int64) throws -> Bool {
        var left = count
        while left > 0 {
            let block = try next(max: Int(min(left, Int64(Int32.max))))
            if block.isEmpty { return false }
            left -= Int64(block.count)
        }
        return true
    }

    /// The next `count` bytes as a stream of their own, which throws `short` if this one ends first.
    func prefix(_ count: Int64, short: @escaping () -> Error) -> ByteStream {
        var left = count
        return ByteStream { [self] in
            if left == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let block = try next(max: Int(min(left, Int64(Int32.max))))
            if block.isEmpty { throw short() }
            left -= Int64(block.count)
            return block
        }
    }

    /// Reads and discards the rest of the stream (so that digests see every byte).
    func drain() throws {
        while !(try next()).isEmpty {}
    }
}
