import FathomCore
import Foundation

// The explorer's ways into the files of a layer: the viewer (v), the clipboard (y, Y) and extraction (x).
extension ScreenModel {
    var files: ImageFiles { ImageFiles(analysis: analysis) }

    /// The selected tree row's node and the state shown for it (in this layer and compare mode).
    private var selectedEntry: (node: PathTable.NodeID, state: NodeState)? {
        guard let node = selectedNode, let state = snapshot.states[Int(node)] else { return nil }
        return (node, state)
    }

    private func pathText(_ node: PathTable.NodeID) -> String { "/" + DisplayName.of(analysis.replay.paths.pathBytes(node)) }

    /// The regular file a state shows, a symbolic link followed inside the image at this layer.
    private func regularFile(_ node: PathTable.NodeID, _ state: NodeState) throws -> (state: NodeState, via: String?) {
        guard state.kind == .symlink else { return (state, nil) }
        let target = analysis.replay.linkTarget(state) ?? []
        let found = try files.lookup(bytes: analysis.replay.paths.pathBytes(node), atLayer: selectedLayer, followLast: true)
        guard let s = found.state else { return (state, nil) }
        return (s, "→ " + DisplayName.of(target) + " (" + pathText(found.node) + ")")
    }

    /// Why the files of a layer cannot be read again, in one line that fits the status bar (standard
    /// input's reason, as the loader words it, is too long for it); nil when they can.
    private func unreadable(_ layer: Int) -> String? {
        guard case let .unavailable(why) = analysis.image.layers[layer].location else { return nil }
        return isStandardInput ? Self.standardInputReadOnce : why
    }

    /// The image was read from standard input (the loader names it so).
    private var isStandardInput: Bool { ["-", "standard input"].contains(analysis.image.archivePath) }

    static let standardInputReadOnce = "standard input is read once: save the image to a file, or use docker://NAME"

    mutating func openViewer() {
        guard let (node, shown) = selectedEntry else { message = "select a file to view it"; return }
        do {
            let (state, via) = try regularFile(node, shown)
            guard let content = files.content(of: state) else {
                message = "\(pathText(node)) is a \(state.kind.noun): nothing to view"
                return
            }
            if let why = unreadable(content.layer) { message = why; return }
            let layer = analysis.image.layers[content.layer]
            let bytes = FileBytes(layer: layer, row: content.row, archive: analysis.image.archivePath)
            var header = "layer \(shown.layer) · \(ByteFormat.si(state.sizeBytes)) (\(state.sizeBytes) bytes) · "
                + state.modeString() + " · \(state.uid):\(state.gid)"
            if let via { header += " · " + via }
            if state.kind == .hardlink, let target = analysis.replay.linkTarget(state) {
                header += " · hardlink: shares its bytes with /" + DisplayName.of(target)
            }
            if snapshot.status[Int(node)] == .removed { header += " · removed in layer \(selectedLayer): the version removed" }
            // `make bench` reads this phase (FATHOM_TIMINGS): from the key to the first screen's bytes
            viewer = try PhaseTimer.measure("viewer: first screen") {
                try ViewerModel(title: pathText(node), header: header, bytes: bytes, width: width, height: height)
            }
        } catch {
            message = "\(pathText(node)): \(error)"
        }
    }

    mutating func viewerKey(_ key: Key) {
        guard var v = viewer else { return }
        v.message = nil
        do {
            if v.searchInput != nil {
                switch key {
                case .enter: try v.commitSearch(interrupt)
                case .escape: v.cancelSearch()
                case .backspace: v.eraseSearch()
                case let .char(c): v.typeSearch(c)
                default: break
                }
                viewer = v
                return
            }
            switch key {
            case .escape, .char("q"): viewer = nil; return
            case .up, .char("k"), .wheelUp: try v.move(-1)
            case .down, .char("j"), .wheelDown: try v.move(1)
            case .pageUp, .char("u"), .char("b"): try v.move(-(v.pageRows - 1))
            case .pageDown, .char("d"), .char(" "): try v.move(v.pageRows - 1)
            case .home, .char("g"): v.home()
            case .end, .char("G"): try v.end()
            case .left, .char("h"): v.scrollColumns(-8)
            case .right, .char("l"): v.scrollColumns(8)
            case .char("w"): v.toggleWrap()
            case .char("/"): v.startSearch()
            case .char("n"): try v.find(forward: true, interrupt)
            case .char("N"): try v.find(forward: false, interrupt)
            case .char("y"):
                effect = .copy(Array(v.title.utf8))
                v.message = "copied the path \(v.title)"
            case .char("Y"):
                copy(v.bytes, binary: v.isBinary, into: &v.message)
            default: break
            }
        } catch {
            v.message = "\(error)"
        }
        viewer = v
    }

    mutating func copySelectedPath() {
        guard let (node, _) = selectedEntry else { message = "nothing selected to copy"; return }
        let path = "/" + String(decoding: analysis.replay.paths.pathBytes(node), as: UTF8.self)
        effect = .copy(Array(path.utf8))
        message = "copied the path \(pathText(node))"
    }

    mutating func copySelectedContent() {
        guard let (node, shown) = selectedEntry else { message = "nothing selected to copy"; return }
        do {
            let (state, _) = try regularFile(node, shown)
            guard let content = files.content(of: state) else { message = "\(pathText(node)) is a \(state.kind.noun): no text to copy"; return }
            if let why = unreadable(content.layer) { message = why; return }
            let bytes = FileBytes(layer: analysis.image.layers[content.layer], row: content.row, archive: analysis.image.archivePath)
            var note: String?
            copy(bytes, binary: ViewerModel.looksBinary(try bytes.read(at: 0, count: 8192)), into: &note)
            message = note
        } catch {
            message = "\(pathText(node)): \(error)"
        }
    }

    /// The most `Y` copies: terminals and tmux take OSC 52 sequences of a few hundred KiB at most.
    static let copyLimit = 64 << 10

    private mutating func copy(_ bytes: FileBytes, binary: Bool, into note: inout String?) {
        guard !binary else { note = "a binary file: not copied (x extracts it)"; return }
        do {
            let text = try bytes.read(at: 0, count: Self.copyLimit)
            effect = .copy(text)
            note = bytes.sizeBytes > Int64(Self.copyLimit)
                ? "copied the first \(Self.copyLimit) bytes of \(bytes.sizeBytes) (64 KiB at most)" : "copied \(text.count) bytes"
        } catch {
            note = "\(error)"
        }
    }

    mutating func startExtract() {
        guard let (node, _) = selectedEntry else { message = "select a file or directory to extract it"; return }
        guard snapshot.status[Int(node)] != .removed, analysis.replay.state(node, atLayer: selectedLayer) != nil else {
            message = "\(pathText(node)) is removed in layer \(selectedLayer): nothing to extract"
            return
        }
        extractNode = node
        input = .extractTo
    }

    /// What `x` would write: the entries under the node in this layer.
    var extractCount: Int { extractNode.map { files.subtree($0, atLayer: selectedLayer).count } ?? 0 }

    /// The folder `x` writes under: the one typed, the current one when nothing is.
    var extractFolder: String { extractInputText.isEmpty ? "." : extractInputText }

    /// What `x` does with entries already in the destination: stop and ask, replace them, keep them.
    enum ExistingEntries { case ask, replace, keep }

    /// Writes the node chosen by `x` under the folder typed; an entry already there stops it and asks
    /// (`extractReplace`): replace what exists, as `fathom extract --force` does, or keep it and write
    /// the rest.
    mutating func extract(existing: ExistingEntries = .ask) {
        guard let node = extractNode else { return }
        let folder = extractFolder
        do {
            try Extractor.makeDestination(folder)
            var options = Extractor.Options()
            options.force = existing == .replace
            options.keepExisting = existing == .keep
            let report = try Extractor.extract(files, roots: [node], atLayer: selectedLayer, to: folder, options: options)
            message = "wrote \(plural(report.files, "file")), \(plural(report.directories, "directory", "directories")), \(plural(report.symlinks, "link")) of \(pathText(node)) "
                + "under \(folder)" + (report.kept.isEmpty ? "" : ", kept \(plural(report.kept.count, "entry", "entries")) already there")
                + (report.skipped.isEmpty ? "" : " (\(report.skipped.count) not created: devices, FIFOs…)")
        } catch is LayerContent.Unavailable where isStandardInput {
            message = Self.standardInputReadOnce
        } catch let failure as Extractor.Failure where failure.exists && existing == .ask {
            extractExisting = failure.path
            input = .extractReplace
        } catch {
            message = "\(error)"
        }
    }
}
