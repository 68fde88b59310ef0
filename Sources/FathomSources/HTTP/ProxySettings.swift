import Foundation

/// The proxy conventions of the registry clients users already run (Go's net/http, which docker,
/// skopeo, crane and containerd use; curl's where Go has none): `https_proxy`/`HTTPS_PROXY` for https
/// URLs, `http_proxy`/`HTTP_PROXY` for http ones, `all_proxy`/`ALL_PROXY` for either (curl's), the
/// lowercase name first. A destination is reached directly when it is loopback (`localhost`,
/// 127.0.0.0/8, `::1`: Go never proxies those) or when `no_proxy`/`NO_PROXY` lists it
/// (golang.org/x/net/http/httpproxy): `*` for every host; an IP address or a CIDR block (`10.0.0.0/8`,
/// `fd00::/8`); a domain, which covers its subdomains (`example.com` is `example.com` and
/// `a.example.com`; `.example.com` and `*.example.com` only the subdomains); each optionally with
/// `:PORT` (then only that port). fathom decides; libcurl is told only "this proxy" or "none".
struct ProxySettings: Sendable {
    var environment: [String: String]

    /// The proxy for a URL, or nil to reach it directly.
    func choice(for url: String) -> ProxyChoice? {
        let components = URLComponents(string: url)
        let scheme = components?.scheme?.lowercased() ?? "https"
        let names = scheme == "http" ? ["http_proxy", "HTTP_PROXY"] : ["https_proxy", "HTTPS_PROXY"]
        guard let proxy = (names + ["all_proxy", "ALL_PROXY"]).lazy.compactMap({ self.value($0) }).first else { return nil }
        let host = (components?.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let port = components?.port ?? (scheme == "http" ? 80 : 443)
        if Self.isLoopback(host) { return nil }
        if let list = value("no_proxy") ?? value("NO_PROXY"), NoProxy(list).matches(host: host, port: port) { return nil }
        return ProxyChoice(url: proxy)
    }

    /// A proxy URL as messages show it: its password replaced by `xxxxx`, as Go's `url.Redacted` does
    /// (`http://user:xxxxx@proxy:3128`); a message must never carry a credential.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url.range(of: "://").map(\.upperBound) ?? url.startIndex
        guard start < at else { return url }
        let userinfo = url[start..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":xxxxx" + String(url[at...])
    }

    private func value(_ name: String) -> String? {
        guard let v = environment[name]?.trimmingSpaces(), !v.isEmpty else { return nil }
        return v
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if let v4 = IPAddress(host), v4.bytes.count == 4 { return v4.bytes[0] == 127 }
        return IPAddress(host)?.bytes == Array(repeating: 0, count: 15) + [1]
    }
}

/// A proxy URL (handed to libcurl).
struct ProxyChoice: Sendable, Equatable {
    var url: String
}

/// A `NO_PROXY` list, matched as Go's httpproxy matches it.
struct NoProxy {
    enum Entry {
        case all
        case address(IPAddress, port: Int?)
        case block(IPAddress, bits: Int)
        /// `suffix` starts with a dot; `orSelf`: the bare domain matches too.
        case domain(suffix: String, orSelf: Bool, port: Int?)
    }

    var entries: [Entry] = []

    init(_ list: String) {
        for raw in list.split(separator: ",") {
            var item = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if item.isEmpty { continue }
            if item == "*" { entries.append(.all); continue }
            if let slash = item.firstIndex(of: "/"), let ip = IPAddress(String(item[..<slash])),
               let bits = Int(item[item.index(after: slash)...]), bits >= 0, bits <= ip.bytes.count * 8 {
                entries.append(.block(ip, bits: bits))
                continue
            }
            var port: Int?
            // host:port, [v6]:port; a bare v6 address has colons but no port
            if item.hasPrefix("["), let close = item.firstIndex(of: "]") {
                let rest = item[item.index(after: close)...]
                if rest.hasPrefix(":") { port = Int(rest.dropFirst()) }
                item = String(item[item.index(after: item.startIndex)..<close])
            } else if item.filter({ $0 == ":" }).count == 1, let colon = item.lastIndex(of: ":") {
                port = Int(item[item.index(after: colon)...])
                item = String(item[..<colon])
            }
            if let ip = IPAddress(item) { entries.append(.address(ip, port: port)); continue }
            if item.hasPrefix("*.") { item.removeFirst() }
            let orSelf = !item.hasPrefix(".")
            entries.append(.domain(suffix: orSelf ? "." + item : item, orSelf: orSelf, port: port))
        }
    }

    func matches(host: String, port: Int) -> Bool {
        let ip = IPAddress(host)
        return entries.contains { entry in
            switch entry {
            case .all: true
            case .address(let a, let p): ip == a && (p == nil || p == port)
            case .block(let network, let bits): ip.map { network.contains($0, bits: bits) } ?? false
            case .domain(let suffix, let orSelf, let p):
                ip == nil && (host.hasSuffix(suffix) || (orSelf && host == suffix.dropFirst())) && (p == nil || p == port)
            }
        }
    }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, parsed by inet_pton.
struct IPAddress: Equatable {
    var bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        bytes = withUnsafeBytes(of: v6) { Array($0) }
    }

    /// True when `other` is in the block of this address's first `bits` bits (same family).
    func contains(_ other: IPAddress, bits: Int) -> Bool {
        guard other.bytes.count == bytes.count else { return false }
        var left = bits
        for (a, b) in zip(bytes, other.bytes) where left > 0 {
            let take = min(8, left)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a & mask != b & mask { return false }
            left -= take
        }
        return true
    }
}
