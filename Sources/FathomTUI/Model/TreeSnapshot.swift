import FathomCore

/// A path's change in the compared range, as dive colours it.
public enum DiffStatus: UInt8, Sendable, CaseIterable {
    case unmodified, added, modified, removed

    /// The marker column, readable without colour.
    public var marker: Character {
        switch self {
        case .unmodified: " "
        case .added: "+"
        case .modified: "~"
        case .removed: "-"
        }
    }
}

/// Which layers the file tree compares (dive-reference.md §6 "Compare modes").
public enum CompareMode: Sendable {
    /// Layers 0…L−1 against layer L: this layer's changes.
    case layer
    /// Layer 0 against layers 1…L: everything changed since the base layer.
    case aggregated
}

/// The file tree at one layer and compare mode: which paths show, with what status, state and size.
/// Derived from the replay once per (layer, mode); moving and filtering never rebuild it.
struct TreeSnapshot {
    let layer: Int
    let mode: CompareMode
    /// Per node (indexed by `PathTable.NodeID`): shown at all in this comparison.
    private(set) var included: [Bool]
    private(set) var status: [DiffStatus]
    /// The state shown: the one at the layer, or the removed one for removed paths.
    private(set) var states: [NodeState?]
    /// Bytes: a file's size; a directory's sum of the files below it (hardlinks add nothing).
    private(set) var sizes: [Int64]

    init(analysis: Analysis, layer: Int, mode: CompareMode) {
        self.layer = layer
        self.mode = mode
        let replay = analysis.replay
        let n = replay.paths.count
        included = Array(repeating: false, count: n)
        status = Array(repeating: .unmodified, count: n)
        states = Array(repeating: nil, count: n)
        sizes = Array(repeating: 0, count: n)
        included[0] = true

        if mode == .layer || layer == 0 {
            let diff = replay.diffs[layer]
            for id in 1..<n {
                if let s = replay.state(PathTable.NodeID(id), atLayer: layer) {
                    included[id] = true
                    states[id] = s
                }
            }
            for id in diff.added { status[Int(id)] = .added }
            for id in diff.modified + diff.metadataOnly { status[Int(id)] = .modified }
            for (id, s) in zip(diff.removed, diff.removedStates) {
                included[Int(id)] = true
                status[Int(id)] = .removed
                states[Int(id)] = s
            }
        } else {
            for id in 1..<n {
                let node = PathTable.NodeID(id)
                let base = replay.state(node, atLayer: 0)
                let now = replay.state(node, atLayer: layer)
                if let now {
                    included[id] = true
                    states[id] = now
                    if base == nil {
                        status[id] = .added
                    } else if replay.changed(node, inLayers: 1...layer), let base, Self.differs(base, now, replay) {
                        status[id] = .modified
                    }
                } else if let base {
                    included[id] = true
                    states[id] = base
                    status[id] = .removed
                }
            }
        }
        // Children were created after their parents, so walking IDs downwards is bottom-up.
        var changedBelow = Array(repeating: false, count: n)
        for id in stride(from: n - 1, to: 0, by: -1) where included[id] {
            let parent = Int(replay.paths.parents[id])
            if let s = states[id], s.kind == .file { sizes[id] += s.sizeBytes }
            if parent == 0 || states[parent]?.kind == .directory { sizes[parent] += sizes[id] }
            if status[id] != .unmodified || changedBelow[id] { changedBelow[parent] = true }
            if states[id]?.kind == .directory, status[id] == .unmodified, changedBelow[id] { status[id] = .modified }
        }
    }

    private static func differs(_ a: NodeState, _ b: NodeState, _ replay: Replay) -> Bool {
        a.kind != b.kind || replay.content(a) != replay.content(b) || a.mode != b.mode || a.uid != b.uid || a.gid != b.gid
            || (a.kind == .symlink && (a.layer != b.layer || a.row != b.row))
    }
}
