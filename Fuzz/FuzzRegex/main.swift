import FuzzDriver
import Glibc
import FathomCore

/// The explorer's path filter: any pattern compiles or is refused, and matching is linear.
func fuzzRegex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    guard let regex = try? LinearRegex(String(parts[0])) else { return 0 }
    let subject = parts.count > 1 ? String(parts[1]) : "/usr/lib/x86_64-linux-gnu/libc.so.6"
    _ = regex.matches(subject)
    _ = regex.matches(String(repeating: subject, count: 4))
    _ = TerminalText.escape(subject)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
Glibc.exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRegex(data ?? UnsafePointer(bitPattern: 1)!, size) })
