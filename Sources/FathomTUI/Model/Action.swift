import FathomCore
import Foundation

/// What a key does. Bindings are per pane, as in dive (`ctrl+a` means "aggregated" in the layers
/// pane and "hide added" in the tree).
public enum Action: String, Sendable, CaseIterable {
    case quit, toggleView = "toggle-view", filterFiles = "filter-files", closeFilterFiles = "close-filter-files"
    case up, down, left, right, pageUp = "page-up", pageDown = "page-down", home, end
    case compareLayer = "compare-layer", compareAll = "compare-all"
    case toggleCollapseDir = "toggle-collapse-dir", toggleCollapseAllDir = "toggle-collapse-all-dir"
    case toggleSortOrder = "toggle-sort-order"
    case toggleAddedFiles = "toggle-added-files", toggleRemovedFiles = "toggle-removed-files"
    case toggleModifiedFiles = "toggle-modified-files", toggleUnmodifiedFiles = "toggle-unmodified-files"
    case toggleAttributes = "toggle-filetree-attributes", toggleWrap = "toggle-wrap-tree"
    // fathom's
    case help, sizeFilter = "size-filter", toggleWastedOnly = "toggle-wasted-only", select, advice
    case view = "view-file", copyPath = "copy-path", copyContent = "copy-content", extract
    case splitView = "split-view", packages

    /// Where a binding applies.
    public enum Scope: Sendable { case global, layers, tree, waste }

    /// dive's default keys (dive-reference.md §6) and fathom's additions.
    public static let defaults: [(Action, Scope, [Key])] = [
        (.quit, .global, [.ctrl("c"), .char("q")]),
        (.toggleView, .global, [.tab]),
        (.filterFiles, .global, [.ctrl("f"), .ctrlSlash, .char("/")]),
        (.closeFilterFiles, .global, [.escape]),
        (.up, .global, [.up, .char("k")]),
        (.down, .global, [.down, .char("j")]),
        (.left, .global, [.left, .char("h")]),
        (.right, .global, [.right, .char("l")]),
        (.pageUp, .global, [.pageUp, .char("u")]),
        (.pageDown, .global, [.pageDown, .char("d")]),
        (.home, .global, [.home]),
        (.end, .global, [.end]),
        (.help, .global, [.char("?")]),
        (.advice, .global, [.char("a")]),
        (.splitView, .global, [.char("A")]),
        (.packages, .global, [.char("p")]),
        (.compareLayer, .layers, [.ctrl("l")]),
        (.compareAll, .layers, [.ctrl("a")]),
        (.toggleCollapseDir, .tree, [.char(" ")]),
        (.toggleCollapseAllDir, .tree, [.ctrlSpace]),
        (.toggleSortOrder, .tree, [.ctrl("o")]),
        (.toggleAddedFiles, .tree, [.ctrl("a")]),
        (.toggleRemovedFiles, .tree, [.ctrl("r")]),
        // a terminal sends Ctrl+M as Enter (both are byte 13), so Enter in the tree does the same
        (.toggleModifiedFiles, .tree, [.ctrl("m"), .enter]),
        (.toggleUnmodifiedFiles, .tree, [.ctrl("u")]),
        (.toggleAttributes, .tree, [.ctrl("b")]),
        (.toggleWrap, .tree, [.ctrl("p")]),
        (.sizeFilter, .tree, [.char("s")]),
        (.toggleWastedOnly, .tree, [.char("w")]),
        (.select, .waste, [.enter]),
        (.view, .tree, [.char("v")]),
        (.copyPath, .tree, [.char("y")]),
        (.copyContent, .tree, [.char("Y")]),
        (.extract, .tree, [.char("x")]),
    ]

    /// A short description for the help overlay.
    public var summary: String {
        switch self {
        case .quit: "quit"
        case .toggleView: "switch pane (layers → waste table → file tree)"
        case .filterFiles: "filter paths (regular expression, live)"
        case .closeFilterFiles: "close the filter / overlay"
        case .up: "move up"
        case .down: "move down"
        case .left: "tree: collapse or go to parent"
        case .right: "tree: expand"
        case .pageUp: "page up"
        case .pageDown: "page down"
        case .home: "first row"
        case .end: "last row"
        case .compareLayer: "layers: show this layer's changes"
        case .compareAll: "layers: show all changes since the base layer"
        case .toggleCollapseDir: "tree: collapse / expand directory"
        case .toggleCollapseAllDir: "tree: collapse / expand all"
        case .toggleSortOrder: "tree: sort by name / size"
        case .toggleAddedFiles: "tree: hide / show added"
        case .toggleRemovedFiles: "tree: hide / show removed"
        case .toggleModifiedFiles: "tree: hide / show modified (Enter is ^M on a terminal)"
        case .toggleUnmodifiedFiles: "tree: hide / show unmodified"
        case .toggleAttributes: "tree: permission, owner, size columns"
        case .toggleWrap: "tree: wrap long names"
        case .help: "this help"
        case .sizeFilter: "tree: only entries of at least N bytes (e.g. 1MB)"
        case .toggleWastedOnly: "tree: only paths whose bytes the final image does not show"
        case .select: "waste table: jump to the path in the layer that wastes it"
        case .advice: "advice: which step wastes what, and the fix (Enter jumps to the layer and path)"
        case .view: "tree: view the file as it is in this layer (text or hex; a link is followed inside the image)"
        case .copyPath: "tree: copy the path to the clipboard (OSC 52: works over SSH and in tmux)"
        case .copyContent: "tree: copy the file's text (64 KiB at most) to the clipboard"
        case .extract: "tree: write the file or directory, as it is in this layer, under a folder"
        case .splitView: "split the tree: this layer's changes / the filesystem at this layer (Tab between)"
        case .packages: "packages: this layer's installed, upgraded, removed; the image's by bytes (Enter: its layer)"
        }
    }
}

/// Key → action tables per scope; built from the defaults, then a config file's `keybinding:` entries.
public struct KeyBindings: Sendable {
    var global: [Key: Action] = [:]
    var layers: [Key: Action] = [:]
    var tree: [Key: Action] = [:]
    var waste: [Key: Action] = [:]
    /// The keys of each action (for the help overlay and the status bar).
    public private(set) var keys: [Action: [Key]] = [:]
    /// `tab-order: dive` in the config file: Tab switches between the layers and the tree only, as in
    /// dive (fathom's default also visits the inefficient-files table).
    public var diveTabOrder = false
    /// `frames: true` in the config file: panes in box frames, as dive draws them (the default is the
    /// compact look: a title bar each, one more row and two more columns of content per pane).
    public var frames = false

    public init() {
        for (action, scope, keys) in Action.defaults { bind(action, scope, keys) }
    }

    mutating func bind(_ action: Action, _ scope: Action.Scope, _ newKeys: [Key]) {
        // replace the action's previous keys in this scope
        for table in [\KeyBindings.global, \KeyBindings.layers, \KeyBindings.tree, \KeyBindings.waste] {
            self[keyPath: table] = self[keyPath: table].filter { $0.value != action }
        }
        for k in newKeys {
            switch scope {
            case .global: global[k] = action
            case .layers: layers[k] = action
            case .tree: tree[k] = action
            case .waste: waste[k] = action
            }
        }
        keys[action] = newKeys
    }

    /// The action of `key` in `scope` (the pane's own table first, then the global one).
    public func action(for key: Key, in scope: Action.Scope) -> Action? {
        let local: [Key: Action]
        switch scope {
        case .layers: local = layers
        case .tree: local = tree
        case .waste: local = waste
        case .global: local = [:]
        }
        return local[key] ?? global[key]
    }

    /// Applies a YAML config (`keybinding: {quit: "ctrl+c,q", …}` with dive's key names).
    /// - Throws: `KeyBindingError` naming the file and the bad entry.
    public mutating func apply(yaml: String, file: String) throws {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(yaml) } catch {
            throw KeyBindingError(message: "\(file): invalid YAML: \(error)")
        }
        if let order = root?["tab-order"] {
            switch order.string {
            case "dive": diveTabOrder = true
            case "fathom": diveTabOrder = false
            default: throw KeyBindingError(message: "\(file): tab-order: 'dive' (layers ↔ tree) or 'fathom' (layers → inefficient files → tree)")
            }
        }
        if let f = root?["frames"] {
            switch f.string?.lowercased() {
            case "true", "yes", "on": frames = true
            case "false", "no", "off": frames = false
            default: throw KeyBindingError(message: "\(file): frames: true (boxes around the panes, as dive) or false (the compact look)")
            }
        }
        guard let table = root?["keybinding"]?.mapping else { return }
        for pair in table {
            let name = pair.key.label
            let normalized = name == "toggle-unchanged-files" ? "toggle-unmodified-files" : name
            guard let action = Action(rawValue: normalized) else {
                throw KeyBindingError(message: "\(file): unknown key binding \(CIConfigError.quoted(name))")
            }
            guard let text = pair.value.string else {
                throw KeyBindingError(message: "\(file): \(name): the keys must be one string (\"ctrl+c,q\"), not \(pair.value.label)")
            }
            var parsed: [Key] = []
            for part in text.split(separator: ",") {
                guard let key = Key(diveName: String(part)) else {
                    throw KeyBindingError(message: "\(file): \(name): unknown key '\(part.trimmingCharacters(in: .whitespaces))'")
                }
                parsed.append(key)
            }
            let scope = Action.defaults.first { $0.0 == action }?.1 ?? .global
            bind(action, scope, parsed)
        }
    }
}

/// A key-binding config problem: `FILE: what is wrong`.
public struct KeyBindingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Key {
    /// How the help overlay and status bar name a key.
    public var label: String {
        switch self {
        case let .char(c): c == " " ? "Space" : String(c)
        case let .ctrl(c): "^" + String(c).uppercased()
        case .ctrlSpace: "^Space"
        case .ctrlSlash: "^/"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .resize: "resize"
        case .wheelUp: "wheel↑"
        case .wheelDown: "wheel↓"
        case .click: "click"
        }
    }
}

