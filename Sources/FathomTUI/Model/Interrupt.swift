/// How a long piece of work on the terminal's thread (a search through a large file) shows that it
/// runs and lets the user stop it: between its parts it calls `shouldStop` with what it does and how
/// far it is (0…1, nil when unknown). The terminal loop draws that on the status line and answers
/// true once Esc, `q` or Ctrl+C was pressed; elsewhere (tests, other screens) nothing stops it.
public struct Interrupt: Sendable {
    public let shouldStop: @Sendable (_ doing: String, _ fraction: Double?) -> Bool

    public init(_ shouldStop: @escaping @Sendable (_ doing: String, _ fraction: Double?) -> Bool) {
        self.shouldStop = shouldStop
    }

    /// Never stops, shows nothing.
    public static let never = Interrupt { _, _ in false }

    /// Thrown by work that `shouldStop` stopped.
    struct Stopped: Error {}

    /// Throws `Stopped` when the user asked to stop.
    func check(_ doing: String, _ fraction: Double?) throws {
        if shouldStop(doing, fraction) { throw Stopped() }
    }

    /// Shows that work which cannot stop halfway (a sort, a filter) is running: `doing` ends in `…`,
    /// which tells the terminal loop not to offer Esc.
    func busy(_ doing: String, _ fraction: Double?) {
        _ = shouldStop(doing + "…", fraction)
    }
}
