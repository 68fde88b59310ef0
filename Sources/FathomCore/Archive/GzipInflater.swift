import CZlib

/// gzip decompression with zlib, every member's CRC-32 and length checked.
///
/// libarchive's gzip filter does not verify the trailer (its source says
/// "XXX TODO: Verify the length and CRC"), so a corrupt stored block would pass
/// unnoticed; zlib's own gzip mode (`windowBits` 16+15) checks both. Several
/// concatenated members (eStargz, `pigz`) are read one after another, as `gzip -d` does.
final class GzipInflater {
    private var z = z_stream()
    private let output: UnsafeMutableRawBufferPointer
    private let source: ByteStream
    private var input = UnsafeRawBufferPointer(start: nil, count: 0)
    private var inMember = false
    private var finished = false

    /// - Parameter source: The compressed blob.
    init(source: ByteStream) {
        self.source = source
        output = .allocate(byteCount: 1 << 18, alignment: 16)
        _ = inflateInit2_(&z, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    }

    deinit {
        inflateEnd(&z)
        output.deallocate()
    }

    /// A stream of the decompressed bytes.
    func decompressed() -> ByteStream {
        ByteStream { [unowned self] in try self.nextBlock() }
    }

    private func refill() throws -> Bool {
        if !input.isEmpty && z.avail_in > 0 { return true }
        input = try source.next()
        z.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        z.avail_in = uInt(input.count)
        return !input.isEmpty
    }

    private func nextBlock() throws -> UnsafeRawBufferPointer {
        while !finished {
            guard try refill() else {
                if inMember { throw LayerError.corrupt(.gzip, "unexpected end of data") }
                finished = true
                break
            }
            if !inMember {
                // Between members: only another member, or zero padding, may follow.
                if z.next_in.pointee == 0 {
                    try skipZeroPadding()
                    continue
                }
                inMember = true
            }
            z.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            z.avail_out = uInt(output.count)
            let rc = inflate(&z, Z_NO_FLUSH)
            let produced = output.count - Int(z.avail_out)
            switch rc {
            case Z_STREAM_END:
                inMember = false
                inflateReset(&z)
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let message = z.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw LayerError.corrupt(.gzip, message)
            }
            if produced > 0 { return UnsafeRawBufferPointer(start: output.baseAddress, count: produced) }
        }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    private func skipZeroPadding() throws {
        while true {
            while z.avail_in > 0 {
                if z.next_in.pointee != 0 { throw LayerError.corrupt(.gzip, "trailing garbage after the last member") }
                z.next_in += 1
                z.avail_in -= 1
            }
            guard try refill() else { finished = true; return }
        }
    }
}
