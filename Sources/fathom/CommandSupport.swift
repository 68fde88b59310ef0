import FathomCore
import FathomTUI
import FathomSources
import Foundation

/// What `fathom IMAGE` and `fathom diff` share: one-line failures, the CI configuration file, the
/// choice of a terminal UI, and writing a JSON report.
enum CommandSupport {
    /// Prints `fathom: MESSAGE` on one line of standard error and exits 2. Control characters in the
    /// message (from a member name, a registry's or an engine's answer) are shown escaped.
    static func fail(_ message: String) -> Never {
        printError("fathom: \(TerminalText.escape(message))\n")
        Foundation.exit(2)
    }

    /// Writes a report to standard output; a write that fails (a full disk, a closed descriptor) ends
    /// the run with one line on standard error and exit 2, never a crash.
    static func printOut(_ text: String, fd: Int32 = 1) {
        do {
            try Array(text.utf8).withUnsafeBytes { try writeAll(fd, $0) }
        } catch let e as WriteFailure {
            if fd == 1 { fail("standard output: \(e.reason)") }
            Foundation.exit(2)
        } catch { Foundation.exit(2) }
    }

    /// Writes to standard error; a failure there has nowhere to be told, and is ignored.
    static func printError(_ text: String) {
        _ = try? Array(text.utf8).withUnsafeBytes { try writeAll(2, $0) }
    }

    /// fathom's config directory: `$XDG_CONFIG_HOME/fathom`, else `~/.config/fathom`.
    static func configDirectory() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/fathom" }
        if let home = env["HOME"], !home.isEmpty { return home + "/.config/fathom" }
        return nil
    }

    /// The explorer's config file (key bindings, theme, tab order), when there is one.
    static func configFile() -> String? {
        configDirectory().map { $0 + "/config.yaml" }.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
    }

    /// The explorer's theme: `--theme`, else `theme:` of the config file, else `default`; exits 2 with one
    /// line for an unknown theme or a bad theme file.
    static func theme(flag: String?) -> Theme {
        var name = flag
        if name == nil, let file = configFile(), let text = try? String(contentsOfFile: file, encoding: .utf8),
           let root = try? YAMLDocument.parse(text), let value = root["theme"] {
            guard let s = value.string else { fail("\(file): theme: a theme's name") }
            name = s
        }
        guard let name else { return .standard }
        do { return try Theme.named(name, configDirectory: configDirectory()) } catch { fail("\(error)") }
    }

    /// `-` with standard input on a terminal: refused before any screen opens (exit 2), since the
    /// reader would wait for the keys.
    static func refuseTerminalInput(_ argument: String) {
        if argument == "-" && isatty(STDIN_FILENO) == 1 { fail(ArchiveError.terminalInput.description) }
    }

    /// The one line for an error that stopped reading `input`: the error's own description when it
    /// names the input already (archive, image and source errors do), else `INPUT: error`.
    static func describe(_ error: Error, input: String) -> String {
        switch error {
        case let e as ArchiveError: e.description
        case let e as ImageError: e.description
        case let e as SourceError: e.description
        default: "\(input == "-" ? "standard input" : input): \(error)"
        }
    }

    /// A path in an image as the user gave it, as bytes: the raw bytes of the command-line argument
    /// (names need not be UTF-8, which Swift's arguments are), else the text with `\\xNN` escapes as
    /// fathom shows such names turned back into bytes.
    static func pathBytes(_ argument: String) -> [UInt8] {
        for i in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[i] else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
            if String(validating: bytes, as: UTF8.self) == nil && String(decoding: bytes, as: UTF8.self) == argument { return bytes }
        }
        return TerminalText.unescape(argument)
    }

    /// Looks a path argument up in the image: with the escapes fathom prints turned into bytes
    /// (`nl\nline`, `bad\xe9`, as `ls` shows such names), else, when that finds nothing, as typed
    /// (a name that holds a backslash).
    /// - Throws: `ImageFiles.LookupError`.
    static func lookup(_ files: ImageFiles, _ argument: String, atLayer layer: Int,
                       followLast: Bool = true) throws -> (node: PathTable.NodeID, state: NodeState?) {
        let bytes = pathBytes(argument)
        do {
            return try files.lookup(bytes: bytes, atLayer: layer, followLast: followLast)
        } catch ImageFiles.LookupError.notFound where bytes != Array(argument.utf8) {
            return try files.lookup(bytes: Array(argument.utf8), atLayer: layer, followLast: followLast)
        }
    }

    /// A write to a descriptor that failed (a full disk, a closed pipe).
    struct WriteFailure: Error { let reason: String }

    /// Writes all of `block` to `fd`.
    /// - Throws: `WriteFailure` with errno's reason.
    static func writeAll(_ fd: Int32, _ block: UnsafeRawBufferPointer) throws {
        var rest = block
        while !rest.isEmpty {
            let n = Glibc.write(fd, rest.baseAddress, rest.count)
            if n < 0 { if errno == EINTR { continue }; throw WriteFailure(reason: String(cString: strerror(errno))) }
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }

    /// `--timeout SECONDS`: a positive number of seconds, at most a day.
    static func timeoutSeconds(_ text: String) -> Double {
        guard let value = Double(text), value.isFinite, value > 0, value <= 86_400 else {
            fail("--timeout: '\(text)' is not a number of seconds above 0 and at most 86400")
        }
        return value
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

    /// Streams a report that `write` produces chunk by chunk to `path` (`-`: standard output), then a
    /// newline. open(2) truncates (dive does not: a shorter report left a stale tail). A failed write
    /// ends the run with exit 2, naming errno's reason, and removes the partial file (a regular file only).
    static func streamJSON(to path: String, _ write: (@escaping (UnsafeRawBufferPointer) -> Void) -> Void) {
        let fd = path == "-" ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { fail("\(path): cannot write the JSON report: \(String(cString: strerror(errno)))") }
        var st = stat()
        let regularFile = path != "-" && fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG   // never unlink a device
        final class Outcome: @unchecked Sendable { var failure: Int32 = 0 }
        let outcome = Outcome()
        let sink: (UnsafeRawBufferPointer) -> Void = { chunk in
            var rest = chunk
            while outcome.failure == 0 && !rest.isEmpty {
                let n = Glibc.write(fd, rest.baseAddress, rest.count)
                if n < 0 { if errno != EINTR { outcome.failure = errno }; continue }
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
        }
        write(sink)
        [UInt8(0x0A)].withUnsafeBytes { sink($0) }
        let closed = path == "-" ? 0 : close(fd)
        if outcome.failure != 0 || closed != 0 {
            let reason = String(cString: strerror(outcome.failure != 0 ? outcome.failure : errno))
            if regularFile { unlink(path) }
            fail("\(path): cannot write the JSON report: \(reason)")
        }
    }

    /// Writes a report built whole (`fathom diff`'s) the same way.
    static func writeJSON(_ report: [UInt8], to path: String) {
        streamJSON(to: path) { sink in report.withUnsafeBytes { sink($0) } }
    }
}
