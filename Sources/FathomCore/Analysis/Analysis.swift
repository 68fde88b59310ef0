import Foundation

/// Everything fathom knows about an image: the layers as read, the union replay,
/// dive's metrics and fathom's own accounting. Built once; every face reads it.
public struct Analysis: Sendable {
    public let image: Image
    public let replay: Replay
    public let dive: DiveModel
    /// Per layer, parallel to `image.layers`.
    public let layerFigures: [LayerFigures]
    public let duplicates: [DuplicateGroup]
    /// Advice: which step wastes what and the fix (Advice/Advisor.swift).
    public private(set) var advice: [Finding] = []
    /// The packages, once `readPackages()` read their databases (a second pass over the layers that
    /// hold them); nil before.
    public private(set) var packages: PackageHistory?
    /// The advice was computed (not skipped by `advice: false`).
    private var hasAdvice = false

    /// Reads the package databases (`PackageHistory.read`) into `packages`.
    /// The package-based advice (`apt-recommends`) joins `advice`, in its order, when advice was computed.
    public mutating func readPackages() {
        let read = PhaseTimer.measure("packages") { PackageHistory.read(self) }
        packages = read
        guard hasAdvice else { return }
        let named = advice.map { Advisor.namingPackages($0, read, paths: replay.paths) }
        advice = Advisor.sorted(named + read.recommends.map { Advisor.recommends($0, image: image) })
    }

    /// Replays the image and computes every metric. dive's model is independent of the replay:
    /// it is built on a second thread meanwhile.
    /// - Parameter advice: false skips the advice (empty `advice`), for callers that never show it (`fathom diff`).
    public init(image: Image, advice: Bool = true) {
        self.image = image
        let changesets = image.layers.map(\.blob.changeset)
        let diveModel = Concurrent {
            let model = PhaseTimer.measure("dive model (thread)") { DiveModel(changesets: changesets) }
            // The model's working set (~130 MB on a million files) was allocated in this thread's malloc
            // arena, which keeps freed memory for this thread alone: give it back while the replay grows.
            Malloc.trim()
            return model
        }
        let replay = PhaseTimer.measure("replay") { Replay(changesets: changesets) }
        let layerFigures = PhaseTimer.measure("layer figures") { LayerFigures.compute(replay) }
        // dive's model is usually complete by now: the duplicates take its core while the advice starts
        let duplicates = Concurrent { PhaseTimer.measure("duplicates (thread)") { DuplicateGroup.find(in: replay) } }
        self.replay = replay
        self.layerFigures = layerFigures
        // the advice does not read dive's model: it runs while that is still being built
        hasAdvice = advice
        if advice {
            let input = AdviceInput(image: image, replay: replay, layerFigures: layerFigures, duplicates: { duplicates.value })
            self.advice = PhaseTimer.measure("advice") { Advisor.findings(input) }
        }
        self.duplicates = PhaseTimer.measure("duplicates (wait)") { duplicates.value }
        dive = PhaseTimer.measure("dive model (wait)") { diveModel.value }
    }

    /// Regular-file bytes in all layers, each inode once.
    public var shippedBytes: Int64 { replay.shippedBytes }
    /// Regular-file bytes visible in the final filesystem.
    public var finalBytes: Int64 { replay.finalBytes }
    /// Bytes shipped that the final filesystem does not show (`shipped − final`).
    public var reclaimableBytes: Int64 { replay.reclaimableBytes }
    /// Warnings of loading and replay together.
    public var warnings: [String] { image.warnings + replay.warnings }
}

/// A value computed on a thread of its own; `value` waits for it. Not a dispatch queue: callers
/// that are themselves on the global queue (`ImageDiff.load`, two analyses at once) would block
/// its few threads waiting for work queued behind them, until libdispatch adds a thread a second later.
final class Concurrent<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> T) {
        let thread = Thread {
            self.result = work()
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The result, once computed (the semaphore orders the write before this read).
    var value: T {
        done.wait()
        done.signal()
        return result!
    }
}
