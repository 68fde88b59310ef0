import FuzzDriver
import Glibc
import FathomCore
import FathomTUI

/// The YAML a user or a repository supplies: `.dive-ci` (rules and diff rules) and the key bindings.
func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var ci = CIConfig()
    if (try? ci.apply(yaml: text, file: "fuzz")) != nil {
        _ = ci.thresholds.count
    }
    var keys = KeyBindings()
    try? keys.apply(yaml: text, file: "fuzz")
    for line in text.split(separator: "\n").prefix(8) {
        _ = try? ByteAmount.parse(String(line))
        _ = try? CIThreshold.parse(String(line), for: .highestWastedBytes, source: "fuzz")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
Glibc.exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzConfig(data ?? UnsafePointer(bitPattern: 1)!, size) })
