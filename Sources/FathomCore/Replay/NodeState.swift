/// One version of a path in the union filesystem: what a layer's entry (or an
/// implicit parent directory) put there. The content digest stays in the changeset
/// (`Replay.content(_:)`): a copy per version would double the state of a million-file image.
public struct NodeState: Sendable, Equatable {
    public var kind: EntryKind
    /// Permission bits, `mode & 0o7777`.
    public var mode: UInt16
    public var uid: UInt32
    public var gid: UInt32
    /// Bytes of content: a file's size, a hardlink's target's size, else 0.
    public var sizeBytes: Int64
    /// The inode (index into `Replay.inodes`) of a file or a resolved hardlink; -1 otherwise.
    public var inode: Int32
    /// The layer whose entry wrote this version.
    public var layer: Int16
    /// The row of that layer's changeset; -1 for a directory created implicitly as a parent.
    public var row: Int32

    /// True for a directory no entry created (the parent of an entry, mode 0755, owner 0:0).
    public var isImplicit: Bool { row < 0 }

    static func implicitDirectory(layer: Int) -> NodeState {
        NodeState(kind: .directory, mode: 0o755, uid: 0, gid: 0, sizeBytes: 0, inode: -1, layer: Int16(layer), row: -1)
    }
}

/// A regular file's bytes as shipped by one layer entry; hardlinks share it.
public struct Inode: Sendable {
    public var sizeBytes: Int64
    /// The layer that shipped it.
    public var layer: Int16
    /// Paths of the current filesystem that show it.
    public var visibleCount: Int32
    /// The layer at which it stopped being visible (deleted or overwritten); -1 while visible.
    public var hiddenBy: Int16
    /// The path whose entry shipped it.
    public var node: PathTable.NodeID
    /// The row of the shipping layer's changeset (where its content digest is).
    public var row: Int32
}
