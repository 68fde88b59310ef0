import CSQLite

/// RPM's package database in its SQLite form, `rpmdb.sqlite` (rpm ≥ 4.16; Fedora ≥ 33, RHEL 9, under
/// `/var/lib/rpm` or `/usr/lib/sysimage/rpm`): the table `Packages` holds one header blob per package.
/// The blob is an RPM header without its 8-byte magic (rpm's `headerExport`, "Package File Format" of
/// the RPM documentation): two big-endian 32-bit counts (index entries, data bytes), the 16-byte
/// entries (tag, type, offset, count) and the data they point into.
///
/// The database is opened read-only from memory (`sqlite3_deserialize`), with SQLite's defensive
/// mode: nothing is written, and a hostile file can only fail to parse. The Berkeley DB (`Packages`)
/// and NDB (`Packages.db`) formats of older systems are not read (`legacyNote`).
public enum RpmDatabase {
    /// Why the database could not be read.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The packages recorded in `sqlite` (the bytes of `rpmdb.sqlite`).
    /// - Throws: `Failure` when the bytes are not an SQLite database with a `Packages` table, or SQLite is not installed.
    public static func packages(_ sqlite: [UInt8]) throws -> [InstalledPackage] {
        guard fathom_sqlite_load() != 0 else { throw Failure(description: String(cString: fathom_sqlite_error())) }
        var db: OpaquePointer?
        guard fathom_sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nil) == SQLITE_OK, let db else {
            throw Failure(description: "SQLite could not open a database in memory")
        }
        defer { fathom_sqlite3_close(db) }
        _ = fathom_sqlite_defensive(db)
        // SQLite owns the copy (SQLITE_DESERIALIZE_FREEONCLOSE): a buffer from sqlite3_malloc64
        let size = sqlite3_int64(sqlite.count)
        guard let buffer = fathom_sqlite3_malloc64(sqlite3_uint64(max(sqlite.count, 1))) else { throw Failure(description: "out of memory") }
        sqlite.withUnsafeBytes { if let base = $0.baseAddress { buffer.copyMemory(from: base, byteCount: sqlite.count) } }
        // rpm keeps its database in WAL mode (header bytes 18 and 19 = 2), which a database in memory
        // cannot open: read it as a rollback-journal database (1), as the checkpointed file it is
        if sqlite.count >= 100 {
            let header = buffer.assumingMemoryBound(to: UInt8.self)
            if header[18] == 2 { header[18] = 1 }
            if header[19] == 2 { header[19] = 1 }
        }
        let flags = UInt32(SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE)
        guard fathom_sqlite3_deserialize(db, "main", buffer.assumingMemoryBound(to: UInt8.self), size, size, flags) == SQLITE_OK else {
            throw Failure(description: "not an SQLite database")
        }
        var statement: OpaquePointer?
        guard fathom_sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &statement, nil) == SQLITE_OK, let statement else {
            // the header is only read here: bytes that are no database fail now
            if fathom_sqlite3_errcode(db) == SQLITE_NOTADB { throw Failure(description: "not an SQLite database") }
            throw Failure(description: "no Packages table (\(String(cString: fathom_sqlite3_errmsg(db))))")
        }
        defer { fathom_sqlite3_finalize(statement) }
        var out: [InstalledPackage] = []
        while true {
            let step = fathom_sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw Failure(description: "unreadable: \(String(cString: fathom_sqlite3_errmsg(db)))") }
            let count = Int(fathom_sqlite3_column_bytes(statement, 0))
            guard let bytes = fathom_sqlite3_column_blob(statement, 0), count > 0 else { continue }
            if let p = package(header: UnsafeRawBufferPointer(start: bytes, count: count)) { out.append(p) }
        }
        return out
    }

    /// One line for an image whose RPM database is in a format fathom does not read.
    public static func legacyNote(_ path: String) -> String {
        "/\(path): an RPM database in the Berkeley DB or NDB format (before rpm 4.16), which fathom does not read; only rpmdb.sqlite is"
    }

    // RPM header tags (rpmtag.h) and types
    static let name: UInt32 = 1000, version: UInt32 = 1001, release: UInt32 = 1002, epoch: UInt32 = 1003
    static let arch: UInt32 = 1022, dirIndexes: UInt32 = 1116, baseNames: UInt32 = 1117, dirNames: UInt32 = 1118
    static let int32Type: UInt32 = 4, stringType: UInt32 = 6, stringArrayType: UInt32 = 8, i18nType: UInt32 = 9

    /// A package from one header blob; nil when the blob is malformed or has no name.
    static func package(header blob: UnsafeRawBufferPointer) -> InstalledPackage? {
        guard let header = Header(blob), let name = header.string(Self.name), !name.isEmpty else { return nil }
        let version = header.string(Self.version) ?? ""
        let release = header.string(Self.release) ?? ""
        var full = release.isEmpty ? version : version + "-" + release
        if let epoch = header.int32s(Self.epoch)?.first { full = "\(epoch):" + full }
        var files: [String] = []
        if let bases = header.strings(Self.baseNames), let dirs = header.strings(Self.dirNames),
           let indexes = header.int32s(Self.dirIndexes), indexes.count == bases.count {
            files.reserveCapacity(bases.count)
            for (base, index) in zip(bases, indexes) where index >= 0 && Int(index) < dirs.count {
                var path = dirs[Int(index)] + base
                while path.hasPrefix("/") { path.removeFirst() }
                if !path.isEmpty { files.append(path) }
            }
        }
        return InstalledPackage(ecosystem: .rpm, name: name, version: full, architecture: header.string(Self.arch) ?? "", files: files)
    }

    /// The index entries and data of a header blob, every offset checked against the blob's bounds.
    struct Header {
        let entries: [UInt32: (type: UInt32, offset: Int, count: Int)]
        let data: UnsafeRawBufferPointer

        init?(_ blob: UnsafeRawBufferPointer) {
            func be32(_ at: Int) -> UInt32 {
                UInt32(blob[at]) << 24 | UInt32(blob[at + 1]) << 16 | UInt32(blob[at + 2]) << 8 | UInt32(blob[at + 3])
            }
            guard blob.count >= 8 else { return nil }
            let il = Int(be32(0)), dl = Int(be32(4))
            // rpm's own limits (header.c: hdrchkTags, hdrchkData)
            guard il > 0, il <= 0xFFFF, dl <= 256 << 20, 8 + il * 16 + dl <= blob.count else { return nil }
            var entries: [UInt32: (UInt32, Int, Int)] = [:]
            for i in 0..<il {
                let at = 8 + i * 16
                let offset = Int(be32(at + 8)), count = Int(be32(at + 12))
                guard offset < dl, count > 0, count <= dl else { continue }
                entries[be32(at)] = (be32(at + 4), offset, count)
            }
            self.entries = entries
            data = UnsafeRawBufferPointer(rebasing: blob[(8 + il * 16)..<(8 + il * 16 + dl)])
        }

        /// `count` NUL-terminated strings from `offset`; nil when one runs past the data.
        private func cStrings(at offset: Int, count: Int) -> [String]? {
            var out: [String] = []
            var at = offset
            for _ in 0..<count {
                guard let end = data[at...].firstIndex(of: 0) else { return nil }
                out.append(String(decoding: data[at..<end], as: UTF8.self))
                at = end + 1
                if at > data.count { return nil }
            }
            return out
        }

        func string(_ tag: UInt32) -> String? {
            guard let e = entries[tag], e.type == RpmDatabase.stringType || e.type == RpmDatabase.i18nType else { return nil }
            return cStrings(at: e.offset, count: 1)?.first
        }

        func strings(_ tag: UInt32) -> [String]? {
            guard let e = entries[tag], e.type == RpmDatabase.stringArrayType else { return nil }
            return cStrings(at: e.offset, count: e.count)
        }

        func int32s(_ tag: UInt32) -> [Int32]? {
            guard let e = entries[tag], e.type == RpmDatabase.int32Type, e.offset % 4 == 0, e.offset + e.count * 4 <= data.count else { return nil }
            return (0..<e.count).map { i in
                let at = e.offset + i * 4
                return Int32(bitPattern: UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3]))
            }
        }
    }
}
