/// One `WWW-Authenticate` challenge (RFC 7235): `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
public struct AuthChallenge: Equatable, Sendable {
    /// Lowercased: `bearer`, `basic`.
    public var scheme: String
    /// Parameters by lowercased name, values unquoted.
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Parses the first challenge of a header value; nil when there is no scheme.
    public static func parse(_ header: String) -> AuthChallenge? {
        var chars = Substring(header.trimmingSpaces())
        let scheme = chars.prefix { !$0.isWhitespace && $0 != "," }
        guard !scheme.isEmpty, !scheme.contains("=") else { return nil }
        chars = chars.dropFirst(scheme.count)
        var parameters: [String: String] = [:]
        while true {
            chars = chars.drop { $0.isWhitespace || $0 == "," }
            let name = chars.prefix { $0 != "=" && !$0.isWhitespace && $0 != "," }
            if name.isEmpty { break }
            chars = chars.dropFirst(name.count).drop { $0.isWhitespace }
            guard chars.first == "=" else { break }  // the next challenge's scheme: stop at the first challenge
            chars = chars.dropFirst().drop { $0.isWhitespace }
            var value = ""
            if chars.first == "\"" {
                chars = chars.dropFirst()
                while let c = chars.first {
                    chars = chars.dropFirst()
                    if c == "\\", let next = chars.first { value.append(next); chars = chars.dropFirst(); continue }
                    if c == "\"" { break }
                    value.append(c)
                }
            } else {
                let token = chars.prefix { $0 != "," && !$0.isWhitespace }
                value = String(token)
                chars = chars.dropFirst(token.count)
            }
            parameters[name.lowercased()] = value
        }
        return AuthChallenge(scheme: scheme.lowercased(), parameters: parameters)
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
