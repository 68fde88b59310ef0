/// One version of a path in the union filesystem: what a layer's entry (or an
/// implicit parent directory) put there. The replay stores only the changeset row and the
/// inode of each version and rebuilds this on read (`Replay.currentState(_:)`); the content
/// digest stays in the changeset (`Replay.content(_:)`).
public struct NodeState: Sendable, Equatable {
    // Stored widest first: 32 bytes a state instead of 40.
    /// Bytes of content: a file's size, a hardlink's target's size, else 0.
    public var sizeBytes: Int64
    public var uid: UInt32
    public var gid: UInt32
    /// The inode (index into `Replay.inodes`) of a file or a resolved hardlink; -1 otherwise.
    public var inode: Int32
    /// The row of that layer's changeset; -1 for a directory created implicitly as a parent.
    public var row: Int32
    /// Permission bits, `mode & 0o7777`.
    public var mode: UInt16
    /// The layer whose entry wrote this version.
    public var layer: Int16
    public var kind: EntryKind

    public init(kind: EntryKind, mode: UInt16, uid: UInt32, gid: UInt32, sizeBytes: Int64, inode: Int32, layer: Int16, row: Int32) {
        self.sizeBytes = sizeBytes; self.uid = uid; self.gid = gid; self.inode = inode
        self.row = row; self.mode = mode; self.layer = layer; self.kind = kind
    }

    /// True for a directory no entry created (the parent of an entry, mode 0755, owner 0:0).
    public var isImplicit: Bool { row < 0 }

    static func implicitDirectory(layer: Int) -> NodeState {
        NodeState(kind: .directory, mode: 0o755, uid: 0, gid: 0, sizeBytes: 0, inode: -1, layer: Int16(layer), row: -1)
    }
}

/// A regular file's bytes as shipped by one layer entry; hardlinks share it (`Replay.inodes`, which stores
/// it in 16 bytes and reads its size from the changeset).
public struct Inode: Sendable {
    public var sizeBytes: Int64
    /// Paths of the current filesystem that show it.
    public var visibleCount: Int32
    /// The path whose entry shipped it.
    public var node: PathTable.NodeID
    /// The row of the shipping layer's changeset (where its content digest is).
    public var row: Int32
    /// The layer that shipped it.
    public var layer: Int16
    /// The layer at which it stopped being visible (deleted or overwritten); -1 while visible.
    public var hiddenBy: Int16

    public init(sizeBytes: Int64, layer: Int16, visibleCount: Int32, hiddenBy: Int16, node: PathTable.NodeID, row: Int32) {
        self.sizeBytes = sizeBytes; self.visibleCount = visibleCount; self.node = node
        self.row = row; self.layer = layer; self.hiddenBy = hiddenBy
    }
}

extension NodeState {
    /// The mode as `ls -l` shows it (`drwxr-sr-x`, `-rwsr-xr-x`, `drwxrwxrwt`): the type letter
    /// (`d l c b p s`, `-` for a file; `h` for a hardlink when `markHardlinks`), then rwx with the
    /// set-user-ID, set-group-ID and sticky bits as `s`/`S` and `t`/`T`.
    public func modeString(markHardlinks: Bool = false) -> String {
        let type: Character = switch kind {
        case .directory: "d"
        case .symlink: "l"
        case .hardlink: markHardlinks ? "h" : "-"
        case .charDevice: "c"
        case .blockDevice: "b"
        case .fifo: "p"
        case .socket: "s"
        default: "-"
        }
        var out = String(type)
        let m = Int(mode)
        for (shift, special, letter) in [(6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")] {
            let bits = (m >> shift) & 7
            out += bits & 4 != 0 ? "r" : "-"
            out += bits & 2 != 0 ? "w" : "-"
            let x = bits & 1 != 0
            out += m & special != 0 ? (x ? letter : letter.uppercased()) : (x ? "x" : "-")
        }
        return out
    }
}
