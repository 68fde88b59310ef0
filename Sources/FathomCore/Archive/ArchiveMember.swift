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
}
