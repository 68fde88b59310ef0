import Foundation

/// A package as a package manager's database records it.
public struct InstalledPackage: Sendable, Equatable, Hashable {
    /// Which database, and the purl type of its packages.
    public enum Ecosystem: String, Sendable, CaseIterable, Hashable {
        case deb, apk, rpm, pypi, npm
    }

    public var ecosystem: Ecosystem
    public var name: String
    public var version: String
    /// `amd64`, `all`, `x86_64`; empty when the database does not say.
    public var architecture: String
    /// The paths the package owns, without the leading `/` (directories included where listed).
    public var files: [String]
    /// Package names it needs (`Depends`, `Pre-Depends`: every alternative) and recommends (`Recommends`).
    public var depends: [String] = []
    public var recommends: [String] = []

    public init(ecosystem: Ecosystem, name: String, version: String, architecture: String, files: [String]) {
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
        self.architecture = architecture
        self.files = files
    }

    /// What makes two database entries one package across layers: name and architecture (a new version
    /// is an upgrade); npm installs one name in several versions side by side, so there the version too.
    var historyKey: String {
        ecosystem == .npm ? "npm/\(name)@\(version)" : "\(ecosystem.rawValue)/\(name):\(architecture)"
    }

    static func percent(_ byte: UInt8) -> String {
        let hex = Array("0123456789ABCDEF")
        return "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
    }

    /// The package URL (purl spec, `pkg:deb/debian/adduser@3.134?arch=all`). `distro` is the
    /// namespace (`debian`, `ubuntu`, `alpine`).
    public func purl(distro: String) -> String {
        func enc(_ s: String) -> String {
            s.unicodeScalars.map { c -> String in
                c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || ".-_~".unicodeScalars.contains(c))
                    ? String(c) : String(c).utf8.map { Self.percent($0) }.joined()
            }.joined()
        }
        // pypi has no namespace; its names are compared lower-cased, `_` as `-` (purl spec, "pypi")
        if ecosystem == .pypi { return "pkg:pypi/\(enc(name.lowercased().replacingOccurrences(of: "_", with: "-")))@\(enc(version))" }
        // npm: a scope is the namespace, `@` encoded (`pkg:npm/%40babel/core@7.0.0`)
        if ecosystem == .npm {
            if name.hasPrefix("@"), let slash = name.firstIndex(of: "/") {
                return "pkg:npm/\(enc(String(name[..<slash])))/\(enc(String(name[name.index(after: slash)...])))@\(enc(version))"
            }
            return "pkg:npm/\(enc(name))@\(enc(version))"
        }
        // rpm: the epoch is a qualifier, not part of the version (purl spec, "rpm"); qualifiers sorted
        var version = version, qualifiers: [String] = []
        if !architecture.isEmpty { qualifiers.append("arch=\(enc(architecture))") }
        if ecosystem == .rpm, let colon = version.firstIndex(of: ":") {
            qualifiers.append("epoch=\(enc(String(version[..<colon])))")
            version = String(version[version.index(after: colon)...])
        }
        var s = "pkg:\(ecosystem.rawValue)/\(enc(distro))/\(enc(name))@\(enc(version))"
        if !qualifiers.isEmpty { s += "?" + qualifiers.joined(separator: "&") }
        return s
    }
}
