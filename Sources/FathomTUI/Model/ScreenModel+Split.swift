import FathomCore

/// The split view (`A`, as in LayerX): the tree pane in two, the selected layer's changes above and the
/// filesystem as it stands at that layer below ("layers 0–N"), both following the layer selection and
/// the filters; Tab visits the upper tree, then the lower one.
final class LowerTree: @unchecked Sendable {
    let model: ScreenModel
    init(_ model: ScreenModel) { self.model = model }
}

extension ScreenModel {
    /// The tree's rectangles: the whole pane, or its upper and lower halves when split.
    var treeRects: (top: Rect, bottom: Rect?) {
        let t = layout.tree
        guard lower != nil, t.height >= 8 else { return (t, nil) }
        let upper = t.height / 2
        return (Rect(x: t.x, y: t.y, width: t.width, height: upper),
                Rect(x: t.x, y: t.y + upper, width: t.width, height: t.height - upper))
    }

    public var isSplit: Bool { lower != nil }

    mutating func toggleSplit() {
        if lower != nil {
            lower = nil
            lowerFocused = false
        } else {
            var m = ScreenModel(analysis: analysis, width: width, height: height, bindings: bindings)
            m.interrupt = interrupt
            lower = LowerTree(m)
            syncLower(keepingSelection: false)
        }
        clampAll()
    }

    /// What the lower tree follows: the layer and the filters, sort and columns.
    var splitSignature: [String] {
        [String(selectedLayer), hiddenStatuses.map { String($0.rawValue) }.sorted().joined(separator: ","), String(sortBySize), String(showAttributes),
         String(wrapNames), String(wastedOnly), String(minSizeBytes), filterText]
    }

    /// Brings the lower tree to the selected layer (the whole filesystem at it) and this model's filters.
    mutating func syncLower(keepingSelection: Bool = true) {
        guard let box = lower else { return }
        var m = box.model
        let node = keepingSelection ? m.selectedNode : nil
        m.width = width
        m.height = height
        m.treeHeightOverride = treeRects.bottom.map(\.height) ?? layout.tree.height
        m.focus = .tree
        m.hiddenStatuses = hiddenStatuses
        m.sortBySize = sortBySize
        m.showAttributes = showAttributes
        m.wrapNames = wrapNames
        m.wastedOnly = wastedOnly
        m.minSizeBytes = minSizeBytes
        m.filterText = filterText
        m.regex = regex
        m.selectedLayer = selectedLayer
        m.compareMode = .aggregated
        m.reloadSnapshot(keepingSelection: false)
        if let node, let i = m.rows.firstIndex(where: { $0.node == node }) { m.treeCursor = i; m.clampAll() }
        lower = LowerTree(m)
    }

    /// Keys the focused lower tree takes itself: moving, folding, and the file keys (view, copy, extract).
    func forwardsToLower(_ key: Key) -> Bool {
        guard lower != nil, lowerFocused, focus == .tree, !showHelp, !showAdvice, !showPackages, input == .none, viewer == nil, !key.isResize else {
            return false
        }
        switch key {
        case .wheelUp, .wheelDown: return true
        case .click: return false
        default: break
        }
        let own: Set<Action> = [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .toggleCollapseDir,
                                .toggleCollapseAllDir, .view, .copyPath, .copyContent, .extract]
        return bindings.action(for: key, in: .tree).map(own.contains) ?? false
    }

    /// The lower tree handles `key`; a viewer it opens, an extraction it asks for, a copy or a message
    /// are taken over by this model (they use the whole screen and the status bar).
    mutating func forwardToLower(_ key: Key) {
        guard let box = lower else { return }
        var m: ScreenModel
        switch key {
        case .wheelUp: m = box.model.handle(.up).handle(.up).handle(.up)
        case .wheelDown: m = box.model.handle(.down).handle(.down).handle(.down)
        default: m = box.model.handle(key)
        }
        effect = m.effect
        message = m.message
        if m.viewer != nil { viewer = m.viewer; m.viewer = nil }
        if m.input == .extractTo {
            input = .extractTo
            extractNode = m.extractNode
            extractInputText = m.extractInputText
            m.input = .none
        }
        m.effect = .none
        lower = LowerTree(m)
    }
}

extension Key {
    var isResize: Bool { if case .resize = self { return true } else { return false } }
}
