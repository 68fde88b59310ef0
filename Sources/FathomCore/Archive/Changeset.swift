/// One layer's entries as read from its tar, whiteouts included, before replay.
///
/// A struct of arrays: row `i` of every array describes the `i`-th member in
/// tar order (the `./` root entry excluded). Paths are normalised bytes
/// (`PathNormalizer`), concatenated in `pathBytes`; a whiteout's path is the
/// path it removes, an opaque whiteout's path is its directory.
public struct Changeset: Sendable {
    /// All paths' bytes, back to back.
    public private(set) var pathBytes: ContiguousArray<UInt8> = []
    /// End offset in `pathBytes` of row `i`'s path (its start is the previous end, or 0).
    public private(set) var pathEnds: ContiguousArray<UInt32> = []
    public private(set) var kinds: ContiguousArray<EntryKind> = []
    /// Header size in bytes (0 for directories, links and whiteouts in practice).
    public private(set) var sizes: ContiguousArray<Int64> = []
    /// Permission bits, `mode & 0o7777`.
    public private(set) var modes: ContiguousArray<UInt16> = []
    public private(set) var uids: ContiguousArray<UInt32> = []
    public private(set) var gids: ContiguousArray<UInt32> = []
    /// Link targets of symlinks (verbatim) and hardlinks (normalised), by row.
    public private(set) var linkTargets: [Int: [UInt8]] = [:]
    /// Hardlink targets as the layer wrote them, where that differs from the normalised one
    /// (`./usr/bin/perl5.36.0`): dive's JSON export shows them so.
    public private(set) var writtenHardlinkTargets: [Int: [UInt8]] = [:]
    /// Where each regular file's data begins in the uncompressed layer tar, in bytes from its start,
    /// by row (-1 for other kinds, and for sparse files, whose data is not one run): the viewer,
    /// `fathom cat` and `fathom extract` read a file's bytes from there.
    public private(set) var dataOffsets: ContiguousArray<Int64> = []
    /// What the scan noticed in the content of files whose names may hold secrets, by row (`ContentHints`).
    public private(set) var contentHints: [Int: ContentHints] = [:]
    /// XXH3-128 of each regular file's content, by row (zero for other kinds).
    public private(set) var contentDigests: ContiguousArray<ContentDigest> = []
    /// Device numbers of character and block devices, by row.
    public private(set) var devices: [Int: Device] = [:]
    /// Tar members read, the root entry included (PAX and GNU long-name headers are not members).
    public internal(set) var memberCount = 0
    /// Sum of the header sizes of every member but the root: dive's layer `Size`.
    public internal(set) var headerSizeBytes: Int64 = 0
    /// Sum of the sizes of regular-file members (hardlinks and whiteouts ship no bytes).
    public private(set) var fileBytes: Int64 = 0
    /// Names under a `.wh..wh.` prefix other than the opaque marker, which are ignored.
    public internal(set) var ignoredNames: [String] = []

    /// Device numbers (major, minor).
    public struct Device: Sendable, Equatable { public var major: UInt32; public var minor: UInt32 }

    /// Number of rows.
    public var count: Int { kinds.count }

    /// The normalised path of row `i` as bytes.
    public func pathSlice(_ i: Int) -> ArraySlice<UInt8> {
        let start = i == 0 ? 0 : Int(pathEnds[i - 1])
        return ArraySlice(pathBytes[start..<Int(pathEnds[i])])
    }

    /// Calls `body` with the normalised path bytes of row `i` (valid only during the call).
    @inline(__always)
    public func withPath<T>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let start = i == 0 ? 0 : Int(pathEnds[i - 1])
        return try pathBytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<Int(pathEnds[i])])) }
    }

    /// Calls `body` with row `i`'s kind, permission bits, uid and gid.
    @inline(__always)
    func withRow<T>(_ i: Int, _ body: (EntryKind, UInt16, UInt32, UInt32) -> T) -> T {
        body(kinds[i], modes[i], uids[i], gids[i])
    }

    /// The normalised path of row `i` (invalid UTF-8 replaced by U+FFFD).
    public func path(_ i: Int) -> String { String(decoding: pathSlice(i), as: UTF8.self) }

    /// Records where the last row's data begins in the uncompressed tar.
    mutating func setLastDataOffset(_ offset: Int64) {
        dataOffsets[dataOffsets.count - 1] = offset
    }

    /// Records what the scan noticed in the last row's content.
    /// The bytes of files a package database reader wants (`PackageFiles`), kept as the layer streamed.
    public private(set) var packageFiles: [Int: [UInt8]] = [:]

    mutating func setLastPackageFile(_ bytes: [UInt8]) {
        packageFiles[count - 1] = bytes
    }

    mutating func setLastContentHints(_ hints: ContentHints) {
        contentHints[count - 1] = hints
    }

    /// Records the content digest of the last row appended.
    mutating func setLastContentDigest(_ digest: ContentDigest) {
        contentDigests[contentDigests.count - 1] = digest
    }

    /// Reallocates every row array at its exact size: appends leave up to twice the rows' bytes
    /// allocated (about 30 MB of slack on a million files), and a changeset lives as long as the analysis.
    mutating func shrinkToFit() {
        func fit<T>(_ a: inout ContiguousArray<T>) {
            guard a.capacity > a.count + a.count / 16 else { return }
            a = a.withUnsafeBufferPointer { old in
                ContiguousArray(unsafeUninitializedCapacity: old.count) { new, initialized in
                    _ = new.initialize(from: old)
                    initialized = old.count
                }
            }
        }
        fit(&pathBytes); fit(&pathEnds); fit(&kinds); fit(&sizes); fit(&modes); fit(&uids); fit(&gids); fit(&contentDigests)
        fit(&dataOffsets)
    }

    mutating func reserve(_ n: Int) {
        kinds.reserveCapacity(n); sizes.reserveCapacity(n); modes.reserveCapacity(n)
        uids.reserveCapacity(n); gids.reserveCapacity(n); pathEnds.reserveCapacity(n)
    }

    /// Keeps a hardlink's target as written, for the row just appended.
    mutating func setWrittenHardlinkTarget(_ target: [UInt8]) { writtenHardlinkTargets[kinds.count - 1] = target }

    mutating func append(path: UnsafeRawBufferPointer, kind: EntryKind, size: Int64, mode: UInt16,
                         uid: UInt32, gid: UInt32, linkTarget: [UInt8]?, device: Device?) {
        let row = kinds.count
        pathBytes.append(contentsOf: path)
        pathEnds.append(UInt32(pathBytes.count))
        kinds.append(kind)
        sizes.append(size)
        modes.append(mode)
        uids.append(uid)
        gids.append(gid)
        contentDigests.append(ContentDigest.zero)
        dataOffsets.append(-1)
        if let linkTarget { linkTargets[row] = linkTarget }
        if let device { devices[row] = device }
        if kind == .file { fileBytes += size }
    }
}
