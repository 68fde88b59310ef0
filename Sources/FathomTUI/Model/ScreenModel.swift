import FathomCore
import Foundation

/// The focusable panes, in `Tab` order.
public enum Pane: Sendable, CaseIterable { case layers, waste, tree }

/// What the backend must do after a key (like bubbletea's `Cmd`).
public enum Effect: Sendable, Equatable {
    case none, quit, suspend
    /// Put these bytes on the clipboard (OSC 52).
    case copy([UInt8])
}

/// A screen the terminal loop can run: pure key handling and rendering.
public protocol TerminalScreen {
    /// The screen after `key`; `effect` says whether to quit or suspend.
    func handle(_ key: Key) -> Self
    /// The whole screen as cells.
    func render() -> Grid
    var effect: Effect { get }
    /// The screen with `interrupt` for its long work (the terminal loop's status line and keys).
    func interrupted(by interrupt: Interrupt) -> Self
}

extension TerminalScreen {
    public func interrupted(by interrupt: Interrupt) -> Self { self }
}

/// One visible row of the file tree.
struct TreeRow: Equatable {
    var node: PathTable.NodeID
    var depth: Int
    /// Tree glyphs before the name (`│   ├── `).
    var prefix: String
    var isDirectory: Bool
    var isCollapsed: Bool
}

/// All UI state and the pure key handling. The analysis is immutable; keys change only view state.
public struct ScreenModel: TerminalScreen {
    public let analysis: Analysis
    public let bindings: KeyBindings
    public internal(set) var width: Int
    public internal(set) var height: Int
    public internal(set) var focus: Pane = .layers
    public internal(set) var selectedLayer = 0
    public internal(set) var compareMode: CompareMode = .layer
    public private(set) var layerScroll = 0
    public private(set) var wasteCursor = 0
    public private(set) var wasteScroll = 0
    public internal(set) var treeCursor = 0
    public internal(set) var treeScroll = 0
    public private(set) var collapsed = Set<PathTable.NodeID>()
    public internal(set) var hiddenStatuses = Set<DiffStatus>()
    public internal(set) var sortBySize = false
    public internal(set) var showAttributes = true
    public internal(set) var wrapNames = false
    public internal(set) var wastedOnly = false
    public internal(set) var minSizeBytes: Int64 = 0
    public internal(set) var filterText = ""
    public private(set) var filterError: String?
    /// Which text input has the keyboard: none, the path filter, the size filter.
    public internal(set) var input: Input = .none
    public private(set) var sizeInputText = ""
    public private(set) var showHelp = false
    public private(set) var helpScroll = 0
    /// The advice overlay: open, the selected finding (an index into `analysis.advice`).
    public internal(set) var showAdvice = false
    public internal(set) var adviceCursor = 0
    /// The packages overlay: open, the selected row (an index into `packageRows`).
    public internal(set) var showPackages = false
    public internal(set) var packagesCursor = 0
    public internal(set) var effect: Effect = .none
    /// A one-line message for the status bar (e.g. "no such path in this layer").
    public internal(set) var message: String?

    /// `extractReplace`: `x` found entries already in the destination and asks before replacing them.
    public enum Input: Sendable, Equatable { case none, pathFilter, sizeFilter, extractTo, extractReplace }
    /// The folder typed for `x` (extract), and the node it extracts.
    public internal(set) var extractInputText = "."
    /// The image path `x` found already in the destination (asked about while `input == .extractReplace`).
    var extractExisting = ""
    var extractNode: PathTable.NodeID?
    /// The file viewer, when open (it takes the keys and the screen).
    var viewer: ViewerModel?
    /// Lets a search through a large file show its progress and be stopped.
    var interrupt = Interrupt.never
    public var isViewerOpen: Bool { viewer != nil }

    /// The split view's lower tree (`A`); nil when not split.
    var lower: LowerTree?
    /// The lower tree has the keyboard (split view, tree focused).
    public internal(set) var lowerFocused = false
    /// The page height of this model's tree when it is a split view's lower tree.
    var treeHeightOverride: Int?

    var snapshot: TreeSnapshot
    /// With "wasted only" on: each directory's bytes of the wasted files shown below it (a folder's full size
    /// would hide where the waste is); empty otherwise.
    var wastedSizes: [Int64] = []
    var rows: [TreeRow] = []
    var regex: LinearRegex?
    /// Nodes whose inode the final filesystem does not show ("wasted only" filter).
    private let wastedInodes: Set<Int32>

    /// - Parameters: width and height of the terminal, in cells.
    public init(analysis: Analysis, width: Int, height: Int, bindings: KeyBindings = KeyBindings()) {
        self.analysis = analysis
        self.bindings = bindings
        self.width = width
        self.height = height
        snapshot = TreeSnapshot(analysis: analysis, layer: 0, mode: .layer)
        var wasted = Set<Int32>()
        for (i, inode) in analysis.replay.inodes.enumerated() where inode.visibleCount == 0 { wasted.insert(Int32(i)) }
        wastedInodes = wasted
        rebuildRows()
    }

    // MARK: keys

    /// The model after `key`; `effect` says whether to quit or suspend.
    public func interrupted(by interrupt: Interrupt) -> ScreenModel {
        var m = self
        m.interrupt = interrupt
        return m
    }

    public func handle(_ key: Key) -> ScreenModel {
        var m = self
        m.effect = .none
        m.message = nil
        if m.forwardsToLower(key) { m.forwardToLower(key); return m }
        let before = m.splitSignature
        m.apply(key)
        if m.lower != nil && (m.splitSignature != before || key.isResize) { m.syncLower() }
        return m
    }

    mutating func apply(_ key: Key) {
        if case let .resize(w, h) = key { width = w; height = h; viewer?.width = w; viewer?.height = h; clampAll(); return }
        if showHelp {
            switch bindings.action(for: key, in: .global) {
            case .down: helpScroll += 1
            case .up: helpScroll = max(0, helpScroll - 1)
            case .pageDown: helpScroll += max(1, height - 6)
            case .pageUp: helpScroll = max(0, helpScroll - max(1, height - 6))
            default: if key == .escape || key == .char("?") || key == .char("q") { showHelp = false; helpScroll = 0 }
            }
            return
        }
        if key == .ctrl("c") || (layout.isTooSmall && key == .char("q")) { effect = .quit; return }
        if viewer != nil { viewerKey(key); return }
        if showAdvice { adviceKey(key); return }
        if showPackages { packagesKey(key); return }
        if input != .none { editInput(key); return }
        if key == .ctrl("z") { effect = .suspend; return }
        switch key {
        case let .wheelUp(x, y): mouse(x: x, y: y, delta: -3); return
        case let .wheelDown(x, y): mouse(x: x, y: y, delta: 3); return
        case let .click(x, y): click(x: x, y: y); return
        default: break
        }
        let scope: Action.Scope = switch focus { case .layers: .layers; case .tree: .tree; case .waste: .waste }
        guard let action = bindings.action(for: key, in: scope) else { return }
        perform(action)
    }

    mutating func perform(_ action: Action) {
        switch action {
        case .quit: effect = .quit
        case .help: showHelp = true
        case .advice: showAdvice = true
        case .packages: showPackages = true; packagesCursor = 0
        case .toggleView:
            if lower != nil && focus == .tree && !lowerFocused {
                lowerFocused = true   // split: the upper tree, then the lower one
            } else if bindings.diveTabOrder {
                focus = focus == .tree ? .layers : .tree   // dive's Tab: layers ↔ tree
                lowerFocused = false
            } else {
                let all = Pane.allCases
                focus = all[(all.firstIndex(of: focus)! + 1) % all.count]
                lowerFocused = false
            }
        case .splitView: toggleSplit()
        case .filterFiles: input = .pathFilter; focus = .tree
        case .sizeFilter: input = .sizeFilter; if minSizeBytes == 0 { sizeInputText = "" }
        case .closeFilterFiles:
            if !filterText.isEmpty { clearPathFilter() }
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-max(1, pageHeight(for: focus) - 1))
        case .pageDown: move(max(1, pageHeight(for: focus) - 1))
        case .home: move(-Int.max / 2)
        case .end: move(Int.max / 2)
        case .left:
            if focus == .tree { collapseOrParent() } else if focus == .waste { focus = .layers }
        case .right:
            if focus == .tree { expand() } else { focus = focus == .layers ? .waste : .tree }
        case .compareLayer: setCompare(.layer)
        case .compareAll: setCompare(.aggregated)
        case .toggleCollapseDir: toggleCollapse()
        case .toggleCollapseAllDir: toggleCollapseAll()
        case .toggleSortOrder: sortBySize.toggle(); rebuildRows()
        case .toggleAddedFiles: toggleHidden(.added)
        case .toggleRemovedFiles: toggleHidden(.removed)
        case .toggleModifiedFiles: toggleHidden(.modified)
        case .toggleUnmodifiedFiles: toggleHidden(.unmodified)
        case .toggleAttributes: showAttributes.toggle()
        case .toggleWrap: wrapNames.toggle()
        case .toggleWastedOnly: wastedOnly.toggle(); rebuildRows()
        case .select: jumpToWaste()
        case .view: openViewer()
        case .copyPath: copySelectedPath()
        case .copyContent: copySelectedContent()
        case .extract: startExtract()
        }
    }

    private mutating func editInput(_ key: Key) {
        switch (input, key) {
        case (.extractTo, .ctrl("u")): extractInputText = ""
        case (.sizeFilter, .ctrl("u")): sizeInputText = ""
        case (.pathFilter, .ctrl("u")): filterText = ""; compileFilter()
        case (.extractTo, .enter):
            input = .none
            extract()
        case (.extractTo, .escape):
            input = .none
            message = "nothing extracted"
        case (.extractTo, .backspace):
            if !extractInputText.isEmpty { extractInputText.removeLast() }
        case (.extractTo, .char(let c)):
            extractInputText.append(c)
        case (.extractTo, _):
            break
        case (.extractReplace, .char("r")):
            input = .none
            extract(existing: .replace)
        case (.extractReplace, .escape), (.extractReplace, .char("k")), (.extractReplace, .char("n")):
            input = .none
            extract(existing: .keep)
        case (.extractReplace, _):
            break
        case (_, .escape):
            if input == .pathFilter { clearPathFilter() }
            input = .none
        case (_, .enter), (_, .tab):
            if input == .sizeFilter { commitSizeFilter() }
            input = .none
        case (.pathFilter, .backspace):
            if !filterText.isEmpty { filterText.removeLast(); compileFilter() }
        case (.sizeFilter, .backspace):
            if !sizeInputText.isEmpty { sizeInputText.removeLast() }
        case (.pathFilter, .char(let c)):
            filterText.append(c); compileFilter()
        case (.sizeFilter, .char(let c)):
            sizeInputText.append(c)
        case (_, .up), (_, .down):
            input = .none
            apply(key)
        default: break
        }
    }

    private mutating func compileFilter() {
        if filterText.isEmpty { regex = nil; filterError = nil; rebuildRowsKeepingSelection(); return }
        do {
            regex = try LinearRegex(filterText)
            filterError = nil
            rebuildRowsKeepingSelection()
        } catch {
            filterError = "invalid regular expression"  // keep the last valid filter, as dive does
        }
    }

    private mutating func commitSizeFilter() {
        let text = sizeInputText.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "0" { minSizeBytes = 0; rebuildRows(); return }
        do {
            minSizeBytes = Int64(clamping: try ByteAmount.parse(text))  // 9.3EB and up: no file is that large
            rebuildRows()
        } catch {
            message = "size filter: \(error.message) ('\(text)')"
        }
    }

    private mutating func toggleHidden(_ s: DiffStatus) {
        if hiddenStatuses.contains(s) { hiddenStatuses.remove(s) } else { hiddenStatuses.insert(s) }
        rebuildRows()
    }

    private mutating func setCompare(_ mode: CompareMode) {
        guard compareMode != mode else { return }
        compareMode = mode
        reloadSnapshot()
    }

    private mutating func move(_ delta: Int) {
        switch focus {
        case .layers:
            let count = analysis.image.layers.count
            let new = min(max(0, selectedLayer + delta), max(0, count - 1))
            if new != selectedLayer { selectedLayer = new; reloadSnapshot(keepingSelection: false) }
        case .waste:
            let count = analysis.dive.metrics.inefficientFiles.count
            wasteCursor = min(max(0, wasteCursor + delta), max(0, count - 1))
        case .tree:
            treeCursor = min(max(0, treeCursor + delta), max(0, rows.count - 1))
        }
        clampAll()
    }

    private mutating func mouse(x: Int, y: Int, delta: Int) {
        if let pane = paneAt(x: x, y: y) { focus = pane; move(delta) }
    }

    private mutating func click(x: Int, y: Int) {
        let l = layout
        if let bottom = treeRects.bottom, bottom.contains(x: x, y: y) {
            focus = .tree
            lowerFocused = true
        } else if l.tree.contains(x: x, y: y) {
            lowerFocused = false
            focus = .tree
            let row = treeScroll + (y - l.tree.y - 2)
            if row >= 0 && row < rows.count { treeCursor = row }
        } else if l.layers.contains(x: x, y: y) {
            focus = .layers
            let row = layerScroll + (y - l.layers.y - 2)
            if row >= 0 && row < analysis.image.layers.count && row != selectedLayer { selectedLayer = row; reloadSnapshot(keepingSelection: false) }
        } else if l.image.contains(x: x, y: y) {
            focus = .waste
            let row = wasteScroll + (y - l.wasteTableTop)
            if row >= 0 && row < analysis.dive.metrics.inefficientFiles.count { wasteCursor = row }
        }
        clampAll()
    }

    private func paneAt(x: Int, y: Int) -> Pane? {
        let l = layout
        if l.tree.contains(x: x, y: y) { return .tree }
        if l.layers.contains(x: x, y: y) { return .layers }
        if l.image.contains(x: x, y: y) { return .waste }
        return nil
    }

    // MARK: tree

    /// Rebuilds the tree for the selected layer and mode; the cursor stays on its path (a compare-mode
    /// switch) or goes back to the top (a new layer: its changes start there).
    mutating func reloadSnapshot(keepingSelection: Bool = true) {
        let current = keepingSelection && rows.indices.contains(treeCursor) ? rows[treeCursor].node : nil
        if !keepingSelection { treeCursor = 0; treeScroll = 0 }
        snapshot = TreeSnapshot(analysis: analysis, layer: selectedLayer, mode: compareMode)
        rebuildRows()
        if let current, let i = rows.firstIndex(where: { $0.node == current }) { treeCursor = i }
        clampAll()
    }

    var selectedNode: PathTable.NodeID? { rows.indices.contains(treeCursor) ? rows[treeCursor].node : nil }

    private mutating func toggleCollapse() {
        guard let row = rows.indices.contains(treeCursor) ? rows[treeCursor] : nil, row.isDirectory else { return }
        if collapsed.contains(row.node) { collapsed.remove(row.node) } else { collapsed.insert(row.node) }
        rebuildRows()
    }

    private mutating func toggleCollapseAll() {
        let dirs = (1..<analysis.replay.paths.count).filter { snapshot.states[$0]?.kind == .directory }.map { PathTable.NodeID($0) }
        // dive's toggle: collapse everything unless everything is already collapsed
        if dirs.allSatisfy(collapsed.contains) { collapsed.removeAll() } else { collapsed = Set(dirs) }
        let node = selectedNode
        rebuildRows()
        if let node, let i = rows.firstIndex(where: { $0.node == node }) { treeCursor = i } else { treeCursor = 0 }
        clampAll()
    }

    private mutating func collapseOrParent() {
        guard let row = rows.indices.contains(treeCursor) ? rows[treeCursor] : nil else { return }
        if row.isDirectory && !collapsed.contains(row.node) {
            collapsed.insert(row.node)
            rebuildRows()
        } else {
            let parent = analysis.replay.paths.parents[Int(row.node)]
            if let i = rows.firstIndex(where: { $0.node == parent }) { treeCursor = i }
        }
        clampAll()
    }

    private mutating func expand() {
        guard let row = rows.indices.contains(treeCursor) ? rows[treeCursor] : nil, row.isDirectory else { return }
        if collapsed.contains(row.node) { collapsed.remove(row.node); rebuildRows() }
    }

    /// Enter in the waste table: the layer that wastes the path (its first copy, which a later layer hides), the
    /// tree on that layer's changes with the path expanded and selected.
    private mutating func jumpToWaste() {
        let files = analysis.dive.metrics.inefficientFiles
        guard files.indices.contains(wasteCursor) else { return }
        let file = files[wasteCursor]
        let pathBytes = Array(file.pathBytes.drop { $0 == 0x2F })
        guard let node = analysis.replay.paths.existingNode(forPath: pathBytes) else {
            message = "\(DisplayName.of(file.pathBytes)) is not in the union filesystem"
            return
        }
        jump(to: node, layer: file.layers.first ?? selectedLayer)
    }

    /// Selects `layer` in the layers pane, its changes in the tree.
    mutating func show(layer: Int) {
        selectedLayer = layer
        compareMode = .layer
        focus = .layers
        reloadSnapshot(keepingSelection: false)
    }

    /// Takes over the loading explorer's view (`ScreenModel(analysis:continuing:)`): the selected layer with its
    /// changes in the tree, the layer list's scroll, the help overlay, so the screen does not jump.
    mutating func continueFrom(selectedLayer layer: Int, layerScroll scroll: Int, showHelp help: Bool) {
        layerScroll = scroll
        showHelp = help
        if layer != selectedLayer {
            selectedLayer = layer
            reloadSnapshot(keepingSelection: false)
        }
        clampAll()
    }

    /// Shows `layer`'s changes with every filter off, `node` expanded to and selected in the tree.
    mutating func jump(to node: PathTable.NodeID, layer: Int) {
        selectedLayer = layer
        compareMode = .layer
        let filtered = regex != nil || !hiddenStatuses.isEmpty || wastedOnly || minSizeBytes > 0
        filterText = ""; regex = nil; hiddenStatuses.removeAll(); wastedOnly = false; minSizeBytes = 0
        var a = analysis.replay.paths.parents[Int(node)]
        while a > 0 { collapsed.remove(a); a = analysis.replay.paths.parents[Int(a)] }
        reloadSnapshot(keepingSelection: false)
        focus = .tree
        if let i = rows.firstIndex(where: { $0.node == node }) {
            treeCursor = i
            treeScroll = max(0, i - pageHeight(for: .tree) / 2)
            if filtered { message = "filters turned off to show /\(DisplayName.of(analysis.replay.paths.pathBytes(node)))" }
        } else {
            message = "/\(DisplayName.of(analysis.replay.paths.pathBytes(node))) is not shown in layer \(selectedLayer)"
        }
        clampAll()
    }

    /// The bytes the tree shows for node `id`: its size, or with "wasted only" on, a directory's wasted bytes.
    func shownSize(_ id: Int) -> Int64 { wastedSizes.isEmpty ? snapshot.sizes[id] : wastedSizes[id] }

    /// Recomputes the visible rows from the snapshot, filters, collapsed set and sort order.
    mutating func rebuildRows() {
        let paths = analysis.replay.paths
        let n = paths.count
        let filtersActive = regex != nil || minSizeBytes > 0 || wastedOnly
        var visible = Array(repeating: false, count: n)
        for id in stride(from: n - 1, to: 0, by: -1) where snapshot.included[id] {
            // a busy mark on the status line when this takes long (the answer cannot stop it halfway)
            if id & 0x3FFF == 0 { interrupt.busy(filtersActive ? "filtering" : "listing", Double(n - id) / Double(n) / 2) }
            let isDir = snapshot.states[id]?.kind == .directory
            if visible[id] { visible[Int(paths.parents[id])] = true; continue }  // a child made it visible
            guard !hiddenStatuses.contains(snapshot.status[id]) else { continue }
            var pass = true
            if let regex {
                let path = "/" + DisplayName.of(paths.pathBytes(PathTable.NodeID(id)))
                pass = regex.matches(path)
            }
            if pass && minSizeBytes > 0 { pass = !isDir && snapshot.sizes[id] >= minSizeBytes }
            if pass && wastedOnly {
                let s = snapshot.states[id]
                pass = !isDir && (snapshot.status[id] == .removed || (s.map { $0.inode >= 0 && wastedInodes.contains($0.inode) } ?? false))
            }
            if isDir && filtersActive && !pass { continue }
            if pass { visible[id] = true; visible[Int(paths.parents[id])] = true }
        }
        wastedSizes = []
        if wastedOnly {
            // children have larger ids than their parents: one pass from the leaves up sums the shown files
            wastedSizes = Array(repeating: 0, count: n)
            for id in stride(from: n - 1, to: 0, by: -1) where visible[id] {
                if snapshot.states[id]?.kind != .directory { wastedSizes[id] = snapshot.sizes[id] }
                wastedSizes[Int(paths.parents[id])] += wastedSizes[id]
            }
        }
        // Depth first with an explicit stack (an image controls how deep its paths go): each frame is a
        // directory whose sorted children are being listed.
        func sortedChildren(_ node: PathTable.NodeID) -> [PathTable.NodeID] {
            var kids = paths.children[Int(node)].filter { visible[Int($0)] }
            if sortBySize {
                kids.sort { a, b in
                    let sa = shownSize(Int(a)), sb = shownSize(Int(b))
                    return sa != sb ? sa > sb : paths.nameBytes(a).lexicographicallyPrecedes(paths.nameBytes(b))
                }
            } else {
                kids.sort { paths.nameBytes($0).lexicographicallyPrecedes(paths.nameBytes($1)) }
            }
            return kids
        }
        var out: [TreeRow] = []
        var stack: [(kids: [PathTable.NodeID], next: Int, depth: Int, prefix: String)] = [(sortedChildren(PathTable.root), 0, 0, "")]
        while !stack.isEmpty {
            if out.count & 0x1FFF == 0x1FFF { interrupt.busy(sortBySize ? "sorting by size" : "sorting", min(1, 0.5 + Double(out.count) / Double(2 * n))) }
            let top = stack.count - 1
            let (kids, i, depth, prefix) = stack[top]
            guard i < kids.count else { stack.removeLast(); continue }
            stack[top].next += 1
            let k = kids[i]
            let last = i == kids.count - 1
            // a file that replaced a directory keeps the removed paths below it, so it can expand too
            let isDir = snapshot.states[Int(k)]?.kind == .directory || paths.children[Int(k)].contains { visible[Int($0)] }
            let isCollapsed = collapsed.contains(k)
            out.append(TreeRow(node: k, depth: depth, prefix: prefix + (last ? "└── " : "├── "), isDirectory: isDir,
                               isCollapsed: isCollapsed))
            if isDir && !isCollapsed { stack.append((sortedChildren(k), 0, depth + 1, prefix + (last ? "    " : "│   "))) }
        }
        rows = out
        clampAll()
    }

    // MARK: scrolling

    func pageHeight(for pane: Pane) -> Int {
        let l = layout
        let edge = bindings.frames ? 1 : 0   // a frame's bottom edge takes a row
        switch pane {
        case .layers: return max(1, l.layers.height - 2 - edge)
        case .waste: return max(1, l.image.y + l.image.height - l.wasteTableTop - edge)
        case .tree: return max(1, (treeHeightOverride ?? treeRects.top.height) - 2 - edge)
        }
    }

    /// Esc on the path filter: every row again, the row that was selected still selected (and shown).
    mutating func clearPathFilter() {
        filterText = ""; regex = nil; filterError = nil
        rebuildRowsKeepingSelection()
    }

    /// The rows again (the path filter changed), with the selected entry still selected, else its
    /// nearest folder that is still listed, else the first row.
    mutating func rebuildRowsKeepingSelection() {
        let kept = selectedNode
        rebuildRows()
        guard var n = kept else { return }
        // the entry and its folders, nearest first; one pass over the rows finds the nearest listed
        var chain: [PathTable.NodeID: Int] = [:]
        let parents = analysis.replay.paths.parents
        while n != PathTable.root { chain[n] = chain.count; n = parents[Int(n)] }
        var best: (rank: Int, row: Int)?
        for (i, row) in rows.enumerated() {
            if let rank = chain[row.node], rank < (best?.rank ?? Int.max) { best = (rank, i); if rank == 0 { break } }
        }
        treeCursor = best?.row ?? 0
        if let best { treeScroll = max(0, best.row - pageHeight(for: .tree) / 2) }
        clampAll()
    }

    mutating func clampAll() {
        let layerCount = analysis.image.layers.count
        selectedLayer = min(max(0, selectedLayer), max(0, layerCount - 1))
        layerScroll = Self.scroll(layerScroll, cursor: selectedLayer, page: pageHeight(for: .layers), count: layerCount)
        let wasteCount = analysis.dive.metrics.inefficientFiles.count
        wasteCursor = min(max(0, wasteCursor), max(0, wasteCount - 1))
        wasteScroll = Self.scroll(wasteScroll, cursor: wasteCursor, page: pageHeight(for: .waste), count: wasteCount)
        treeCursor = min(max(0, treeCursor), max(0, rows.count - 1))
        treeScroll = Self.scroll(treeScroll, cursor: treeCursor, page: pageHeight(for: .tree), count: rows.count)
    }

    static func scroll(_ scroll: Int, cursor: Int, page: Int, count: Int) -> Int {
        var s = scroll
        if cursor < s { s = cursor }
        if cursor >= s + page { s = cursor - page + 1 }
        return max(0, min(s, max(0, count - page)))
    }
}
