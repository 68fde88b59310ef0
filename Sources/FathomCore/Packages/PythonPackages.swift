/// Python packages installed by pip (and uv, poetry, pdm: any installer of wheels), from their
/// `NAME-VERSION.dist-info` directories (PyPA "Recording installed projects") in a `site-packages`
/// or `dist-packages` directory, and the `NAME-VERSION[-pyX.Y].egg-info` directories or files of
/// setuptools' older format, which Debian's `python3-*` packages still install. The name and version
/// come from the directory's name, so no file is read to list them; the files each owns come from
/// its `RECORD` (CSV: path relative to the site-packages directory, hash, size), or an egg-info's
/// `installed-files.txt` (paths relative to the egg-info directory; Debian's have none: dpkg owns
/// those files).
public enum PythonPackages {
    /// A dist-info directory: its node, the site-packages path it sits in (no leading `/`), name and version.
    struct DistInfo {
        var node: PathTable.NodeID
        var sitePackages: String
        var name: String
        var version: String
        /// setuptools' `.egg-info` (a directory, or a file of metadata alone), not a wheel's `.dist-info`.
        var isEgg = false

        /// The file that lists its files, and the folder its relative paths start from.
        func fileList(_ paths: PathTable) -> (path: String, base: String) {
            isEgg ? (paths.path(node) + "/installed-files.txt", paths.path(node)) : (paths.path(node) + "/RECORD", sitePackages)
        }
    }

    /// Every dist-info directory any layer wrote (present or not at a given layer).
    static func find(_ paths: PathTable) -> [DistInfo] {
        var out: [DistInfo] = []
        for id in 1..<paths.count {
            let name = paths.nameBytes(PathTable.NodeID(id))
            let isEgg = name.count > 9 && name.suffix(9).elementsEqual(".egg-info".utf8)
            guard isEgg || (name.count > 10 && name.suffix(10).elementsEqual(".dist-info".utf8)) else { continue }
            let parent = paths.parents[id]
            let parentName = String(decoding: paths.nameBytes(parent), as: UTF8.self)
            guard parentName == "site-packages" || parentName == "dist-packages" else { continue }
            var stem = String(decoding: name.dropLast(isEgg ? 9 : 10), as: UTF8.self)
            // an egg's name may end in the Python version it was built for: `wheel-0.38.4-py3.11`
            if isEgg, let py = stem.range(of: "-py", options: .backwards),
               stem[py.upperBound...].allSatisfy({ $0.isNumber || $0 == "." }) { stem = String(stem[..<py.lowerBound]) }
            guard let dash = stem.firstIndex(of: "-") else { continue }
            out.append(DistInfo(node: PathTable.NodeID(id), sitePackages: paths.path(parent),
                                name: String(stem[..<dash]), version: String(stem[stem.index(after: dash)...]), isEgg: isEgg))
        }
        return out
    }

    /// The paths of a RECORD file, relative to the root (`../../../bin/x` resolved against the site-packages path).
    static func recordedPaths(_ record: [UInt8], sitePackages: String) -> [String] {
        var out: [String] = []
        for line in String(decoding: record, as: UTF8.self).split(whereSeparator: \.isNewline) {
            // the path is the first CSV field; quoted when it holds a comma
            var field = Substring(line)
            if field.hasPrefix("\"") {
                field = field.dropFirst()
                field = field[..<(field.firstIndex(of: "\"") ?? field.endIndex)]
            } else {
                field = field[..<(field.firstIndex(of: ",") ?? field.endIndex)]
            }
            guard !field.isEmpty else { continue }
            var parts = field.hasPrefix("/") ? [] : sitePackages.split(separator: "/").map(String.init)
            for component in field.split(separator: "/") {
                if component == ".." { if !parts.isEmpty { parts.removeLast() } } else if component != "." { parts.append(String(component)) }
            }
            if !parts.isEmpty { out.append(parts.joined(separator: "/")) }
        }
        return out
    }
}
