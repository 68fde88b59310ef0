/// dive 0.13.1's per-layer facts as its export and UI show them (dive-reference.md §1, §4).
enum DiveExport {
    /// dive's history mapping: a cursor skips `empty_layer` entries; each layer takes the next
    /// entry, or `(missing)` when none is left. Commands lose a leading `/bin/sh -c `; the k-th
    /// non-empty entry's digest is `rootfs.diff_ids[k]` ("" when missing).
    static func layerHistory(_ image: Image) -> [(command: String, digestID: String)] {
        let history = image.config.history ?? []
        let diffIDs = image.config.rootfs?.diff_ids ?? []
        var cursor = 0, nonEmpty = 0
        var out: [(String, String)] = []
        for _ in image.layers {
            while cursor < history.count && history[cursor].isEmptyLayer { cursor += 1 }
            if cursor < history.count {
                var command = history[cursor].created_by ?? ""
                if command.hasPrefix("/bin/sh -c ") { command.removeFirst("/bin/sh -c ".count) }
                out.append((command, nonEmpty < diffIDs.count ? diffIDs[nonEmpty] : ""))
                cursor += 1
                nonEmpty += 1
            } else {
                out.append(("(missing)", ""))
            }
        }
        return out
    }

    /// dive's layer `Id`: the manifest's layer path up to its first `/` (`blobs` for OCI blobs).
    static func layerID(_ layer: Layer) -> String {
        String(layer.reference.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Go `os.FileMode` bits of a tar header (`tar.Header.FileInfo().Mode()`).
    static func goFileMode(kind: EntryKind, mode: UInt16) -> UInt32 {
        var m = UInt32(mode & 0o777)
        switch kind {
        case .directory: m |= 1 << 31
        case .symlink: m |= 1 << 27
        case .blockDevice: m |= 1 << 26
        case .charDevice: m |= (1 << 26) | (1 << 21)
        case .fifo: m |= 1 << 25
        case .socket: m |= 1 << 24
        default: break
        }
        if mode & 0o4000 != 0 { m |= 1 << 23 }
        if mode & 0o2000 != 0 { m |= 1 << 22 }
        if mode & 0o1000 != 0 { m |= 1 << 20 }
        return m
    }
}
