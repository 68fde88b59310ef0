/// The CI path rules: the `path-rules:` key of a `.dive-ci` file (LayerX's shape; dive ignores the
/// key, so one file serves both). `block:` lists patterns no path of the final image may match
/// (`**/.git/**`, `**/*.pem`); `deny-waste:` patterns whose paths must not be wasted (shipped by a
/// layer, then deleted or overwritten by a later one). Patterns are `PathGlob`s.
public struct PathRules: Sendable {
    public var block: [PathGlob] = []
    public var denyWaste: [PathGlob] = []

    public init() {}

    public var isEmpty: Bool { block.isEmpty && denyWaste.isEmpty }

    /// Reads the `path-rules:` mapping.
    /// - Throws: `CIConfigError` for an unknown key, a value that is not a list of strings, or a
    ///   malformed pattern.
    mutating func apply(mapping node: YAMLNode, file: String) throws {
        if node.isNull { return }
        guard let mapping = node.mapping else { throw CIConfigError.notAMapping(file: file, key: "path-rules") }
        for pair in mapping {
            let key = pair.key.label
            let list: [YAMLNode]
            switch pair.value {
            case .sequence(let items): list = items
            case .scalar where pair.value.isNull: list = []
            case .scalar: list = [pair.value]
            case .mapping: throw CIConfigError.notAList(file: file, key: "path-rules." + key)
            }
            var globs: [PathGlob] = []
            for item in list {
                guard let text = item.string else { throw CIConfigError.notAList(file: file, key: "path-rules." + key) }
                do { globs.append(try PathGlob(text)) } catch {
                    throw CIConfigError.invalidPattern(file: file, key: "path-rules." + key, pattern: text, reason: error.reason)
                }
            }
            switch key {
            case "block": block += globs
            case "deny-waste", "denyWaste": denyWaste += globs
            default: throw CIConfigError.unknownPathRule(file: file, key: key)
            }
        }
    }

    /// One pattern's outcome.
    public struct Result: Sendable {
        public enum Kind: String, Sendable { case block, denyWaste = "deny-waste" }
        public var kind: Kind
        public var pattern: String
        public var outcome: CIGate.Outcome
        /// The matching paths (with a leading `/`), in path order.
        public var paths: [String]
        /// Bytes of the matching paths (deny-waste: the bytes wasted).
        public var bytes: Int64
        /// `path-rules.block '**/.git/**': 3 paths in the final image: …; written by layer 4: COPY …`.
        public var detail: String
        public var name: String { "path-rules.\(kind.rawValue) '\(pattern)'" }
    }

    /// Evaluates every pattern on an analysis: `block` on the final filesystem (the layer that wrote
    /// each matching path's final version is named), `deny-waste` on the hidden inodes (the layer
    /// that shipped each and the layer that hid it).
    public func evaluate(_ a: Analysis) -> [Result] {
        let replay = a.replay, paths = replay.paths
        func path(_ node: Int) -> String { String(decoding: paths.pathBytes(PathTable.NodeID(node)), as: UTF8.self) }
        func command(_ layer: Int) -> String {
            layer < a.image.layers.count ? LayerCommand.display(a.image.layers[layer].createdBy) : "(unknown)"
        }
        var out: [Result] = []
        if !block.isEmpty {
            var finalPaths: [(path: String, layer: Int, bytes: Int64)] = []
            for node in 1..<replay.nodeCount {
                guard let s = replay.currentState(node) else { continue }
                finalPaths.append((path(node), Int(s.layer), s.kind == .directory ? 0 : s.sizeBytes))
            }
            finalPaths.sort { $0.path < $1.path }
            for glob in block {
                let hits = finalPaths.filter { glob.matches($0.path) }
                var layers: [Int] = []
                for h in hits where !layers.contains(h.layer) { layers.append(h.layer) }
                let detail = hits.isEmpty ? "no path of the final image matches"
                    : "\(Self.count(hits.count)) in the final image: \(Self.listed(hits.map { "/" + $0.path })); written by "
                        + layers.sorted().prefix(3).map { "layer \($0): \(TextSummary.truncated(command($0), 60))" }.joined(separator: "; ")
                        + (layers.count > 3 ? "; and \(layers.count - 3) more layers" : "")
                out.append(Result(kind: .block, pattern: glob.pattern, outcome: hits.isEmpty ? .pass : .fail,
                                  paths: hits.map { "/" + $0.path }, bytes: hits.reduce(0) { $0 + $1.bytes }, detail: detail))
            }
        }
        if !denyWaste.isEmpty {
            var hidden: [(path: String, layer: Int, hiddenBy: Int, bytes: Int64)] = []
            for inode in replay.inodes where inode.visibleCount == 0 && inode.hiddenBy >= 0 && inode.sizeBytes > 0 {
                hidden.append((path(Int(inode.node)), Int(inode.layer), Int(inode.hiddenBy), inode.sizeBytes))
            }
            hidden.sort { ($0.path, $0.layer) < ($1.path, $1.layer) }
            for glob in denyWaste {
                let hits = hidden.filter { glob.matches($0.path) }
                var pairs: [String] = []
                for h in hits {
                    let p = "shipped by layer \(h.layer): \(TextSummary.truncated(command(h.layer), 60)), hidden by layer \(h.hiddenBy)"
                    if !pairs.contains(p) { pairs.append(p) }
                }
                let bytes = hits.reduce(0) { $0 + $1.bytes }
                // a path shipped by several layers is one path (its bytes counted each time)
                var unique: [String] = []
                for h in hits where unique.last != "/" + h.path { unique.append("/" + h.path) }
                let detail = hits.isEmpty ? "no wasted path matches"
                    : "\(Self.count(unique.count)), \(ByteFormat.si(bytes)) wasted: \(Self.listed(unique)); "
                        + pairs.prefix(3).joined(separator: "; ") + (pairs.count > 3 ? "; and \(pairs.count - 3) more" : "")
                out.append(Result(kind: .denyWaste, pattern: glob.pattern, outcome: hits.isEmpty ? .pass : .fail,
                                  paths: unique, bytes: bytes, detail: detail))
            }
        }
        return out
    }

    static func count(_ n: Int) -> String { n == 1 ? "1 path" : "\(n) paths" }

    /// The first ten, then how many more.
    static func listed(_ paths: [String]) -> String {
        paths.prefix(10).joined(separator: ", ") + (paths.count > 10 ? " (and \(paths.count - 10) more)" : "")
    }
}
