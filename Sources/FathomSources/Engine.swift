import AsyncHTTPClient
import FathomCore
import Foundation
import NIOCore
import NIOHTTP1

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

    init(name: String, display: String, socketPath: String, engine: String, pull: Bool, progress: FetchProgress?) {
        self.name = name
        self.display = display
        self.socketPath = socketPath
        self.engine = engine
        self.pull = pull
        self.progress = progress
    }

    func fail(_ message: String) -> SourceError { SourceError(display, message) }

    var where_: String { "the \(engine) at unix://\(socketPath)" }

    func url(_ path: String) throws -> String {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else { throw fail("bad socket path \(socketPath)") }
        return url.absoluteString
    }

    func execute(_ request: HTTPClientRequest, deadline: TimeAmount) async throws -> HTTPClientResponse {
        var request = request
        // A Unix-socket URL has no host; the engine's HTTP server still wants the header.
        request.headers.replaceOrAdd(name: "Host", value: "localhost")
        do {
            return try await httpClient.execute(request, deadline: .now() + deadline)
        } catch {
            throw fail("cannot reach \(where_): \(describeTransportError(error))")
        }
    }

    /// `POST /images/create?fromImage=NAME`: the engine pulls the image; its progress stream is read to the end.
    func pullImage() async throws {
        let query = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? name
        var request = HTTPClientRequest(url: try url("/images/create?fromImage=" + query))
        request.method = .POST
        let response = try await execute(request, deadline: .hours(1))
        let body = try await collect(response, limit: 64 << 20)
        guard response.status == .ok else {
            throw fail("\(engine) could not pull it: \(statusText(response.status))\(errorDetail(body, contentType: nil).map { " (" + $0 + ")" } ?? "")")
        }
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
            if let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let error = json["error"] as? String {
                throw fail("\(engine) could not pull it: \(oneLine(error))")
            }
        }
    }

    func load(options: LoadOptions) throws -> Image {
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw fail("no \(engine) at unix://\(socketPath) (no such socket)")
        }
        if pull { try runBlocking { try await self.pullImage() } }
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
        let target = try url("/images/\(escaped)/get")
        let response = try runBlocking { try await self.execute(HTTPClientRequest(url: target), deadline: .hours(24)) }
        guard response.status == .ok else {
            let body = (try? runBlocking { try await collect(response, limit: 1 << 16) }) ?? []
            if response.status == .notFound {
                throw fail("no such image in \(where_)\(pull ? "" : " (pull it first, or add --pull)")")
            }
            throw fail("\(where_) answered \(statusText(response.status))\(errorDetail(body, contentType: nil).map { " (" + $0 + ")" } ?? "")")
        }
        let meter = FetchMeter(layers: nil, progress: progress)
        let pipe = BlockPipe(onBytes: { meter.add(bytes: $0) })
        let display = display
        stream(response, into: pipe, expectedBytes: nil) { error, got in
            SourceError(display, "the archive stream was cut short after \(got) bytes (\(error.map(describeTransportError) ?? "end of data"))")
        }
        return try ImageLoader.load(archiveFrom: pipe, name: display, options: options)
    }
}

/// `podman save` when no Podman socket is up: the archive streams from its standard output.
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

    init(_ executable: String, _ arguments: [String]) throws {
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
        if n < 0 { throw SourceError("podman save", String(cString: strerror(errno))) }
        if n == 0 { readToEnd = true }
        return buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0.prefix(n)) }
    }

    func close() { try? handle.close() }

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
