import Foundation

/// Wall-clock seconds of named phases, printed to standard error when the environment variable
/// `FATHOM_TIMINGS` is set (a profiling aid for `make bench`; silent otherwise).
public enum PhaseTimer {
    private static let enabled = ProcessInfo.processInfo.environment["FATHOM_TIMINGS"] != nil
    /// When the process started measuring (the first `measure` call).
    private static let start = Date()

    /// Runs `body` and, when enabled, prints `fathom: phase NAME: S s (at T s)` (S to 0.1 ms).
    @inline(__always)
    public static func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let origin = start
        let t0 = Date()
        let result = try body()
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "fathom: phase %@: %.4f s (at %.3f s)\n", name,
                                                   now.timeIntervalSince(t0), now.timeIntervalSince(origin)).utf8))
        return result
    }

    /// Prints `fathom: NOTE` when enabled (a fact measured on the way, e.g. a layer's gzip index).
    public static func note(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("fathom: \(text())\n".utf8))
    }
}
