/// Why the outer image archive (file, directory or standard input) could not be read.
///
/// `description` is `FILE: what is wrong`, the line the CLI prints after `fathom: `.
public enum ArchiveError: Error, CustomStringConvertible, Sendable {
    case notFound(archive: String)
    case unreadable(archive: String, reason: String)
    case emptyFile(archive: String)
    case notAnArchive(archive: String, reason: String)
    case truncated(archive: String, member: String?, reason: String)

    public var description: String {
        switch self.named {
        case let .notFound(a): "\(a): no such file or directory"
        case let .unreadable(a, r): "\(a): cannot read: \(r)"
        case let .emptyFile(a): "\(a): empty file, not an image archive"
        case let .notAnArchive(a, r): "\(a): not a tar archive (\(r))"
        case let .truncated(a, m, r):
            if let m { "\(a): truncated or corrupt archive while reading '\(m)' (\(r))" } else { "\(a): truncated or corrupt archive (\(r))" }
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
        }
    }
}
