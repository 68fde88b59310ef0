import Foundation

/// Runs the built `fathom` binary (`$FATHOM_BINARY`, else `.build/debug/fathom`) and captures what it prints.
enum CLI {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures: URL = {
        if let env = ProcessInfo.processInfo.environment["FATHOM_FIXTURES"] { return URL(fileURLWithPath: env) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }()

    static var binary: String {
        ProcessInfo.processInfo.environment["FATHOM_BINARY"]
            ?? repositoryRoot.appendingPathComponent(".build/debug/fathom").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Non-empty lines of standard error.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }

    /// Runs fathom with `arguments`; `stdin` is a file to feed on standard input (else /dev/null).
    static func run(_ arguments: [String], stdin: URL? = nil, cwd: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(executable: binary, arguments, stdin: stdin, cwd: cwd, extraEnvironment: environment)
    }

    /// Runs any program (used to make variants with tar, gzip, zstd).
    @discardableResult
    static func run(executable: String, _ arguments: [String], stdin: URL? = nil, cwd: URL? = nil,
                    extraEnvironment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = cwd }
        // CI systems set CI=true, which turns fathom's CI mode on; tests choose it explicitly.
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = nil
        environment["NO_COLOR"] = nil
        for (k, v) in extraEnvironment { environment[k] = v }
        process.environment = environment
        // Capture into files: no pipe can fill up and block the child.
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A new empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Extracts a fixture archive into a new temporary directory (the fixture itself is never touched).
    static func extract(_ fixture: URL) throws -> URL {
        let dir = try temporaryDirectory()
        let r = try run(executable: "/bin/tar", ["-xf", fixture.path, "-C", dir.path])
        precondition(r.status == 0, "tar -xf \(fixture.path): \(r.stderr)")
        return dir
    }
}
