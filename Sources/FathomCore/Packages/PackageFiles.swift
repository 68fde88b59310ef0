import Foundation

/// The files the package databases are read from (`PackageHistory`), recognised by path while the
/// analysis streams each layer and kept then, so that reading the packages needs no second pass over
/// the layers (a compressed base layer decoded again for its dpkg lists cost more than the rest of the
/// analysis), and works for standard input too. Bounded: `maximumFileBytes` a file, `budgetBytes` in
/// all (`Limits.packageDatabaseBytes`); past it, files are read again from their layers as before.
enum PackageFiles {
    /// The largest file kept (a real dpkg status is a few MB; an rpmdb.sqlite tens).
    static let maximumFileBytes: Int64 = 64 << 20

    private static let lock = NSLock()
    nonisolated(unsafe) private static var spentBytes: Int64 = 0

    /// Takes `bytes` from the process's budget; false when it is spent.
    static func reserve(_ bytes: Int64) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard spentBytes + bytes <= Limits.packageDatabaseBytes else { return false }
        spentBytes += bytes
        return true
    }

    private static let exact: Set<[UInt8]> = Set([
        PackageHistory.dpkgStatus, PackageHistory.apkInstalled, "etc/os-release", "usr/lib/os-release", "etc/apt/apt.conf",
    ].map { Array($0.utf8) } + PackageHistory.rpmDatabases.map { Array($0.utf8) })
    private static let directories: [[UInt8]] = [PackageHistory.dpkgInfo + "/", PackageHistory.dpkgStatusDir + "/", "etc/apt/apt.conf.d/"]
        .map { Array($0.utf8) }
    private static let record = Array(".dist-info/RECORD".utf8), packageJSON = Array("/package.json".utf8)
    private static let eggFiles = Array(".egg-info/installed-files.txt".utf8)
    private static let nodeModules = Array("node_modules/".utf8), list = Array(".list".utf8)

    /// True when a package database reader may want the file at `path` (a normalised layer path).
    static func wanted(_ path: UnsafeRawBufferPointer) -> Bool {
        func hasSuffix(_ s: [UInt8]) -> Bool { path.count >= s.count && path[(path.count - s.count)...].elementsEqual(s) }
        func hasPrefix(_ s: [UInt8]) -> Bool { path.count > s.count && path[..<s.count].elementsEqual(s) }
        if path.count < 40 && exact.contains(Array(path)) { return true }
        if hasSuffix(record) || hasSuffix(eggFiles) { return true }
        if hasSuffix(packageJSON) {
            // node_modules/NAME/package.json or node_modules/@SCOPE/NAME/package.json
            return path.withMemoryRebound(to: UInt8.self) { p in
                let s = Array(p)
                return s.indices.contains { i in s[i...].starts(with: nodeModules) && (i == 0 || s[i - 1] == 0x2F) }
            }
        }
        for d in directories where hasPrefix(d) {
            // dpkg's info directory holds many files; only the lists are read
            return d.elementsEqual(directories[0]) ? hasSuffix(list) : !path[d.count...].contains(0x2F)
        }
        return false
    }

    /// `wanted` for a path as text.
    static func wanted(path: String) -> Bool { Array(path.utf8).withUnsafeBytes { wanted($0) } }
}
