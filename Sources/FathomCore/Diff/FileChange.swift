/// How a path of the final filesystem differs between OLD and NEW.
public enum FileChangeKind: String, Sendable, CaseIterable {
    /// Only NEW has the path.
    case added
    /// Only OLD has the path.
    case removed
    /// Same type, other content: content digest (regular files), link target (symlinks) or device numbers.
    case modified
    /// Same type and content; mode, uid or gid differ.
    case metadataOnly
    /// Another type (a file became a directory, a symlink became a file …). A hardlink and a
    /// regular file are the same type here: both are a regular file's content.
    case typeChanged
    /// Only NEW has the path, and its content (1 KiB or more) is that of a path only OLD has
    /// (`movedFrom`): the file moved (a package from `dist-packages` into a virtual environment).
    case moved
}

/// One changed path of the final filesystem.
public struct FileChange: Sendable {
    /// The path without a leading `/` (invalid UTF-8 replaced by U+FFFD).
    public var path: String
    /// The raw path bytes, for sorting as the truth files do.
    public var pathBytes: [UInt8]
    public var change: FileChangeKind
    /// The entry's type in OLD; nil when absent.
    public var kindBefore: EntryKind?
    /// The entry's type in NEW; nil when absent.
    public var kindAfter: EntryKind?
    /// Content bytes in OLD (regular files and hardlinks; 0 for other types and when absent).
    public var bytesBefore: Int64
    /// Content bytes in NEW.
    public var bytesAfter: Int64
    /// For a move, OLD's path of the content (raw bytes, without a leading `/`).
    public var movedFromBytes: [UInt8]? = nil
    /// `movedFromBytes` as text (invalid UTF-8 replaced).
    public var movedFrom: String? { movedFromBytes.map { String(decoding: $0, as: UTF8.self) } }
    /// `bytesAfter − bytesBefore`.
    public var deltaBytes: Int64 { bytesAfter - bytesBefore }
}

/// Bytes at and below a directory in OLD and NEW (each path's content counted, as directory sizes are).
public struct DirectoryDelta: Sendable {
    /// The path without a leading `/`.
    public var path: String
    public var pathBytes: [UInt8]
    public var bytesBefore: Int64
    public var bytesAfter: Int64
    /// `bytesAfter − bytesBefore`.
    public var deltaBytes: Int64 { bytesAfter - bytesBefore }
}
