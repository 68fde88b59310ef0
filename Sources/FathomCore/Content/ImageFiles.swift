/// The files of an image as they are after any layer: paths looked up as a program inside the
/// container would look them up (symbolic links followed inside the image, never on this host), and
/// where each file's bytes lie (`LayerContent` reads them).
public struct ImageFiles: Sendable {
    public let image: Image
    public let replay: Replay

    /// Replays `image`'s layers (no analysis beyond the union filesystem).
    public init(image: Image) {
        self.image = image
        replay = Replay(changesets: image.layers.map(\.blob.changeset))
    }

    public init(analysis: Analysis) {
        image = analysis.image
        replay = analysis.replay
    }

    /// The last layer's index: the final filesystem.
    public var lastLayer: Int { image.layers.count - 1 }

    /// Why a path could not be looked up (the path as `TerminalText.escape(bytes:)` shows it);
    /// `description` is the message without the image's name.
    public enum LookupError: Error, CustomStringConvertible, Equatable, Sendable {
        /// `removedBy`: the layer that removed the entry, when an earlier layer had it.
        case notFound(String, layer: Int, removedBy: Int? = nil)
        case notADirectory(String, layer: Int)
        case symlinkLoop(String)
        case noSuchLayer(Int, count: Int)

        public var description: String {
            switch self {
            case let .notFound(p, l, nil): "\(p): no such file or directory after layer \(l)"
            case let .notFound(p, l, r?): "\(p): no such file or directory after layer \(l) (layer \(r) removed it; --layer \(r - 1) shows it)"
            case let .notADirectory(p, l): "\(p): not a directory after layer \(l)"
            case let .symlinkLoop(p): "\(p): too many levels of symbolic links (40)"
            case let .noSuchLayer(l, n): "no layer \(l): the image has layers 0 to \(n - 1)"
            }
        }
    }

    /// A layer index as the user gave it (nil: the last layer).
    /// - Throws: `LookupError.noSuchLayer` when it is out of range.
    public func layer(_ requested: Int?) throws -> Int {
        guard let requested else { return lastLayer }
        guard requested >= 0 && requested < image.layers.count else { throw LookupError.noSuchLayer(requested, count: image.layers.count) }
        return requested
    }

    /// The node and state of `path` after layer `layer` (`/`, `.` and `..` components as POSIX
    /// resolves them; `..` at the root stays there). Symbolic links on the way are followed inside
    /// the image, 40 at most (as Linux's `ELOOP`); the last component's too when `followLast`.
    /// A path that ends in `/` must name a directory (its last link is followed), as POSIX says.
    /// - Returns: The root as `(PathTable.root, nil)`; any other path with its state.
    /// - Throws: `LookupError`.
    public func lookup(_ path: String, atLayer layer: Int, followLast: Bool = true) throws -> (node: PathTable.NodeID, state: NodeState?) {
        try lookup(bytes: Array(path.utf8), atLayer: layer, followLast: followLast)
    }

    /// `lookup` for a path given as bytes (names need not be UTF-8).
    public func lookup(bytes pathBytes: [UInt8], atLayer layer: Int, followLast: Bool = true) throws -> (node: PathTable.NodeID, state: NodeState?) {
        let paths = replay.paths
        let path = TerminalText.escape(bytes: pathBytes)
        let wantsDirectory = pathBytes.last == 0x2F && !Self.components(pathBytes).isEmpty
        let followLast = followLast || wantsDirectory
        var pending = Self.components(pathBytes).reversed() as [ArraySlice<UInt8>]
        var current = PathTable.root
        var currentState: NodeState? = nil
        var hops = 0
        while let name = pending.popLast() {
            if name.elementsEqual(".".utf8) { continue }
            if name.elementsEqual("..".utf8) {
                if current != PathTable.root { current = paths.parents[Int(current)] }
                currentState = current == PathTable.root ? nil : replay.state(current, atLayer: layer)
                continue
            }
            if let s = currentState, s.kind != .directory { throw LookupError.notADirectory(path, layer: layer) }
            guard let id = paths.names.lookup(name), let child = paths.existingChild(current, id) else {
                throw LookupError.notFound(path, layer: layer)
            }
            guard let state = replay.state(child, atLayer: layer) else {
                // the layer after the last one that had it removed it (or the folder holding it)
                let had = stride(from: layer - 1, through: 0, by: -1).first { replay.state(child, atLayer: $0) != nil }
                throw LookupError.notFound(path, layer: layer, removedBy: had.map { $0 + 1 })
            }
            if state.kind == .symlink && (followLast || !pending.isEmpty) {
                hops += 1
                if hops > 40 { throw LookupError.symlinkLoop(path) }
                let target = replay.linkTarget(state) ?? []
                if target.first == 0x2F {
                    current = PathTable.root
                    currentState = nil
                }
                pending.append(contentsOf: Self.components(target).reversed())
                continue
            }
            current = child
            currentState = state
        }
        if wantsDirectory, let s = currentState, s.kind != .directory { throw LookupError.notADirectory(path, layer: layer) }
        return (current, currentState)
    }

    /// Where the bytes of a regular file, or of a hardlink to one, lie: its layer and row.
    public func content(of state: NodeState) -> (layer: Int, row: Int)? {
        guard state.inode >= 0 else { return nil }
        let inode = replay.inodes[Int(state.inode)]
        return (Int(inode.layer), Int(inode.row))
    }

    /// The entries of directory `node` after layer `layer`, sorted by name (bytes).
    public func children(of node: PathTable.NodeID, atLayer layer: Int) -> [(node: PathTable.NodeID, state: NodeState)] {
        let paths = replay.paths
        return paths.children[Int(node)]
            .compactMap { c in replay.state(c, atLayer: layer).map { (c, $0) } }
            .sorted { paths.nameBytes($0.node).lexicographicallyPrecedes(paths.nameBytes($1.node)) }
    }

    /// `node` and everything below it after layer `layer`, parents before children.
    public func subtree(_ node: PathTable.NodeID, atLayer layer: Int) -> [(node: PathTable.NodeID, state: NodeState)] {
        var out: [(PathTable.NodeID, NodeState)] = []
        var stack: [PathTable.NodeID] = [node]
        while let n = stack.popLast() {
            if n != PathTable.root {
                guard let s = replay.state(n, atLayer: layer) else { continue }
                out.append((n, s))
                if s.kind != .directory { continue }
            }
            stack.append(contentsOf: replay.paths.children[Int(n)].reversed())
        }
        return out
    }

    /// The entries below `node` that exist at `layer` although `node` is not a directory there (a
    /// layer wrote `a/x` while `a` is a symbolic link or a file): kept by the replay as written, not
    /// reachable as paths of the filesystem.
    public func shadowed(under node: PathTable.NodeID, atLayer layer: Int) -> [PathTable.NodeID] {
        var out: [PathTable.NodeID] = []
        var stack = Array(replay.paths.children[Int(node)].reversed())
        while let n = stack.popLast() {
            if replay.state(n, atLayer: layer) != nil { out.append(n) }
            stack.append(contentsOf: replay.paths.children[Int(n)].reversed())
        }
        return out
    }

    static func components(_ path: [UInt8]) -> [ArraySlice<UInt8>] {
        path.split(separator: 0x2F, omittingEmptySubsequences: true)
    }
}
