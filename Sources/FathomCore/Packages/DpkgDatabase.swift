import Foundation

/// Debian's package database (dpkg(1)): `/var/lib/dpkg/status` (or, in distroless images, one
/// paragraph file per package in `/var/lib/dpkg/status.d/`), paragraphs of `Field: value` lines;
/// a package counts when its `Status` ends in `installed` (distroless files have no `Status`).
/// The files each package owns are listed one per line in `/var/lib/dpkg/info/NAME.list` or
/// `NAME:ARCH.list` (`status.d/NAME.md5sums` in distroless images: checksum, two spaces, path).
public enum DpkgDatabase {
    /// The installed packages of one or more status documents (no file lists yet).
    public static func packages(status documents: [[UInt8]]) -> [InstalledPackage] {
        var out: [InstalledPackage] = []
        for doc in documents {
            for paragraph in paragraphs(String(decoding: doc, as: UTF8.self)) {
                guard let name = paragraph["Package"], !name.isEmpty else { continue }
                if let status = paragraph["Status"], !status.hasSuffix(" installed") { continue }
                var p = InstalledPackage(ecosystem: .deb, name: name, version: paragraph["Version"] ?? "",
                                         architecture: paragraph["Architecture"] ?? "", files: [])
                p.depends = names(paragraph["Depends"]) + names(paragraph["Pre-Depends"])
                p.recommends = names(paragraph["Recommends"])
                out.append(p)
            }
        }
        return out
    }

    /// The package names of a relationship field (`a (>= 1), b:any | c`): every alternative, without
    /// versions or architecture qualifiers.
    static func names(_ field: String?) -> [String] {
        guard let field else { return [] }
        return field.split(whereSeparator: { $0 == "," || $0 == "|" }).compactMap { part in
            let name = part.trimmingCharacters(in: .whitespaces).prefix { $0 != " " && $0 != "(" && $0 != ":" && $0 != "[" }
            return name.isEmpty ? nil : String(name)
        }
    }

    /// `Field: value` paragraphs separated by blank lines; continuation lines (starting with a space)
    /// are skipped (fathom needs only the one-line fields).
    static func paragraphs(_ text: String) -> [[String: String]] {
        var out: [[String: String]] = []
        var current: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                if !current.isEmpty { out.append(current); current = [:] }
                continue
            }
            if line.first == " " || line.first == "\t" { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if current[key] == nil { current[key] = value }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The paths of a `.list` file (absolute, one per line; `/.` stands for the root and is dropped).
    public static func listedPaths(_ list: [UInt8]) -> [String] {
        String(decoding: list, as: UTF8.self).split(separator: "\n").compactMap { line in
            var p = Substring(line)
            while p.hasPrefix("/") { p = p.dropFirst() }
            if p.isEmpty || p == "." { return nil }
            return String(p)
        }
    }

    /// The paths of an `md5sums` file (`HEX  path`, relative to the root).
    public static func md5sumsPaths(_ sums: [UInt8]) -> [String] {
        String(decoding: sums, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            var p = line[space...].drop { $0 == " " }
            while p.hasPrefix("/") { p = p.dropFirst() }
            return p.isEmpty ? nil : String(p)
        }
    }
}
