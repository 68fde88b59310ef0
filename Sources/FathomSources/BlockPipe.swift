import FathomCore
import Foundation
import NIOCore

/// The bridge from an asynchronous HTTP body to fathom's blocking, pull-based readers.
///
/// The producer (a task reading the body) `push`es buffers and is suspended while more than
/// `capacityBytes` wait unread, which stops it reading the socket (backpressure); the consumer
/// (a decoding thread) blocks in `next()`. Nothing is written to disk, and at most about
/// `capacityBytes` of a blob is in memory.
final class BlockPipe: BlockSource, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue = BlockFIFO()
    private let capacityBytes: Int
    private var finished = false
    private var failure: Error?
    private var closed = false
    private var waiter: CheckedContinuation<Void, Error>?
    private var current: [UInt8] = []
    /// The producing task, cancelled when the consumer closes the pipe early.
    var task: Task<Void, Never>?
    /// Called with the byte count of each block as it arrives (progress).
    private let onBytes: (@Sendable (Int) -> Void)?

    init(capacityBytes: Int = 4 << 20, onBytes: (@Sendable (Int) -> Void)? = nil) {
        self.capacityBytes = capacityBytes
        self.onBytes = onBytes
    }

    /// Hands a buffer to the consumer; suspends while the pipe is full.
    /// - Throws: `CancellationError` when the consumer has closed the pipe.
    func push(_ buffer: ByteBuffer) async throws {
        let bytes = Array(buffer.readableBytesView)
        onBytes?(bytes.count)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            condition.lock()
            if closed { condition.unlock(); continuation.resume(throwing: CancellationError()); return }
            queue.append(bytes)
            condition.broadcast()
            if queue.queuedBytes < capacityBytes { condition.unlock(); continuation.resume(); return }
            waiter = continuation
            condition.unlock()
        }
    }

    /// The body ended normally.
    func finish() { condition.lock(); finished = true; condition.broadcast(); condition.unlock() }

    /// The body failed: the consumer sees `error` after the blocks already queued.
    func fail(_ error: Error) {
        condition.lock(); if failure == nil { failure = error }; condition.broadcast(); condition.unlock()
    }

    func next() throws -> UnsafeRawBufferPointer {
        condition.lock()
        while queue.isEmpty && !finished && failure == nil && !closed { condition.wait() }
        if let block = queue.popFirst() {
            current = block
            var resume: CheckedContinuation<Void, Error>? = nil
            if queue.queuedBytes < capacityBytes { resume = waiter; waiter = nil }
            condition.unlock()
            resume?.resume()
            return current.withUnsafeBytes { $0 }
        }
        let error = failure
        condition.unlock()
        if let error { throw error }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    func close() {
        condition.lock()
        closed = true
        queue.removeAll()
        let resume = waiter
        waiter = nil
        condition.broadcast()
        condition.unlock()
        resume?.resume(throwing: CancellationError())
        task?.cancel()
    }
}

/// Runs `body` on the concurrency runtime and blocks the calling (non-async) thread until it is done.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }
