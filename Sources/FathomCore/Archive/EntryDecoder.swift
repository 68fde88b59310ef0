import Foundation
import CArchive

/// Turns one libarchive entry into a `Changeset` row.
enum EntryDecoder {
    private static let whiteoutPrefix: [UInt8] = Array(".wh.".utf8)
    private static let opaqueName: [UInt8] = Array(".wh..wh..opq".utf8)
    private static let metaPrefix: [UInt8] = Array(".wh..wh.".utf8)

    /// Appends the row for `entry`, if it has one.
    /// - Returns: The kind of the row appended, nil for the root entry and ignored names.
    @discardableResult
    static func append(_ entry: OpaquePointer, to changeset: inout Changeset, scratch: inout [UInt8]) throws -> EntryKind? {
        guard let cName = archive_entry_pathname(entry) else { return nil }
        let nameLength = strlen(cName)
        guard nameLength <= Limits.pathBytes else { throw LayerError.pathTooLong(nameLength) }
        let name = UnsafeRawBufferPointer(start: cName, count: nameLength)
        do {
            try PathNormalizer.normalize(name, into: &scratch)
        } catch {
            throw LayerError.pathEscapesRoot(String(decoding: name, as: UTF8.self))
        }
        let size = max(archive_entry_size(entry), 0)
        if scratch.isEmpty { return nil }  // the root entry "./": a member, but no path
        guard changeset.count < Limits.entriesPerLayer else { throw LayerError.tooManyEntries }
        guard changeset.pathBytes.count < Limits.pathBytesPerImage else { throw LayerError.pathsTooLong }
        // each size is below 2^63 and the sum stays below 2^48, so this addition cannot overflow
        guard size <= Limits.layerBytes - changeset.headerSizeBytes else { throw LayerError.tooLarge }
        changeset.headerSizeBytes += size

        let mode = UInt16(truncatingIfNeeded: archive_entry_perm(entry) & 0o7777)
        let uid = UInt32(truncatingIfNeeded: archive_entry_uid(entry))
        let gid = UInt32(truncatingIfNeeded: archive_entry_gid(entry))

        // Whiteouts: the last component starts with ".wh." (OCI image-spec layer.md).
        let lastStart = (scratch.lastIndex(of: 0x2F).map { $0 + 1 }) ?? 0
        let last = scratch[lastStart...]
        if last.starts(with: whiteoutPrefix) {
            if last.count == whiteoutPrefix.count {
                // `.wh.` alone names no file: nothing to remove
                changeset.ignoredNames.append(String(decoding: scratch, as: UTF8.self))
                return nil
            } else if last.elementsEqual(opaqueName) {
                let dirEnd = lastStart == 0 ? 0 : lastStart - 1
                scratch.withUnsafeBytes { raw in
                    changeset.append(path: UnsafeRawBufferPointer(rebasing: raw[0..<dirEnd]), kind: .opaqueWhiteout,
                                     size: 0, mode: mode, uid: uid, gid: gid, linkTarget: nil, device: nil)
                }
                return .opaqueWhiteout
            } else if last.starts(with: metaPrefix) {
                changeset.ignoredNames.append(String(decoding: scratch, as: UTF8.self))
                return nil
            } else {
                scratch.removeSubrange(lastStart..<(lastStart + whiteoutPrefix.count))
                scratch.withUnsafeBytes { raw in
                    changeset.append(path: raw, kind: .whiteout, size: 0, mode: mode, uid: uid, gid: gid,
                                     linkTarget: nil, device: nil)
                }
                return .whiteout
            }
        }

        var kind: EntryKind
        var linkTarget: [UInt8]? = nil
        var writtenTarget: [UInt8]? = nil
        var device: Changeset.Device? = nil
        if let hard = archive_entry_hardlink(entry) {
            kind = .hardlink
            var target: [UInt8] = []
            let length = strlen(hard)
            guard length <= Limits.pathBytes else { throw LayerError.pathTooLong(length) }
            let raw = UnsafeRawBufferPointer(start: hard, count: length)
            do { try PathNormalizer.normalize(raw, into: &target) } catch {
                throw LayerError.pathEscapesRoot(String(decoding: raw, as: UTF8.self))
            }
            linkTarget = target
            if !raw.elementsEqual(target) { writtenTarget = Array(raw) }
        } else {
            switch archive_entry_filetype(entry) {
            case FileTypeBits.directory: kind = .directory
            case FileTypeBits.symlink:
                kind = .symlink
                if let s = archive_entry_symlink(entry) {
                    let length = strlen(s)
                    guard length <= Limits.pathBytes else { throw LayerError.pathTooLong(length) }
                    linkTarget = Array(UnsafeRawBufferPointer(start: s, count: length))
                } else {
                    linkTarget = []
                }
            case FileTypeBits.charDevice: kind = .charDevice
            case FileTypeBits.blockDevice: kind = .blockDevice
            case FileTypeBits.fifo: kind = .fifo
            case FileTypeBits.socket: kind = .socket
            default: kind = .file
            }
            if kind == .charDevice || kind == .blockDevice {
                device = .init(major: UInt32(truncatingIfNeeded: archive_entry_rdevmajor(entry)),
                               minor: UInt32(truncatingIfNeeded: archive_entry_rdevminor(entry)))
            }
        }
        scratch.withUnsafeBytes { raw in
            changeset.append(path: raw, kind: kind, size: size, mode: mode, uid: uid, gid: gid,
                             linkTarget: linkTarget, device: device)
        }
        if let writtenTarget { changeset.setWrittenHardlinkTarget(writtenTarget) }
        return kind
    }
}
