import FathomCore

// The advice overlay's keys: move between findings, Enter jumps to the finding's layer and top path.
extension ScreenModel {
    mutating func adviceKey(_ key: Key) {
        let count = analysis.advice.count
        if key == .enter { jumpToFinding(); return }
        if key == .escape || key == .char("q") || bindings.keys[.advice]?.contains(key) == true { showAdvice = false; return }
        adviceCursor = Self.listCursor(adviceCursor, after: bindings.action(for: key, in: .global), count: count, page: adviceListHeight)
    }

    /// An overlay list's cursor after a move (up, down, a page, the first or last row); other actions leave it.
    static func listCursor(_ cursor: Int, after action: Action?, count: Int, page: Int) -> Int {
        let last = max(0, count - 1), step = max(1, page - 1)
        switch action {
        case .down: return min(last, cursor + 1)
        case .up: return max(0, cursor - 1)
        case .pageDown: return min(last, cursor + step)
        case .pageUp: return max(0, cursor - step)
        case .home: return 0
        case .end: return last
        default: return cursor
        }
    }

    /// Rows the overlay gives the list of findings (the rest shows the selected one).
    var adviceListHeight: Int { max(1, min(analysis.advice.count, (height - 4) / 3)) }

    /// The layer that shipped the finding's largest path (for hidden bytes, the first layer named),
    /// the tree on that layer's changes, the path selected.
    private mutating func jumpToFinding() {
        guard analysis.advice.indices.contains(adviceCursor) else { showAdvice = false; return }
        let f = analysis.advice[adviceCursor]
        guard let top = f.paths.first else {
            message = f.layers.isEmpty ? "\(f.rule): the image config, not a path" : "\(f.rule): no path to show"
            if let layer = f.layers.first { show(layer: layer) }
            showAdvice = false
            return
        }
        let paths = analysis.replay.paths
        guard let node = paths.existingNode(forPath: Array(top.path.utf8.drop { $0 == 0x2F })) else {
            message = "\(top.path) is not in the union filesystem"
            showAdvice = false
            return
        }
        var layer = f.layers.first ?? selectedLayer
        if f.rule != "cleanup-in-later-layer", let s = analysis.replay.currentState(Int(node)), f.layers.contains(Int(s.layer)) { layer = Int(s.layer) }
        showAdvice = false
        jump(to: node, layer: layer)
    }
}
