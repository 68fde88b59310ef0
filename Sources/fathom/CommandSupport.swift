import FathomCore
import Foundation

/// What `fathom IMAGE` and `fathom diff` share: one-line failures, the CI configuration file, the
/// choice of a terminal UI, and writing a JSON report.
enum CommandSupport {
    /// Prints `fathom: MESSAGE` on one line of standard error and exits 2.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fathom: \(message.replacingOccurrences(of: "\n", with: " "))\n".utf8))
        Foundation.exit(2)
    }

    /// Reads the `--ci-config` file into `config`; returns the line the gate prints about it.
    /// An absent `.dive-ci` (the default) leaves the defaults; any other absent or unreadable file fails.
    /// - Throws: `CIConfigError` for its contents.
    static func applyCIConfigFile(_ path: String, to config: inout CIConfig) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            if path != ".dive-ci" { fail("\(path): no such file (the --ci-config file)") }
            return "  Using default CI config"
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            fail("\(path): cannot read the CI configuration")
        }
        try config.apply(yaml: text, file: path)
        return "  Using CI config: \(path)"
    }

    /// A terminal UI only on a terminal that can show one, and when no report or gate owns standard output.
    static func wantsTerminalUI(ciMode: Bool, jsonPath: String?) -> Bool {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        return !ciMode && jsonPath == nil && isatty(1) == 1 && !term.isEmpty && term != "dumb"
    }

    /// Writes `report` and a newline to standard output (`-`) or to `path`; fails with errno's reason.
    /// open(2) truncates (dive does not: a shorter report left a stale tail).
    static func writeJSON(_ report: [UInt8], to path: String) {
        let bytes = report + [0x0A]
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { fail("\(path): cannot write the JSON report: \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let closed = close(fd)
        if written != bytes.count || closed != 0 {
            fail("\(path): cannot write the JSON report: \(String(cString: strerror(errno)))")
        }
    }
}
