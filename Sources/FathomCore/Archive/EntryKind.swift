/// What a layer tar member is, after whiteout names are recognised.
///
/// Whiteouts follow the OCI image-spec (layer.md, "Whiteouts"): `.wh.NAME`
/// removes NAME from the lower layers; `.wh..wh..opq` hides every lower child
/// of its directory.
public enum EntryKind: UInt8, Sendable, CaseIterable {
    case file, directory, symlink, hardlink, charDevice, blockDevice, fifo, socket
    /// `DIR/.wh.NAME`: the entry's path is the removed path `DIR/NAME`.
    case whiteout
    /// `DIR/.wh..wh..opq`: the entry's path is `DIR`.
    case opaqueWhiteout

    /// The tar typeflag byte dive reports for this kind (`'0'` = 48 … `'6'` = 54).
    public var tarTypeFlag: UInt8 {
        switch self {
        case .file, .whiteout, .opaqueWhiteout, .socket: 48
        case .hardlink: 49
        case .symlink: 50
        case .charDevice: 51
        case .blockDevice: 52
        case .directory: 53
        case .fifo: 54
        }
    }

    /// A short lower-case name (`file`, `dir`, `symlink`, …) for reports.
    public var name: String {
        switch self {
        case .file: "file"
        case .directory: "dir"
        case .symlink: "symlink"
        case .hardlink: "hardlink"
        case .charDevice: "char"
        case .blockDevice: "block"
        case .fifo: "fifo"
        case .socket: "socket"
        case .whiteout: "whiteout"
        case .opaqueWhiteout: "opaque"
        }
    }

    /// The kind in words, for messages (`character device`).
    public var noun: String {
        switch self {
        case .file: "regular file"
        case .directory: "directory"
        case .symlink: "symbolic link"
        case .hardlink: "hardlink"
        case .charDevice: "character device"
        case .blockDevice: "block device"
        case .fifo: "FIFO"
        case .socket: "socket"
        case .whiteout: "whiteout"
        case .opaqueWhiteout: "opaque whiteout"
        }
    }
}
