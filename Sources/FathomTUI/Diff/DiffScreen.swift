import FathomCore
import Foundation

/// `fathom diff` on a terminal: the comparison's summary above, the union of both final
/// filesystems as a tree below (delta colours: green added, red removed, yellow modified), with
/// a "changed only" filter and a sort by delta. Pure key handling and rendering, like `ScreenModel`.
public struct DiffScreen: TerminalScreen {
    public let diff: ImageDiff
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var changedOnly = true
    public private(set) var sortByDelta = false
    public private(set) var cursor = 0
    public private(set) var scroll = 0
    public private(set) var showHelp = false
    public private(set) var effect: Effect = .none
    var collapsed = Set<DiffTree.NodeID>()
    let tree: DiffTree
    private(set) var rows: [(node: DiffTree.NodeID, prefix: String)] = []

    /// - Parameters: width and height of the terminal, in cells.
    public init(diff: ImageDiff, width: Int, height: Int) {
        self.diff = diff
        self.width = width
        self.height = height
        tree = DiffTree(diff)
        rebuildRows()
    }

    static let headerHeight = 8

    var pageHeight: Int { max(1, height - Self.headerHeight - 1) }

    public func handle(_ key: Key) -> DiffScreen {
        var m = self
        m.effect = .none
        m.apply(key)
        return m
    }

    private mutating func apply(_ key: Key) {
        if case let .resize(w, h) = key { width = w; height = h; clamp(); return }
        if showHelp { showHelp = false; return }
        switch key {
        case .ctrl("c"), .char("q"): effect = .quit
        case .ctrl("z"): effect = .suspend
        case .char("?"): showHelp = true
        case .down, .char("j"): move(1)
        case .up, .char("k"): move(-1)
        case .pageDown, .char("d"): move(pageHeight - 1)
        case .pageUp, .char("u"): move(-(pageHeight - 1))
        case .home: move(-Int.max / 2)
        case .end: move(Int.max / 2)
        case .char("c"), .ctrl("u"):
            let node = selected
            changedOnly.toggle()
            rebuildRows(keeping: node)
        case .ctrl("o"):
            let node = selected
            sortByDelta.toggle()
            rebuildRows(keeping: node)
        case .char(" "):
            guard let node = selected, !tree.children[Int(node)].isEmpty else { return }
            if collapsed.contains(node) { collapsed.remove(node) } else { collapsed.insert(node) }
            rebuildRows(keeping: node)
        case .left, .char("h"):
            guard let node = selected else { return }
            if !tree.children[Int(node)].isEmpty && !collapsed.contains(node) {
                collapsed.insert(node)
                rebuildRows(keeping: node)
            } else if let i = rows.firstIndex(where: { $0.node == tree.parents[Int(node)] }) {
                cursor = i
                clamp()
            }
        case .right, .char("l"):
            guard let node = selected, collapsed.contains(node) else { return }
            collapsed.remove(node)
            rebuildRows(keeping: node)
        default: break
        }
    }

    var selected: DiffTree.NodeID? { rows.indices.contains(cursor) ? rows[cursor].node : nil }

    private mutating func move(_ delta: Int) {
        cursor = min(max(0, cursor + delta), max(0, rows.count - 1))
        clamp()
    }

    private mutating func clamp() {
        cursor = min(max(0, cursor), max(0, rows.count - 1))
        scroll = ScreenModel.scroll(scroll, cursor: cursor, page: pageHeight, count: rows.count)
    }

    mutating func rebuildRows(keeping node: DiffTree.NodeID? = nil) {
        var out: [(DiffTree.NodeID, String)] = []
        func visible(_ n: DiffTree.NodeID) -> Bool { !changedOnly || tree.change[Int(n)] != nil || tree.changedBelow[Int(n)] }
        func sortedChildren(_ n: DiffTree.NodeID) -> [DiffTree.NodeID] {
            var kids = tree.children[Int(n)].filter(visible)
            if sortByDelta {
                kids.sort { a, b in
                    let da = abs(tree.bytesAfter[Int(a)] - tree.bytesBefore[Int(a)]), db = abs(tree.bytesAfter[Int(b)] - tree.bytesBefore[Int(b)])
                    return da != db ? da > db : tree.names[Int(a)] < tree.names[Int(b)]
                }
            } else {
                kids.sort { tree.names[Int($0)].utf8.lexicographicallyPrecedes(tree.names[Int($1)].utf8) }
            }
            return kids
        }
        // depth first with an explicit stack: an image controls how deep its paths go
        var stack: [(kids: [DiffTree.NodeID], next: Int, prefix: String)] = [(sortedChildren(0), 0, "")]
        while !stack.isEmpty {
            let top = stack.count - 1
            let (kids, i, prefix) = stack[top]
            guard i < kids.count else { stack.removeLast(); continue }
            stack[top].next += 1
            let k = kids[i], last = i == kids.count - 1
            out.append((k, prefix + (last ? "└── " : "├── ")))
            if !collapsed.contains(k) { stack.append((sortedChildren(k), 0, prefix + (last ? "    " : "│   "))) }
        }
        rows = out
        if let node, let i = rows.firstIndex(where: { $0.node == node }) { cursor = i }
        clamp()
    }

    // MARK: rendering

    public func render() -> Grid {
        var g = Grid(width: width, height: height)
        guard width >= 40, height >= 10 else {
            g.put(DisplayWidth.truncate("fathom diff needs at least 40×10; q quits", to: width), x: 0, y: 0, style: .warning)
            return g
        }
        let t = diff.totals, l = diff.layers, f = diff.files
        g.fill(x: 0, y: 0, count: width, style: .titleFocused)
        let title = " fathom diff  \(diff.old.image.archivePath) → \(diff.new.image.archivePath)"
        g.put(DisplayWidth.truncate(title, to: width), x: 0, y: 0, style: .titleFocused, maxWidth: width)
        let growth = t.growthRatio.map { String(format: "%+.2f %%", $0 * 100).replacingOccurrences(of: "-", with: "−") } ?? "n/a"
        let lines = [
            "Final bytes \(ByteFormat.si(t.finalBytes.old)) → \(ByteFormat.si(t.finalBytes.new)) (\(Self.signed(t.finalBytes.delta)), \(growth))   "
                + "reclaimable \(ByteFormat.si(t.reclaimableBytes.old)) → \(ByteFormat.si(t.reclaimableBytes.new))",
            "Layers: \(l.layers.filter(\.shared).count) of NEW's \(l.layers.count) shared; download given OLD "
                + "\(ByteFormat.si(l.downloadBytes)) (\(l.downloadMeasure.rawValue))",
            l.firstCacheMiss.map { "First cache miss: layer \($0.index): \(LayerCommand.display($0.command, comment: $0.comment))" } ?? "First cache miss: none (every layer of NEW is in OLD)",
            "Files: " + FileChangeKind.allCases.map { "\(f.count($0)) \(Self.label($0))" }.joined(separator: ", "),
            Self.adviceLine(diff.advice),
        ]
        for (i, line) in lines.enumerated() {
            g.put(DisplayWidth.truncate(line, to: width - 1), x: 1, y: 1 + i, style: i == 0 ? .bold : .normal, maxWidth: width - 1)
        }
        let paneTitle = "▶ Files (" + (changedOnly ? "changed only" : "all paths") + ", sorted by " + (sortByDelta ? "delta" : "name") + ")"
        g.fill(x: 0, y: 6, count: width, style: .title)
        g.put(DisplayWidth.truncate(paneTitle, to: width - 1), x: 1, y: 6, style: .title)
        let columns = "  " + TextReportPad.left("Before", 9) + " " + TextReportPad.left("After", 9) + " " + TextReportPad.left("Delta", 10) + "  Path"
        g.put(DisplayWidth.truncate(columns, to: width - 1), x: 1, y: 7, style: .bold)
        for row in 0..<pageHeight {
            let i = scroll + row
            guard i < rows.count else { break }
            let (n, prefix) = rows[i]
            let y = Self.headerHeight + row
            let before = tree.bytesBefore[Int(n)], after = tree.bytesAfter[Int(n)]
            let change = tree.change[Int(n)]
            let move = tree.moves[n]
            let marker = move.map { $0.origin ? "<" : ">" } ?? change.map(Self.marker) ?? (tree.changedBelow[Int(n)] ? "·" : " ")
            let style: Style = i == cursor ? .selected : change.map(Self.style) ?? .normal
            if i == cursor { g.fill(x: 0, y: y, count: width, style: style) }
            let arrived = change == .added || move?.origin == false, left = change == .removed || move?.origin == true
            let bytes = TextReportPad.left(arrived ? "" : ByteFormat.si(before), 9) + " "
                + TextReportPad.left(left ? "" : ByteFormat.si(after), 9) + " "
                + TextReportPad.left(after == before ? "" : Self.signed(after - before), 10)
            let name = tree.names[Int(n)] + (tree.isDirectory[Int(n)] && collapsed.contains(n) ? "/ …" : "")
                + (move.map { ($0.origin ? "  → " : "  ← ") + $0.peer } ?? "")
            g.put(DisplayWidth.truncate("\(marker) \(bytes)  \(prefix)\(name)", to: width - 1), x: 1, y: y, style: style, maxWidth: width - 1)
        }
        if rows.isEmpty {
            g.put(changedOnly ? "No changed paths: the final filesystems are identical." : "Both final filesystems are empty.",
                  x: 2, y: Self.headerHeight, style: .dim)
        }
        g.fill(x: 0, y: height - 1, count: width, style: .statusBar)
        let status = " q Quit  c " + (changedOnly ? "All paths" : "Changed only") + "  ^O Sort  Space Collapse  ←→ Fold  ? Help"
            + "   (\(rows.isEmpty ? 0 : cursor + 1)/\(rows.count))"
        g.put(DisplayWidth.truncate(status, to: width), x: 0, y: height - 1, style: .statusBar)
        if showHelp {
            let help = ["+ added  - removed  ~ modified  m metadata only  t type changed  · changed below",
                        "> moved here (← from)  < moved away (→ to): the same content, 1 KiB or more",
                        "Before / After: bytes in OLD / NEW (directories: the sum below them)",
                        "↑↓ PgUp PgDn Home End move · ← → h l fold · Space collapse · c changed only / all · Ctrl+O sort by name / |delta| · q quit",
                        "any key closes this help"]
            let w = min(width - 2, (help.map { DisplayWidth.of($0) }.max() ?? 40) + 4)
            let y0 = max(0, height / 2 - 3)
            for (i, line) in ([""] + help + [""]).enumerated() {
                g.fill(x: 1, y: y0 + i, count: w, style: .titleFocused)
                g.put(DisplayWidth.truncate(line, to: w - 4), x: 3, y: y0 + i, style: .titleFocused)
            }
        }
        return g
    }

    /// `Advice: 9 fixed (high secrets-in-layers, medium runs-as-root, …), 1 introduced (…)`.
    static func adviceLine(_ a: AdviceComparison) -> String {
        guard !a.entries.isEmpty else { return "Advice: none in either image" }
        let parts = AdviceComparison.Status.allCases.compactMap { status -> String? in
            let entries = a.entries.filter { $0.status == status }
            guard !entries.isEmpty, status != .unchanged else { return nil }
            return "\(entries.count) \(status.rawValue) (" + entries.map { "\($0.severity.rawValue) \($0.rule)" }.joined(separator: ", ") + ")"
        }
        return "Advice: " + (parts.isEmpty ? "\(a.count(.unchanged)) unchanged" : parts.joined(separator: "; "))
    }

    static func signed(_ bytes: Int64) -> String { (bytes < 0 ? "−" : "+") + ByteFormat.si(abs(bytes)) }

    static func marker(_ c: FileChangeKind) -> String {
        switch c {
        case .added: "+"
        case .removed: "-"
        case .modified: "~"
        case .metadataOnly: "m"
        case .typeChanged: "t"
        case .moved: ">"
        }
    }

    static func label(_ c: FileChangeKind) -> String {
        switch c {
        case .added: "added"
        case .removed: "removed"
        case .modified: "modified"
        case .metadataOnly: "metadata only"
        case .typeChanged: "type changed"
        case .moved: "moved"
        }
    }

    static func style(_ c: FileChangeKind) -> Style {
        switch c {
        case .added: .added
        case .removed: .removed
        case .modified, .typeChanged: .modified
        case .metadataOnly, .moved: .dim
        }
    }
}
