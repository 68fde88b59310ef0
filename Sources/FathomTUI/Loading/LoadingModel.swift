import FathomCore
import Foundation

/// The explorer while the image is still loading. Before the outline arrives it is the loading screen
/// ("Loading X", blobs read, q cancels); once the layers are known it is the explorer's layout with the
/// layer list (index, stored size, command, and each decoded layer's entry count), the details known so far,
/// and where the file tree goes, a status of the layers read. Pure like `ScreenModel`: the terminal loop feeds
/// it `LoadProgress` snapshots and keys; `ScreenModel(analysis:continuing:)` takes over its selected layer.
public struct LoadingModel: TerminalScreen {
    /// What is being loaded (the archive path), for the loading screen.
    public let title: String
    public let bindings: KeyBindings
    public private(set) var width: Int
    public private(set) var height: Int
    /// The loading thread's reports so far.
    public private(set) var progress: LoadProgress
    public private(set) var selectedLayer = 0
    public private(set) var layerScroll = 0
    public private(set) var showHelp = false
    /// `.quit` when the user cancels the loading (the terminal loop returns `.cancelled`).
    public private(set) var effect: Effect = .none
    /// A one-line message for the status bar (a key that works only once the analysis is complete).
    public private(set) var message: String?

    /// - Parameters: width and height of the terminal, in cells.
    public init(title: String, width: Int, height: Int, bindings: KeyBindings = KeyBindings(), progress: LoadProgress = LoadProgress()) {
        self.title = title
        self.width = width
        self.height = height
        self.bindings = bindings
        self.progress = progress
        clamp()
    }

    /// The layers of the outline; empty before it arrives.
    public var layers: [ImageOutline.Layer] { progress.outline?.layers ?? [] }

    /// Whether the explorer's layout is shown (the outline is known and the terminal is large enough).
    public var showsExplorer: Bool { progress.outline != nil && !layout.isTooSmall }

    var layout: Layout { Layout(width: width, height: height, layerCount: layers.count) }

    /// The model with the loading thread's latest reports.
    public func updating(_ progress: LoadProgress) -> LoadingModel {
        var m = self
        m.progress = progress
        m.clamp()
        return m
    }

    // MARK: keys

    /// The model after `key`: q and Ctrl+C cancel (as on the loading screen), the layer pane's moves move
    /// the selection, `?` opens a short help; the other keys say they work once the analysis is complete.
    public func handle(_ key: Key) -> LoadingModel {
        var m = self
        m.effect = .none
        m.message = nil
        m.apply(key)
        return m
    }

    private mutating func apply(_ key: Key) {
        if case let .resize(w, h) = key { width = w; height = h; clamp(); return }
        if key == .ctrl("c") { effect = .quit; return }
        let action = bindings.action(for: key, in: .layers)
        if showHelp {  // as in the explorer: Esc, ? or q close the help
            if key == .escape || key == .char("q") || action == .help { showHelp = false }
            return
        }
        if key == .char("q") || action == .quit { effect = .quit; return }
        guard showsExplorer else { return }
        switch key {
        case let .wheelUp(x, y): if layout.layers.contains(x: x, y: y) { move(-3) }; return
        case let .wheelDown(x, y): if layout.layers.contains(x: x, y: y) { move(3) }; return
        case let .click(x, y):
            let row = layerScroll + (y - layout.layers.y - 2)
            if layout.layers.contains(x: x, y: y), layers.indices.contains(row) { selectedLayer = row; clamp() }
            return
        default: break
        }
        let page = max(1, pageHeight - 1)
        switch action {
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-page)
        case .pageDown: move(page)
        case .home: move(-Int.max / 2)
        case .end: move(Int.max / 2)
        case .help: showHelp = true
        case .none: break
        case .some: message = "the file tree, filters and advice open when the analysis is complete"
        }
    }

    private mutating func move(_ delta: Int) {
        selectedLayer = min(max(0, selectedLayer + delta), max(0, layers.count - 1))
        clamp()
    }

    var pageHeight: Int { max(1, layout.layers.height - 2) }

    private mutating func clamp() {
        selectedLayer = min(max(0, selectedLayer), max(0, layers.count - 1))
        layerScroll = ScreenModel.scroll(layerScroll, cursor: selectedLayer, page: pageHeight, count: layers.count)
    }
}

extension ScreenModel {
    /// The explorer for `analysis`, taking over from the loading explorer: same size, key bindings,
    /// selected layer and layer-list scroll, and the help overlay if it was open.
    public init(analysis: Analysis, continuing loading: LoadingModel) {
        self.init(analysis: analysis, width: loading.width, height: loading.height, bindings: loading.bindings)
        continueFrom(selectedLayer: loading.selectedLayer, layerScroll: loading.layerScroll, showHelp: loading.showHelp)
    }
}
