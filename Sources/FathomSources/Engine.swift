import FathomCore
import Foundation

/// An image in a local engine, read with the Docker Engine API over its Unix socket:
/// `GET /images/{name}/get` streams a `docker save` archive straight into the one-pass reader
/// (no `docker` command, no temporary file). Podman serves the same API on its own socket.
final class EngineSource: @unchecked Sendable {
    /// The image name as the engine knows it (`wasteful:latest`).
    let name: String
    let display: String
    let socketPath: String
    /// `Docker engine`, `Podman`.
    let engine: String
    let pull: Bool
    let progress: FetchProgress?
    /// `--timeout`: the window of the transfer rate rule, in seconds.
    let window: Double

    init(name: String, display: String, socketPath: String, engine: String, pull: Bool, progress: FetchProgress?,
         timeoutSeconds: Double) {
        self.name = name
        self.display = display
        self.socketPath = socketPath
        self.engine = engine
        self.pull = pull
        self.progress = progress
        self.window = timeoutSeconds
    }

    func fail(_ message: String) -> SourceError { SourceError(display, message) }

    var where_: String { "the \(engine) at unix://\(socketPath)" }

    /// Sends a request to the engine's socket (the URL's host is only the `Host` header the engine expects).
    func send(_ method: String, _ path: String, limits: TransferLimits, maximumBytes: Int64?,
              onBytes: (@Sendable (Int) -> Void)? = nil) throws -> (HTTPTransfer, HTTPResponse) {
        var request = HTTPRequest(url: "http://localhost" + path, limits: limits, maximumBytes: maximumBytes)
        request.method = method
        request.unixSocketPath = socketPath
        request.followRedirects = false
        do {
            return try HTTPClient.send(request, proxies: ProxySettings(environment: [:]), onBytes: onBytes)
        } catch {
            throw fail(RegistrySource.reaching(where_, error))
        }
    }

    /// `POST /images/create?fromImage=NAME`: the engine pulls the image; its progress stream is read to the end.
    func pullImage() throws {
        let query = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? name
        let (transfer, response) = try send("POST", "/images/create?fromImage=" + query, limits: .progress(window: window),
                                            maximumBytes: 64 << 20)
        let body: [UInt8]
        do { body = try transfer.readAll() } catch { throw fail("\(engine) could not pull it: \(error)") }
        guard response.status == 200 else {
            throw fail("\(engine) could not pull it: \(response.statusText)\(errorDetail(body, contentType: nil).map { " (" + $0 + ")" } ?? "")")
        }
        for line in body.split(separator: UInt8(ascii: "\n")) {
            if JSONObjectCount.isWithinLimit(line), let json = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
               let error = json["error"] as? String {
                throw fail("\(engine) could not pull it: \(oneLine(error))")
            }
        }
    }

    func load(options: LoadOptions) throws -> Image {
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw fail("no \(engine) at unix://\(socketPath) (no such socket)")
        }
        if pull { try pullImage() }
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? name
        let meter = FetchMeter(layers: nil, progress: progress)
        let (transfer, response) = try send("GET", "/images/\(escaped)/get", limits: .stream(window: window), maximumBytes: nil,
                                            onBytes: { meter.add(bytes: $0) })
        guard response.status == 200 else {
            let body = transfer.readPrefix(64 << 10)
            if response.status == 404 {
                throw fail("no such image in \(where_)\(pull ? "" : " (pull it first, or add --pull)")")
            }
            throw fail("\(where_) answered \(response.statusText)\(errorDetail(body, contentType: nil).map { " (" + $0 + ")" } ?? "")")
        }
        let display = display
        transfer.describeFailure = { failure, received in
            SourceError(display, "the archive stream was cut short after \(received) bytes (\(failure))")
        }
        defer { meter.finish() }
        // the files in the layers are read later from a new `docker save` stream of the same image
        let reopen: @Sendable () throws -> BlockSource = { [self] in
            let (again, answer) = try send("GET", "/images/\(escaped)/get", limits: .stream(window: window), maximumBytes: nil)
            guard answer.status == 200 else {
                again.close()
                throw fail("\(where_) answered \(answer.statusText) when asked for the image again")
            }
            again.describeFailure = transfer.describeFailure
            return again
        }
        return try ImageLoader.load(archiveFrom: transfer, name: display, options: options, reopen: reopen)
    }
}

/// A command whose standard output is an image archive (`podman save` when no Podman socket is up,
/// `ctr images export -`): the archive streams from it as it comes.
final class CommandSource: BlockSource {
    let process = Process()
    private let handle: FileHandle
    /// Standard error, read to its end on its own thread as the command runs: a command that filled
    /// that pipe unread would block, and its output with it.
    private let errors = CommandErrors()
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    /// The command's output was read to its end. When the reader stopped before (the archive is
    /// bad), the command then fails only because its pipe was closed: that is no cause to report.
    private(set) var readToEnd = false
    /// What the command does, for messages (`podman save`).
    let label: String

    init(_ executable: String, _ arguments: [String], label: String = "podman save") throws {
        self.label = label
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        handle = out.fileHandleForReading
        try process.run()
        errors.drain(err.fileHandleForReading)
    }

    func next() throws -> UnsafeRawBufferPointer {
        let fd = handle.fileDescriptor
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw SourceError(label, String(cString: strerror(errno))) }
        if n == 0 { readToEnd = true }
        return buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0.prefix(n)) }
    }

    /// Closes the output, after reading what the command still writes: `podman save` and `ctr` are Go
    /// programs, and one whose standard output is closed before it is done dies of SIGPIPE without
    /// removing its temporary files (`podman save`'s stayed in $TMPDIR after each `fathom cat`, which
    /// stops reading at the file's layer). A command that writes nothing for 5 s is left as it is.
    func close() {
        if !readToEnd {
            let fd = handle.fileDescriptor
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while poll(&p, 1, 5000) > 0 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
            }
        }
        try? handle.close()
    }

    /// Waits for the command; its standard error's last line when it failed.
    func failure() -> String? {
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return nil }
        let text = String(decoding: errors.wait(), as: UTF8.self)
        return text.split(separator: "\n").last.map { oneLine(String($0)) } ?? "exit status \(process.terminationStatus)"
    }
}

/// A command's standard error, collected on a thread of its own until the command closes it.
private final class CommandErrors: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    func drain(_ handle: FileHandle) {
        Thread.detachNewThread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    /// Everything the command wrote there (after it closed the pipe: it exited).
    func wait() -> Data {
        done.wait()
        done.signal()
        return data
    }
}
