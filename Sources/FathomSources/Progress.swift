import FathomCore
import Foundation

/// Receives one status line at a time while an image is fetched (`layer 2/5 done, 12.3 MB`).
public typealias FetchProgress = @Sendable (String) -> Void

/// Counts the bytes and layers fetched and reports them, at most ten times a second.
final class FetchMeter: @unchecked Sendable {
    private let lock = NSLock()
    private let layers: Int?
    private var done = 0
    private var bytes: Int64 = 0
    private var lastReport = DispatchTime(uptimeNanoseconds: 0)
    private var finished = false
    private let progress: FetchProgress?

    /// - Parameter layers: How many layers will come (nil for an engine's archive stream).
    init(layers: Int?, progress: FetchProgress?) {
        self.layers = layers
        self.progress = progress
    }

    func add(bytes n: Int) {
        lock.lock()
        if finished { lock.unlock(); return }
        bytes += Int64(n)
        let now = DispatchTime.now()
        let due = now.uptimeNanoseconds - lastReport.uptimeNanoseconds > 100_000_000
        if due { lastReport = now }
        let line = due ? text() : nil
        lock.unlock()
        if let line { progress?(line) }
    }

    func layerDone() {
        lock.lock()
        if finished { lock.unlock(); return }
        done += 1
        let line = text()
        lock.unlock()
        progress?(line)
    }

    /// The image is loaded: blobs read again later (for the files in them) report nothing.
    func finish() { lock.lock(); finished = true; lock.unlock() }

    private func text() -> String {
        let amount = ByteCountFormatter.string(fromByteCount: bytes, countStyle: .decimal)
        if let layers { return "fetched \(done)/\(layers) layers, \(amount)" }
        return "fetched \(amount)"
    }
}

/// A block source that tells the meter when its reader is done with it.
final class MeteredSource: BlockSource {
    private let inner: BlockSource
    private let onClose: () -> Void
    private var closed = false

    init(_ inner: BlockSource, onClose: @escaping () -> Void) {
        self.inner = inner
        self.onClose = onClose
    }

    func next() throws -> UnsafeRawBufferPointer { try inner.next() }

    func close() {
        guard !closed else { return }
        closed = true
        inner.close()
        onClose()
    }
}
