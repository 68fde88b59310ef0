import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The one HTTP client of the process (AsyncHTTPClient on NIO's shared event loops). It lives as
/// long as the process; it follows redirects (registries send blob downloads to storage) and
/// never decompresses bodies (a blob's digest is over its bytes as stored).
let httpClient: HTTPClient = {
    var configuration = HTTPClient.Configuration(
        redirectConfiguration: .follow(max: 5, allowCycles: false),
        timeout: .init(connect: .seconds(10), read: .seconds(60)),
        decompression: .disabled)
    configuration.httpVersion = .automatic
    // one attempt: a refused connection or an unknown host is an answer, not a reason to retry for 10 s
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()

/// One line for a transport error (connection refused, TLS, timeout…).
func describeTransportError(_ error: Error) -> String {
    let text = String(describing: error)
    if let client = error as? HTTPClientError {
        switch client {
        case .connectTimeout: return "connection timed out"
        case .readTimeout: return "no answer (read timed out)"
        case .remoteConnectionClosed: return "the connection closed early"
        case .deadlineExceeded: return "no answer in time"
        default: break
        }
    }
    if text.localizedCaseInsensitiveContains("connection refused") || text.contains("connectTimeout") && text.contains("refused") {
        return "connection refused"
    }
    if text.contains("ECONNREFUSED") || text.contains("errno: 111") { return "connection refused" }
    if text.contains("UnknownHost") || text.contains("Name or service not known") || text.contains("No address associated") {
        return "unknown host (no DNS answer)"
    }
    if text.contains("NIOSSL") || text.contains("SSL") || text.contains("handshake") {
        let reason = text.contains("WRONG_VERSION_NUMBER") ? " (the server does not speak TLS)" : ""
        return "TLS handshake failed\(reason); for a plain-HTTP registry add --insecure"
    }
    if text.contains("stream ended at an unexpected time") || text.contains("invalidEOFState") { return "the connection closed early" }
    return oneLine(text)
}

func oneLine(_ s: String, limit: Int = 200) -> String {
    let flat = s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
}

/// Reads a whole (small) body, failing beyond `limit` bytes.
func collect(_ response: HTTPClientResponse, limit: Int) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    for try await buffer in response.body {
        bytes.append(contentsOf: buffer.readableBytesView)
        if bytes.count > limit { throw TooLarge(limit: limit) }
    }
    return bytes
}

struct TooLarge: Error, CustomStringConvertible {
    var limit: Int
    var description: String { "the answer is larger than \(limit) bytes" }
}

/// Streams a response body into a pipe on a task of its own; `expectedBytes`, when known, must be met exactly.
/// `failure` turns a transport error, or a short body (nil error), after `count` bytes into the error the reader sees.
func stream(_ response: HTTPClientResponse, into pipe: BlockPipe, expectedBytes: Int64?,
            failure: @escaping @Sendable (Error?, Int64) -> Error) {
    pipe.task = Task {
        var count: Int64 = 0
        do {
            for try await buffer in response.body {
                count += Int64(buffer.readableBytes)
                try await pipe.push(buffer)
            }
            if let expectedBytes, count != expectedBytes {
                pipe.fail(failure(nil, count))
            } else {
                pipe.finish()
            }
        } catch is CancellationError {
            pipe.finish()
        } catch {
            pipe.fail(failure(error, count))
        }
    }
}

/// A short text for an error answer: the registry's `errors[0].code: message`, or the first line of the body.
func errorDetail(_ body: [UInt8], contentType: String?) -> String? {
    if let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
        if let errors = json["errors"] as? [[String: Any]], let first = errors.first {
            let code = first["code"] as? String ?? ""
            let message = first["message"] as? String ?? ""
            return [code, message].filter { !$0.isEmpty }.joined(separator: ": ")
        }
        if let message = json["message"] as? String { return message }
    }
    if contentType?.contains("html") == true { return "an HTML page" }
    let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingSpaces()
    return text.isEmpty ? nil : oneLine(text, limit: 120)
}

func statusText(_ status: HTTPResponseStatus) -> String { "\(status.code) \(status.reasonPhrase)" }
