/// Python packages installed by pip (and uv, poetry, pdm: any installer of wheels), from their
/// `NAME-VERSION.dist-info` directories (PyPA "Recording installed projects") in a `site-packages`
/// or `dist-packages` directory. The name and version come from the directory's name, so no file
/// is read to list them; the files each owns come from its `RECORD` (CSV: path relative to the
/// site-packages directory, hash, size).
public enum PythonPackages {
    /// A dist-info directory: its node, the site-packages path it sits in (no leading `/`), name and version.
    struct DistInfo {
        var node: PathTable.NodeID
        var sitePackages: String
        var name: String
        var version: String
    }

    /// Every dist-info directory any layer wrote (present or not at a given layer).
    static func find(_ paths: PathTable) -> [DistInfo] {
        var out: [DistInfo] = []
        for id in 1..<paths.count {
            let name = paths.nameBytes(PathTable.NodeID(id))
            guard name.count > 10, name.suffix(10).elementsEqual(".dist-info".utf8) else { continue }
            let parent = paths.parents[id]
            let parentName = String(decoding: paths.nameBytes(parent), as: UTF8.self)
            guard parentName == "site-packages" || parentName == "dist-packages" else { continue }
            let stem = String(decoding: name.dropLast(10), as: UTF8.self)
            guard let dash = stem.firstIndex(of: "-") else { continue }
            out.append(DistInfo(node: PathTable.NodeID(id), sitePackages: paths.path(parent),
                                name: String(stem[..<dash]), version: String(stem[stem.index(after: dash)...])))
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
