/// fathom's exact per-layer accounting, from the replay's inodes and diffs.
public struct LayerFigures: Sendable {
    /// Bytes of regular files this layer added (paths absent below).
    public var addedBytes: Int64 = 0
    /// Bytes of regular files this layer wrote over a path with other content.
    public var modifiedBytes: Int64 = 0
    /// Bytes of regular files this layer removed from the filesystem below (whiteouts, replacements).
    public var removedBytes: Int64 = 0
    /// Files rewritten with identical content and new mode or owner, and their bytes shipped again.
    public var metadataOnlyCount = 0
    public var metadataOnlyBytes: Int64 = 0
    /// Bytes this layer ships that the final filesystem does not show.
    public var reclaimableBytes: Int64 = 0
    /// Of `reclaimableBytes`: which later (or the same) layer hid them, and how many bytes each.
    public var hiddenBy: [(layer: Int, bytes: Int64)] = []
    /// Bytes shipped by this or lower layers that this layer hid (deleted or overwrote).
    public var hidesBytes: Int64 = 0

    /// Computes the figures of every layer.
    static func compute(_ replay: Replay) -> [LayerFigures] {
        var figures = Array(repeating: LayerFigures(), count: replay.diffs.count)
        for (layer, diff) in replay.diffs.enumerated() {
            var f = LayerFigures()
            f.addedBytes = diff.addedBytes
            f.modifiedBytes = diff.modifiedBytes
            f.metadataOnlyCount = diff.metadataOnlyFiles
            f.metadataOnlyBytes = diff.metadataOnlyBytes
            for s in diff.removedStates where s.kind == .file { f.removedBytes += s.sizeBytes }
            figures[layer].addedBytes = f.addedBytes
            figures[layer].modifiedBytes = f.modifiedBytes
            figures[layer].metadataOnlyCount = f.metadataOnlyCount
            figures[layer].metadataOnlyBytes = f.metadataOnlyBytes
            figures[layer].removedBytes = f.removedBytes
        }
        var hidden: [[Int: Int64]] = Array(repeating: [:], count: replay.diffs.count)
        for inode in replay.inodes where inode.visibleCount == 0 && inode.hiddenBy >= 0 {
            let shipper = Int(inode.layer), hider = Int(inode.hiddenBy)
            figures[shipper].reclaimableBytes += inode.sizeBytes
            hidden[shipper][hider, default: 0] += inode.sizeBytes
            figures[hider].hidesBytes += inode.sizeBytes
        }
        for i in figures.indices {
            figures[i].hiddenBy = hidden[i].sorted { $0.key < $1.key }.map { (layer: $0.key, bytes: $0.value) }
        }
        return figures
    }
}
