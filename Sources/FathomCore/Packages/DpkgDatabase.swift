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
            for paragraph in paragraphs(doc, fields: statusFields) {
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

    /// The fields of a status paragraph that `packages(status:)` reads (the rest, descriptions and
    /// conffiles, is most of the file's bytes).
    static let statusFields: Set<[UInt8]> = Set(["Package", "Status", "Version", "Architecture", "Depends", "Pre-Depends",
                                                 "Recommends"].map { Array($0.utf8) })

    /// `Field: value` paragraphs separated by blank lines, with the fields named (every field when nil);
    /// continuation lines (starting with a space) are skipped (fathom needs only the one-line fields).
    static func paragraphs(_ text: [UInt8], fields: Set<[UInt8]>? = nil) -> [[String: String]] {
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
            if let fields, !fields.contains(Array(line[..<colon])) { continue }
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
        // scanned as bytes, with no array of lines: Character iteration of a String was most of the
        // packages' time on debian-apt
        var out: [String] = []
        out.reserveCapacity(list.count / 40)
        list.withUnsafeBufferPointer { b in
            var start = 0
            while start < b.count {
                var end = start
                while end < b.count && b[end] != 0x0A { end += 1 }
                var from = start
                while from < end && b[from] == 0x2F { from += 1 }
                if from < end && !(end - from == 1 && b[from] == 0x2E) {
                    out.append(String(decoding: UnsafeBufferPointer(rebasing: b[from..<end]), as: UTF8.self))
                }
                start = end + 1
            }
        }
        return out
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
