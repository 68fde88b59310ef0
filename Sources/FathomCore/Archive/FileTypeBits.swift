/// libarchive's `AE_IF*` file-type bits (the POSIX `S_IF*` values), which the
/// C macros define with a cast that Swift cannot import.
enum FileTypeBits {
    static let regular: UInt32 = 0o100000
    static let directory: UInt32 = 0o040000
    static let symlink: UInt32 = 0o120000
    static let charDevice: UInt32 = 0o020000
    static let blockDevice: UInt32 = 0o060000
    static let fifo: UInt32 = 0o010000
    static let socket: UInt32 = 0o140000
}
