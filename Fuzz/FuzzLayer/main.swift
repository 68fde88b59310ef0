import FuzzDriver
import Glibc
@testable import FathomCore

/// One layer blob (compressed or not) read into a changeset, then replayed twice over itself, so that
/// its whiteouts, opaque markers and hardlinks meet a lower layer with the same paths.
func fuzzLayer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var done = false
    let stream = ByteStream {
        if done { return UnsafeRawBufferPointer(start: nil, count: 0) }
        done = true
        return bytes.withUnsafeBytes { $0 }
    }
    guard let blob = try? LayerReader.read(stream) else { return 0 }
    let replay = Replay(changesets: [blob.changeset, blob.changeset])
    _ = replay.reclaimableBytes
    bytes.removeAll()
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
Glibc.exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzLayer(data ?? UnsafePointer(bitPattern: 1)!, size) })
