import CIsal

/// Points from which a gzip layer can be decoded without decoding what comes before them, taken
/// while the analysis decodes the layer once: the technique of zlib's `examples/zran.c`, with
/// ISA-L's decoder state (bit buffer, Huffman tables, 32 KiB history) saved instead of zlib's window.
///
/// Opening a file in the viewer then decodes at most `spacingBytes` of tar before its first byte.
/// Memory: one checkpoint (about 20 KiB of state plus up to 64 KiB of history in use) per
/// `spacingBytes` (16 MiB) of tar, so at most about 0.5 % of the layer's uncompressed size.
public final class GzipIndex: Sendable {
    /// A saved decoder: resuming it on the blob's bytes from `compressedOffset` yields the tar's
    /// bytes from `uncompressedOffset`.
    struct Checkpoint: Sendable {
        /// Bytes of the blob (as stored) consumed at this point.
        let compressedOffset: Int64
        /// Bytes of tar produced at this point.
        let uncompressedOffset: Int64
        /// True when the point lies inside a gzip member (false: between members, as eStargz has many).
        let inMember: Bool
        /// The leading bytes of ISA-L's `inflate_state` (`fathom_isal_state_bytes`).
        let state: [UInt8]
    }

    /// Tar bytes between two checkpoints.
    static let spacingBytes: Int64 = 16 << 20

    let checkpoints: [Checkpoint]

    init(_ checkpoints: [Checkpoint]) {
        self.checkpoints = checkpoints
    }

    /// Bytes the checkpoints hold in memory.
    public var memoryBytes: Int { checkpoints.reduce(0) { $0 + $1.state.count + MemoryLayout<Checkpoint>.stride } }

    /// The number of checkpoints.
    public var count: Int { checkpoints.count }

    /// The last checkpoint at or before `tarOffset` (bytes into the tar), nil when the start is nearer.
    func checkpoint(atOrBefore tarOffset: Int64) -> Checkpoint? {
        var low = 0, high = checkpoints.count   // first index whose offset is > tarOffset
        while low < high {
            let mid = (low + high) / 2
            if checkpoints[mid].uncompressedOffset <= tarOffset { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : checkpoints[low - 1]
    }
}
