import FuzzDriver
import Glibc
import FathomCore

/// The whole pipeline on one input: the outer archive reader and layout detection, every layer blob,
/// the replay, dive's model, the advice and the JSON report, as `fathom - --json` would run them.
func fuzzArchive(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = FuzzSource(Array(UnsafeBufferPointer(start: data, count: size)))
    guard let image = try? ImageLoader.load(archiveFrom: source, name: "fuzz") else { return 0 }
    let analysis = Analysis(image: image)
    JSONReport.write(analysis, to: { _ in })
    _ = TextReport.render(analysis)
    return 0
}

/// The input as a stream of blocks of varying sizes (a pipe delivers them so).
final class FuzzSource: BlockSource {
    let bytes: [UInt8]
    var offset = 0
    var block: [UInt8] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func next() throws -> UnsafeRawBufferPointer {
        guard offset < bytes.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let n = min(bytes.count - offset, 1 + (offset * 7919) % 65536)
        block = Array(bytes[offset..<(offset + n)])
        offset += n
        return block.withUnsafeBytes { $0 }
    }

    func close() {}
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
Glibc.exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzArchive(data ?? UnsafePointer(bitPattern: 1)!, size) })
