/// Why the outer image archive (file, directory or standard input) could not be read.
///
/// `description` is `FILE: what is wrong`, the line the CLI prints after `fathom: `.
public enum ArchiveError: Error, CustomStringConvertible, Sendable {
    case notFound(archive: String)
    case unreadable(archive: String, reason: String)
    case emptyFile(archive: String)
    case notAnArchive(archive: String, reason: String)
    case truncated(archive: String, member: String?, reason: String)
    /// A tar archive with no member at all (only end-of-archive blocks, `/dev/zero`).
    case noMembers(archive: String)
    /// A directory that is not an image layout (no `index.json`, `manifest.json` or `oci-layout` at its top).
    case notAnImageLayout(archive: String)
    /// A limit of `Limits` was passed; `what` says which.
    case limitExceeded(archive: String, what: String)
    /// Two members of the archive have the same path: which copy counts is ambiguous (`docker load`
    /// keeps the last one written; another reader may take the first), so the archive is refused.
    case duplicateMember(archive: String, member: String)
    /// `-` was given but standard input is a terminal: nothing is piped.
    case terminalInput

    public var description: String {
        switch self.named {
        case let .notFound(a): "\(a): no such file or directory"
        case let .unreadable(a, r): "\(a): cannot read: \(r)"
        case let .emptyFile(a): "\(a): empty file, not an image archive"
        case let .notAnArchive(a, r): "\(a): not a tar archive (\(r))"
        case let .truncated(a, m, r):
            if let m { "\(a): truncated or corrupt archive while reading '\(m)' (\(r))" } else { "\(a): truncated or corrupt archive (\(r))" }
        case let .noMembers(a): "\(a): a tar archive with no members (only end-of-archive blocks), not an image archive"
        case let .notAnImageLayout(a): "\(a): a directory, but not an image layout (no index.json, manifest.json or oci-layout at its top)"
        case let .limitExceeded(a, w): "\(a): \(w) (fathom's limit)"
        case .terminalInput: "standard input: nothing is piped to it (it is a terminal); pipe an image archive, e.g. docker save app:1 | fathom -"
        case let .duplicateMember(a, m): "\(a): two members are named '\(m)'; which copy counts is ambiguous, so the archive is refused"
        }
    }
}

extension ArchiveError {
    /// The same error with `-` spelt out as standard input, for messages.
    fileprivate var named: ArchiveError {
        func n(_ a: String) -> String { a == "-" ? "standard input" : a }
        switch self {
        case let .notFound(a): return .notFound(archive: n(a))
        case let .unreadable(a, r): return .unreadable(archive: n(a), reason: r)
        case let .emptyFile(a): return .emptyFile(archive: n(a))
        case let .notAnArchive(a, r): return .notAnArchive(archive: n(a), reason: r)
        case let .truncated(a, m, r): return .truncated(archive: n(a), member: m, reason: r)
        case let .noMembers(a): return .noMembers(archive: n(a))
        case let .notAnImageLayout(a): return .notAnImageLayout(archive: n(a))
        case let .limitExceeded(a, w): return .limitExceeded(archive: n(a), what: w)
        case let .duplicateMember(a, m): return .duplicateMember(archive: n(a), member: m)
        case .terminalInput: return .terminalInput
        }
    }
}
