/// One member of the outer image archive (or one file of an image directory).
struct ArchiveMember {
    enum Kind { case file, directory, symlink, hardlink, other }
    /// Normalised path inside the archive (`./manifest.json` → `manifest.json`).
    var path: String
    var kind: Kind
    /// Symlink target verbatim, or hardlink target normalised; nil otherwise.
    var linkTarget: String?
    /// Size in bytes as the header states it.
    var sizeBytes: Int64
    /// Where the member's bytes lie in a file of their own, when they do (a member of an uncompressed
    /// tar file on disk, or a file of an image directory): a reader can then open them itself with
    /// `pread`, on another thread, instead of taking them through the outer archive's stream.
    var extent: FileExtent? = nil
}

/// A run of bytes in a file on disk: `lengthBytes` bytes from `offsetBytes`.
struct FileExtent: Sendable {
    var path: String
    var offsetBytes: Int64
    var lengthBytes: Int64
}
