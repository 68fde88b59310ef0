import Foundation

/// Sends requests with libcurl (`HTTPTransfer`), following redirects itself so that the rules are
/// fathom's: at most `maximumRedirects`, only to `http`/`https` (never from `https` down to `http`),
/// and an `Authorization` header only to the origin it was meant for (scheme, host and port).
enum HTTPClient {
    static let maximumRedirects = 5

    /// Sends `request` and waits for the final response's headers.
    ///
    /// - Parameters:
    ///   - proxies: Chooses each hop's proxy (redirects may lead to another scheme or host).
    ///   - onBytes: Called with each body block's size (progress).
    /// - Returns: The transfer, whose body the caller reads (or closes), and its response.
    /// - Throws: `TransferFailure` (refused, TLS, too many redirects…).
    static func send(_ request: HTTPRequest, proxies: ProxySettings,
                     onBytes: (@Sendable (Int) -> Void)? = nil) throws -> (HTTPTransfer, HTTPResponse) {
        var request = request
        let origin = Origin(request.url)
        for _ in 0...maximumRedirects {
            if request.unixSocketPath == nil { request.proxy = proxies.choice(for: request.url) }
            let transfer = HTTPTransfer(request, onBytes: onBytes)
            transfer.start()
            let response: HTTPResponse
            do { response = try transfer.waitForResponse() } catch { transfer.close(); throw error }
            guard request.followRedirects, [301, 302, 303, 307, 308].contains(response.status),
                  let location = response.header("location") else {
                return (transfer, response)
            }
            transfer.close()
            guard let next = URL(string: location, relativeTo: URL(string: request.url))?.absoluteURL,
                  let scheme = next.scheme?.lowercased(), scheme == "https" || (scheme == "http" && origin.scheme == "http") else {
                throw TransferFailure.other("redirected to '\(oneLine(location, limit: 120))', which is not an \(origin.scheme == "http" ? "http(s)" : "https") URL")
            }
            request.url = next.absoluteString
            if Origin(request.url) != origin {
                request.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }
            }
            if response.status == 303 { request.method = "GET"; request.body = nil }
        }
        throw TransferFailure.other("more than \(maximumRedirects) redirects")
    }

    /// Scheme, host and port of a URL: where a credential may go.
    struct Origin: Equatable {
        var scheme: String
        var host: String
        var port: Int?

        init(_ url: String) {
            let components = URLComponents(string: url)
            scheme = components?.scheme?.lowercased() ?? ""
            host = components?.host?.lowercased() ?? ""
            port = components?.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : nil)
        }
    }
}
