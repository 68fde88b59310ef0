import Foundation

/// Decodes layer blobs on worker threads while the outer archive is read, in order, on the
/// calling thread (DESIGN.md "Performance shape": layers are independent until replay).
///
/// The reader hands each blob over block by block through a bounded queue (8 MiB), so memory
/// stays flat and standard input still works in one pass. At most `workers` blobs decode at once.
final class LayerDecodePool: @unchecked Sendable {
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var results: [String: Result<LayerBlob, LayerError>] = [:]
    /// The first error reading a member's bytes by extent (a truncated archive), thrown by `finish()`.
    private var readFailure: Error?
    /// Set when the caller gives up: extent readers stop at their next block.
    private var cancelled = false

    /// The C locale, for the worker threads.
    nonisolated(unsafe) static let cLocale: locale_t? = newlocale(0, "C", nil)

    /// Called on the worker thread with each blob's result, as soon as it is known.
    private let onFinished: (@Sendable (String, Result<LayerBlob, LayerError>) -> Void)?

    /// Keep gzip checkpoints (`LoadOptions.indexesGzip`).
    private let indexesGzip: Bool

    /// Blobs decoded at once unless told otherwise: one per core, at most 4.
    static let defaultWorkers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))

    init(workers: Int = defaultWorkers, indexesGzip: Bool = false,
         onFinished: (@Sendable (String, Result<LayerBlob, LayerError>) -> Void)? = nil) {
        slots = DispatchSemaphore(value: workers)
        self.indexesGzip = indexesGzip
        self.onFinished = onFinished
    }

    /// Hands the blob in `stream` to a worker; returns once the reader has passed all of it on.
    /// - Throws: errors of `stream` itself (a truncated outer archive); the worker is cancelled.
    func decode(path: String, from stream: ByteStream, knownDigest: Digest? = nil) throws {
        slots.wait()
        let queue = BlockQueue(capacityBytes: 8 << 20)
        group.enter()
        // a thread per layer, not the global queue: a decode blocks on its queue, and callers that are
        // themselves on the global queue (two images at once) would wait for libdispatch to add threads
        let worker = Thread {
            // Names stay raw bytes only in the C locale: in a UTF-8 one libarchive normalises them
            // to NFC (fixture synthetic/wide-chars). The explorer sets a UTF-8 global locale.
            let previous = uselocale(LayerDecodePool.cLocale)
            defer { uselocale(previous); self.slots.signal(); self.group.leave() }
            let blocks = ByteStream { try queue.pop() }
            let result: Result<LayerBlob, LayerError>?
            do {
                result = .success(try LayerReader.read(blocks, knownDigest: knownDigest, gzipIndexEvery: self.indexesGzip ? GzipIndex.spacingBytes : nil))
            } catch let e as LayerError {
                result = .failure(e)
            } catch {
                result = nil  // cancelled: the reader failed and reports it
            }
            queue.abandon()
            if let result { self.store(path, result) }
        }
        worker.stackSize = 8 << 20
        worker.start()
        do {
            while true {
                let block = try stream.next()
                if block.isEmpty { break }
                if !queue.push(block) { break }  // the worker stopped (a corrupt blob): skip the rest
            }
            queue.finish()
        } catch {
            queue.cancel()
            group.wait()
            throw error
        }
    }

    /// Decodes the blob that lies at `extent` on a worker of its own, which reads it with `pread`
    /// (DESIGN.md "Performance shape": a seekable archive's layers are opened each at its own offset);
    /// returns once a worker has it, without reading any of it. `archive` names the input in messages.
    func decode(path: String, extent: FileExtent, archive: String, knownDigest: Digest? = nil, knownDiffID: Digest? = nil) {
        slots.wait()
        group.enter()
        let worker = Thread {
            let previous = uselocale(LayerDecodePool.cLocale)
            defer { uselocale(previous); self.slots.signal(); self.group.leave() }
            let reader = ExtentReader(extent: extent, archive: archive, member: path) { self.isCancelled }
            let result: Result<LayerBlob, LayerError>?
            do {
                result = .success(try LayerReader.read(ByteStream { try reader.next() }, knownDigest: knownDigest,
                                                       knownDiffID: knownDiffID, gzipIndexEvery: self.indexesGzip ? GzipIndex.spacingBytes : nil))
            } catch let e as LayerError {
                result = .failure(e)
            } catch {
                result = nil
                self.lock.lock(); if self.readFailure == nil { self.readFailure = error }; self.lock.unlock()
            }
            if let result { self.store(path, result) }
        }
        worker.stackSize = 8 << 20
        worker.start()
    }

    private func store(_ path: String, _ result: Result<LayerBlob, LayerError>) {
        lock.lock(); results[path] = result; lock.unlock()
        onFinished?(path, result)
    }

    private var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Stops the extent readers (the outer archive failed) and waits for every worker.
    func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
        group.wait()
    }

    /// Waits for every worker and returns the decoded blobs by member path.
    /// - Throws: the first error reading a member by extent (`ArchiveError.truncated`, `.unreadable`).
    func finish() throws -> [String: Result<LayerBlob, LayerError>] {
        group.wait()
        lock.lock(); defer { lock.unlock() }
        if let readFailure { throw readFailure }
        return results
    }
}

/// Reads `extent` with `pread` into a page-aligned buffer, block by block.
private final class ExtentReader {
    private let extent: FileExtent
    private let archive: String
    private let member: String
    private let stop: () -> Bool
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1 << 12)
    private var fd: Int32 = -1
    private var position: Int64

    struct Stopped: Error {}

    init(extent: FileExtent, archive: String, member: String, stop: @escaping () -> Bool) {
        self.extent = extent
        self.archive = archive
        self.member = member
        self.stop = stop
        position = extent.offsetBytes
    }

    deinit {
        buffer.deallocate()
        if fd >= 0 { close(fd) }
    }

    func next() throws -> UnsafeRawBufferPointer {
        if stop() { throw Stopped() }
        if fd < 0 {
            fd = open(extent.path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw ArchiveError.unreadable(archive: archive, reason: "\(member): \(String(cString: strerror(errno)))") }
        }
        let end = extent.offsetBytes + extent.lengthBytes
        let wanted = Int(min(Int64(buffer.count), end - position))
        if wanted <= 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        while true {
            let n = pread(fd, buffer.baseAddress, wanted, off_t(position))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw ArchiveError.unreadable(archive: archive, reason: "\(member): \(String(cString: strerror(errno)))") }
            if n == 0 { throw ArchiveError.truncated(archive: archive, member: member, reason: "unexpected end of file") }
            position += Int64(n)
            return UnsafeRawBufferPointer(start: buffer.baseAddress, count: n)
        }
    }
}

/// The blocks a bounded producer–consumer queue holds, oldest first, with their total bytes; the
/// queues (`BlockQueue` here, the HTTP body pipe in FathomSources) add the locking and waiting.
public struct BlockFIFO {
    private var blocks: [[UInt8]] = []
    private var head = 0
    /// Bytes of the blocks queued.
    public private(set) var queuedBytes = 0

    public init() {}

    public var isEmpty: Bool { head == blocks.count }

    public mutating func append(_ block: [UInt8]) {
        blocks.append(block)
        queuedBytes += block.count
    }

    /// The oldest block, removed; nil when empty.
    public mutating func popFirst() -> [UInt8]? {
        guard head < blocks.count else { return nil }
        let block = blocks[head]
        blocks[head] = []
        head += 1
        if head > 64 { blocks.removeFirst(head); head = 0 }
        queuedBytes -= block.count
        return block
    }

    public mutating func removeAll() { blocks.removeAll(); head = 0; queuedBytes = 0 }
}

/// A bounded queue of byte blocks between the archive reader and one layer worker.
final class BlockQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue = BlockFIFO()
    private let capacityBytes: Int
    private var finished = false
    private var cancelled = false
    private var abandoned = false
    /// The block the consumer is reading; kept alive until its next `pop`.
    private var current: [UInt8] = []

    struct Cancelled: Error {}

    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    /// Copies `bytes` in; waits while the queue is full. Returns false when the consumer has gone.
    func push(_ bytes: UnsafeRawBufferPointer) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while queue.queuedBytes >= capacityBytes && !abandoned { condition.wait() }
        if abandoned { return false }
        queue.append(Array(bytes))
        condition.broadcast()
        return true
    }

    /// No more blocks: the consumer sees the end of the stream.
    func finish() { condition.lock(); finished = true; condition.broadcast(); condition.unlock() }

    /// The producer failed: the consumer's next `pop` throws.
    func cancel() { condition.lock(); cancelled = true; condition.broadcast(); condition.unlock() }

    /// The consumer is done (or failed); the producer stops pushing.
    func abandon() {
        condition.lock(); abandoned = true; queue.removeAll()
        condition.broadcast(); condition.unlock()
    }

    /// The next block (valid until the following call), empty at the end.
    /// - Throws: `Cancelled` when the producer failed.
    func pop() throws -> UnsafeRawBufferPointer {
        condition.lock()
        while queue.isEmpty && !finished && !cancelled { condition.wait() }
        if cancelled { condition.unlock(); throw Cancelled() }
        guard let block = queue.popFirst() else {
            condition.unlock()
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        current = block
        condition.broadcast()
        condition.unlock()
        return current.withUnsafeBytes { $0 }
    }
}
