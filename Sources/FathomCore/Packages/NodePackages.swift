import Foundation

/// Node packages in `node_modules` folders (npm, yarn, pnpm's hoisted layout): each
/// `node_modules/NAME/package.json` or `node_modules/@SCOPE/NAME/package.json` with its `name` and
/// `version`; the package owns the files below its folder, but not those of a `node_modules` nested in it.
public enum NodePackages {
    /// A package folder's `package.json`: its node and the folder's path (no leading `/`).
    struct Manifest {
        var node: PathTable.NodeID
        var folder: String
    }

    /// Every `package.json` any layer wrote directly in a package folder of a `node_modules`.
    static func find(_ paths: PathTable) -> [Manifest] {
        var out: [Manifest] = []
        for id in 1..<paths.count {
            guard paths.nameBytes(PathTable.NodeID(id)).elementsEqual("package.json".utf8) else { continue }
            let folder = paths.parents[id]
            let up = paths.parents[Int(folder)]
            let upName = String(decoding: paths.nameBytes(up), as: UTF8.self)
            let scoped = upName.hasPrefix("@") && String(decoding: paths.nameBytes(paths.parents[Int(up)]), as: UTF8.self) == "node_modules"
            guard upName == "node_modules" || scoped else { continue }
            out.append(Manifest(node: PathTable.NodeID(id), folder: paths.path(folder)))
        }
        return out
    }

    /// `name` and `version` of a package.json (nil when it has no name or is not JSON).
    static func identity(_ json: [UInt8]) -> (name: String, version: String)? {
        guard JSONObjectCount.isWithinLimit(json),
              let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let name = object["name"] as? String, !name.isEmpty else { return nil }
        return (name, object["version"] as? String ?? "")
    }

    /// The regular files below a package folder at the final layer, nested `node_modules` left out.
    static func files(_ files: ImageFiles, folder: String) -> [String] {
        guard let (node, state) = try? files.lookup(folder, atLayer: files.lastLayer, followLast: false),
              state?.kind == .directory else { return [] }
        let paths = files.replay.paths
        var out: [String] = []
        var stack = [node]
        while let n = stack.popLast() {
            for c in files.children(of: n, atLayer: files.lastLayer) {
                if c.state.kind == .directory {
                    if !paths.nameBytes(c.node).elementsEqual("node_modules".utf8) { stack.append(c.node) }
                } else if c.state.kind == .file || c.state.kind == .hardlink {
                    out.append(paths.path(c.node))
                }
            }
        }
        return out
    }
}
