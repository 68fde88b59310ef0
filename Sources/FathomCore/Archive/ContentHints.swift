import Foundation

/// What the scan notices in the content of files whose names may hold secrets (`SecretNames.mayBe`):
/// facts, not verdicts. The advice decides with the name and these (a bundle of public certificates
/// is not a secret; a private key is, whatever its name).
public struct ContentHints: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A PEM block of a private key (`-----BEGIN … PRIVATE KEY-----`, OpenSSH and PGP private keys too).
    public static let privateKey = ContentHints(rawValue: 1)
    /// A PEM block of public material (a certificate, a public key, a CRL).
    public static let publicPEM = ContentHints(rawValue: 2)
    /// A line that gives a credential a value: `password=…`, `token: …`, `_authToken=…`,
    /// `aws_secret_access_key = …`, `"auth": "…"`, a URL with a password.
    public static let credential = ContentHints(rawValue: 4)
    /// A NUL byte (binary content).
    public static let binary = ContentHints(rawValue: 8)
    /// Any content at all.
    public static let nonEmpty = ContentHints(rawValue: 16)
}

/// Collects `ContentHints` from a file's first bytes (1 MiB), block by block.
final class ContentInspector {
    private(set) var hints: ContentHints = []
    private var seen = 0
    /// The end of the previous block, so that a marker split across two blocks is seen.
    private var tail: [UInt8] = []
    static let limit = 1 << 20

    func inspect(_ block: UnsafeRawBufferPointer) {
        guard seen < Self.limit, !block.isEmpty else { return }
        let take = min(block.count, Self.limit - seen)
        seen += take
        hints.insert(.nonEmpty)
        var bytes = tail
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[..<take]))
        if bytes.contains(0) { hints.insert(.binary) }
        scanPEM(bytes)
        scanCredentials(bytes)
        tail = Array(bytes.suffix(128))
    }

    private func scanPEM(_ bytes: [UInt8]) {
        let begin = Array("-----BEGIN ".utf8)
        var i = 0
        while let at = Self.find(begin, in: bytes, from: i) {
            let labelStart = at + begin.count
            var end = labelStart
            while end < bytes.count && end - labelStart < 64 && bytes[end] != 0x2D && bytes[end] != 0x0A { end += 1 }
            let label = String(decoding: bytes[labelStart..<end], as: UTF8.self)
            if label.hasSuffix("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK" { hints.insert(.privateKey) }
            else if label.contains("CERTIFICATE") || label.hasSuffix("PUBLIC KEY") || label.contains("CRL") || label.hasPrefix("PGP PUBLIC") {
                hints.insert(.publicPEM)
            }
            i = end
        }
    }

    /// Lines such as `KEY=VALUE`, `key: value`, `"key": "value"` whose key names a credential and
    /// whose value is not empty.
    private func scanCredentials(_ bytes: [UInt8]) {
        guard !hints.contains(.credential) else { return }
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(20_000) {
            let text = String(decoding: line.prefix(512), as: UTF8.self).lowercased()
            if text.hasPrefix("#") { continue }
            if text.contains("://"), let at = text.firstIndex(of: "@"), let scheme = text.range(of: "://"),
               text[scheme.upperBound..<at].contains(":") {
                hints.insert(.credential); return   // https://user:password@host
            }
            // `key=value` (ini, .env, .npmrc: the key may hold colons) or `key: value` (YAML, JSON: the value
            // may hold `=`): either reading may be the right one
            for sep in [text.firstIndex(of: "="), text.firstIndex(of: ":")].compactMap({ $0 }) {
                let key = text[..<sep].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
                var value = text[text.index(after: sep)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"',"))
                if value.hasPrefix("$") { value = "" }   // a reference, not a value
                guard !value.isEmpty, value != "null", value != "changeme", value != "xxx" else { continue }
                if Self.credentialKeys.contains(where: { key.hasSuffix($0) }) || key.hasSuffix("_auth") || key == "auth" {
                    hints.insert(.credential); return
                }
            }
        }
    }

    static let credentialKeys = ["password", "passwd", "secret", "token", "_authtoken", "api_key", "apikey", "access_key",
                                 "secret_access_key", "private_key", "client_secret", "auth_token", "credentials"]

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
