import FathomCore

/// A body with its first `skipBytes` bytes dropped: a registry that answers a Range request with the
/// whole blob (200, which RFC 9110 §14.2 allows) is read from the byte that was asked for.
final class SkippedPrefixSource: BlockSource {
    private let inner: BlockSource
    private var skipBytes: Int64

    init(_ inner: BlockSource, skipBytes: Int64) {
        self.inner = inner
        self.skipBytes = skipBytes
    }

    /// - Throws: the body's errors (a body shorter than the prefix just ends).
    func next() throws -> UnsafeRawBufferPointer {
        while skipBytes > 0 {
            let block = try inner.next()
            if block.isEmpty { return block }
            if Int64(block.count) > skipBytes {
                let rest = UnsafeRawBufferPointer(rebasing: block[Int(skipBytes)...])
                skipBytes = 0
                return rest
            }
            skipBytes -= Int64(block.count)
        }
        return try inner.next()
    }

    func close() { inner.close() }
}
