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
            for paragraph in paragraphs(doc) {
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
    static func paragraphs(_ text: [UInt8]) -> [[String: String]] {
        var out: [[String: String]] = []
        var current: [String: String] = [:]
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        for line in text.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.allSatisfy(blank) {
                if !current.isEmpty { out.append(current); current = [:] }
                continue
            }
            if line.first == 0x20 || line.first == 0x09 { continue }
            guard let colon = line.firstIndex(of: 0x3A) else { continue }
            let key = String(decoding: line[..<colon], as: UTF8.self)
            var value = line[(colon + 1)...].drop(while: blank)
            while let last = value.last, blank(last) { value = value.dropLast() }
            if current[key] == nil { current[key] = String(decoding: value, as: UTF8.self) }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The paths of a `.list` file (absolute, one per line; `/.` stands for the root and is dropped).
    public static func listedPaths(_ list: [UInt8]) -> [String] {
        // split as bytes: Character iteration of a String was most of the packages' time on debian-apt
        list.split(separator: 0x0A).compactMap { line in
            let p = line.drop { $0 == 0x2F }
            if p.isEmpty || p.elementsEqual([0x2E]) { return nil }
            return String(decoding: p, as: UTF8.self)
        }
    }

    /// The paths of an `md5sums` file (`HEX  path`, relative to the root).
    public static func md5sumsPaths(_ sums: [UInt8]) -> [String] {
        sums.split(separator: 0x0A).compactMap { line in
            guard let space = line.firstIndex(of: 0x20) else { return nil }
            let p = line[space...].drop { $0 == 0x20 }.drop { $0 == 0x2F }
            return p.isEmpty ? nil : String(decoding: p, as: UTF8.self)
        }
    }
}
