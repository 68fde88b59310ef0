/// Alpine's package database, `/lib/apk/db/installed` (apk-tools' "installed database"): one
/// paragraph per package of `X:value` lines: `P:` name, `V:` version, `A:` architecture, `F:` a
/// directory (relative to the root) and the `R:` files that follow it.
public enum ApkDatabase {
    public static func packages(_ installed: [UInt8]) -> [InstalledPackage] {
        var out: [InstalledPackage] = []
        var name = "", version = "", arch = "", directory = ""
        var files: [String] = []
        func flush() {
            if !name.isEmpty { out.append(InstalledPackage(ecosystem: .apk, name: name, version: version, architecture: arch, files: files)) }
            name = ""; version = ""; arch = ""; directory = ""; files = []
        }
        for line in String(decoding: installed, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { flush(); continue }
            guard line.count >= 2, line.dropFirst().first == ":" else { continue }
            let value = String(line.dropFirst(2))
            switch line.first {
            case "P": name = value
            case "V": version = value
            case "A": arch = value
            case "F": directory = value; if !value.isEmpty { files.append(value) }
            case "R": files.append(directory.isEmpty ? value : directory + "/" + value)
            default: break
            }
        }
        flush()
        return out
    }
}
