/// Why an image could not be taken from where it lives (an engine, a registry) or from the
/// source the user named. `description` is `REFERENCE: what went wrong`, one line.
public struct SourceError: Error, CustomStringConvertible, Sendable {
    /// The image as the user named it (`registry://127.0.0.1:5000/wasteful:latest`, `docker://app:1`).
    public var reference: String
    public var message: String

    public init(_ reference: String, _ message: String) {
        self.reference = reference
        self.message = message
    }

    public var description: String { "\(reference): \(message)" }
}
