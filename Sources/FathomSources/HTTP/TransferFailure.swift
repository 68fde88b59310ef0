import CCurl
import FathomCore
import Foundation

/// Why a transfer did not complete, as one short phrase for a message (`connection refused`).
enum TransferFailure: Error, CustomStringConvertible, Sendable, Equatable {
    case refused
    case unknownHost
    case connectTimedOut
    case tls(String)
    case closedEarly
    /// Fewer body bytes than the descriptor or `Content-Length` said.
    case shortBody(expected: Int64)
    case tooLarge(Int64)
    case headersTooLarge(Int)
    case tooSlow(bytes: Int64, seconds: Double, minimumBytes: Int64)
    case deadline(Double)
    case proxy(String)
    /// The server answered, but not with HTTP fathom can read (HTTP/0.9, a bad status line or length,
    /// headers larger than libcurl takes).
    case badAnswer(String)
    case other(String)

    /// True when no connection to the server was made (refused, unknown host, TLS, the proxy): the
    /// message then says "cannot reach"; otherwise the server answered and was not understood.
    var isConnectionFailure: Bool {
        switch self {
        case .refused, .unknownHost, .connectTimedOut, .tls, .proxy: true
        case let .tooSlow(bytes, _, _): bytes == 0
        default: false
        }
    }

    /// Classifies a libcurl result (`CURLcode`), its error text and the socket's errno.
    init(code: CURLcode, message: String, osErrno: Int, proxy: String?) {
        let text = oneLine(message)
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: self = .unknownHost
        case CURLE_COULDNT_RESOLVE_PROXY: self = .proxy("unknown proxy host (\(text))")
        case CURLE_COULDNT_CONNECT:
            if let proxy { self = .proxy("cannot connect through the proxy \(ProxySettings.redacted(proxy)) (\(text))") }
            else if osErrno == Int(ECONNREFUSED) || text.contains("refused") { self = .refused }
            else { self = .other(text) }
        case CURLE_OPERATION_TIMEDOUT: self = .connectTimedOut
        case CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL:
            self = .badAnswer("an answer that is not HTTP/1.x or HTTP/2 (\(text))")
        case CURLE_OUT_OF_MEMORY, CURLE_FILESIZE_EXCEEDED, CURLE_BAD_CONTENT_ENCODING:
            self = .badAnswer("an answer libcurl refuses (\(text.isEmpty ? "libcurl error \(code.rawValue)" : text))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            self = .tls(text.contains("wrong version number") ? "the server does not speak TLS" : text)
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            if let proxy, text.localizedCaseInsensitiveContains("proxy") || text.contains("CONNECT") {
                self = .proxy("the proxy \(proxy) failed: \(text)")
            } else {
                self = .closedEarly
            }
        default: self = .other(text.isEmpty ? "libcurl error \(code.rawValue)" : text)
        }
    }

    var description: String {
        switch self {
        case .refused: "connection refused"
        case .unknownHost: "unknown host (no DNS answer)"
        case .connectTimedOut: "connection timed out"
        case let .tls(why): "TLS handshake failed (\(why)); for a plain-HTTP registry add --insecure"
        case .closedEarly: "the connection closed early"
        case let .shortBody(expected): "fewer bytes than the \(expected) expected"
        case let .tooLarge(limit): "more than \(limit) bytes"
        case let .headersTooLarge(limit): "response headers larger than \(limit) bytes"
        case let .tooSlow(bytes, seconds, minimum):
            bytes == 0 ? "no answer for \(Int(seconds)) s (--timeout)"
                : "stalled: \(bytes) bytes in \(Int(seconds)) s, fewer than the \(minimum) required (--timeout)"
        case let .deadline(seconds): "not complete after \(Int(seconds)) s"
        case let .proxy(why): why
        case let .badAnswer(why): why
        case let .other(why): why
        }
    }
}

/// `s` on one line, at most `limit` characters, with control characters shown as `\u{…}` escapes:
/// text a server or an image controls never moves the cursor or recolours the terminal.
func oneLine(_ s: String, limit: Int = 200) -> String {
    let flat = TerminalText.escape(s)
    return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
}
