import Foundation

/// What one HTTP request asks for, and the bounds its answer must keep.
struct HTTPRequest: Sendable {
    var url: String
    var method = "GET"
    /// A POST's body (a form); nil: empty.
    var body: [UInt8]?
    /// Extra request headers (`Accept`, `Authorization`…).
    var headers: [(name: String, value: String)] = []
    /// The Engine API's Unix socket; the URL's host is then only the `Host` header.
    var unixSocketPath: String?
    /// The proxy for this URL (from `ProxySettings`); nil: none.
    var proxy: ProxyChoice?
    var limits: TransferLimits
    /// More body bytes than this is an error, and the transfer stops there (a size cap, or a blob's
    /// descriptor size).
    var maximumBytes: Int64?
    /// The body must have exactly this many bytes (a blob's descriptor size).
    var expectedBytes: Int64?
    /// Follow redirects (registries send blobs to storage); the Engine API has none to follow.
    var followRedirects = true

    init(url: String, limits: TransferLimits, maximumBytes: Int64? = nil) {
        self.url = url
        self.limits = limits
        self.maximumBytes = maximumBytes
    }

    /// The value of a request header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// How slow a transfer may be before it is given up: a server that sends fewer than `minimumBytes`
/// in any window of `windowSeconds` (nothing at all, or a trickle) ends the transfer with an error,
/// and so does passing the deadline. Time the reader spends not reading does not count.
struct TransferLimits: Sendable {
    /// The window, in seconds (`--timeout`, 30 by default).
    var windowSeconds: Double
    /// Bytes (headers and body) each window must bring; 1 means "anything at all".
    var minimumBytes: Int64
    /// The whole transfer's time limit, in seconds; nil: none.
    var deadlineSeconds: Double?

    /// The default window, in seconds.
    static let defaultWindowSeconds: Double = 30
    /// The slowest a layer download or an engine's archive stream may be: 1 KiB/s over the window.
    static let minimumBytesPerSecond: Double = 1024

    /// A body of any size that must keep moving: at least 1 KiB/s averaged over each window.
    static func stream(window: Double) -> TransferLimits {
        TransferLimits(windowSeconds: window, minimumBytes: Int64(window * minimumBytesPerSecond), deadlineSeconds: nil)
    }

    /// A small document (manifest, config, token, error body): the same rate, and done within
    /// ten windows (5 minutes by default).
    static func document(window: Double) -> TransferLimits {
        TransferLimits(windowSeconds: window, minimumBytes: Int64(window * minimumBytesPerSecond), deadlineSeconds: window * 10)
    }

    /// A stream of small progress messages (an engine's pull): something in every window, half an hour
    /// at most (with the 64 MiB the pull's answer may hold, an engine that never stops is an error).
    static func progress(window: Double) -> TransferLimits {
        TransferLimits(windowSeconds: window, minimumBytes: 1, deadlineSeconds: 1800)
    }
}

/// The final response's status and headers.
struct HTTPResponse: Sendable {
    var status: Int
    /// Names lowercased, values trimmed, in the order received.
    var headers: [(name: String, value: String)]

    /// The first value of a header, by lowercased name.
    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// `Content-Type` without its parameters.
    var contentType: String? {
        header("content-type")?.split(separator: ";").first.map { String($0).trimmingSpaces() }
    }

    /// `404 Not Found`: the status with RFC 9110's reason phrase (never the server's own text, which
    /// HTTP/2 does not send and a hostile server could fill with anything).
    var statusText: String { HTTPResponse.statusText(status) }

    static func statusText(_ code: Int) -> String {
        let reasons: [Int: String] = [
            200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
            301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
            308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout",
            409: "Conflict", 410: "Gone", 413: "Content Too Large", 416: "Range Not Satisfiable", 429: "Too Many Requests",
            500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout",
        ]
        return reasons[code].map { "\(code) \($0)" } ?? "HTTP status \(code)"
    }
}
