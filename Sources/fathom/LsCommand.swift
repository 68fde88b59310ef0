import ArgumentParser
import FathomCore
import Foundation

/// `fathom ls IMAGE [PATH] [--layer N] [-l] [--json]`: a directory of an image after a layer.
struct LsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List a directory of an image (or name one file) as it is after a layer.",
        usage: "fathom ls IMAGE [PATH] [--layer N] [-l] [--json] [SOURCE OPTIONS]",
        discussion: """
        PATH defaults to /. A directory lists its entries, a file names itself; symbolic links on the way are followed inside the image, a link named by PATH itself is listed as a link. -l shows the type and permission bits, owner, size and the layer that wrote the entry, as ls -l does; --json writes the same as a JSON array. An image file literally named ls is given as ./ls.

        Examples:
          fathom ls app.tar /etc
          fathom ls -l app.tar /usr/local/bin --layer 3
          fathom ls --json app.tar /app
        """)

    @Argument(help: ArgumentHelp("The image, in any form fathom IMAGE takes.", valueName: "IMAGE"), completion: .file())
    var imagePath: String

    @Argument(help: ArgumentHelp("The directory or file in the image (default: /).", valueName: "PATH"))
    var path: String = "/"

    @Option(parsing: .unconditional, help: ArgumentHelp("The layer after which the directory is listed (0 = the base layer; default: the last).", valueName: "N"))
    var layer: Int?

    @Flag(name: .customShort("l"), help: "Long listing: type and mode, owner, size, the layer that wrote it, and link targets.")
    var long = false

    @Flag(help: "A JSON array of the entries (name, path, type, mode, uid, gid, size, layer, target).")
    var json = false

    func run() throws {
        let files = ImageFiles(image: imageOptions.load(imagePath))
        let at: Int
        let found: (node: PathTable.NodeID, state: NodeState?)
        do {
            at = try files.layer(layer)
            found = try CommandSupport.lookup(files, path, atLayer: at, followLast: false)
        } catch { CommandSupport.fail("\(imagePath): \(error)") }
        let entries: [(node: PathTable.NodeID, state: NodeState)]
        if let state = found.state, state.kind != .directory {
            entries = [(found.node, state)]
        } else {
            entries = files.children(of: found.node, atLayer: at)
        }
        let paths = files.replay.paths
        if json {
            var out = "["
            for (i, e) in entries.enumerated() {
                var fields: [String] = [
                    "\"name\":\(Self.jsonString(paths.nameBytes(e.node)))",
                    "\"path\":\(Self.jsonString([0x2F] + paths.pathBytes(e.node)))",
                    "\"type\":\"\(e.state.kind.name)\"", "\"mode\":\(e.state.mode)", "\"uid\":\(e.state.uid)", "\"gid\":\(e.state.gid)",
                    "\"size\":\(e.state.sizeBytes)", "\"layer\":\(e.state.layer)",
                ]
                if let target = files.replay.linkTarget(e.state) { fields.append("\"target\":\(Self.jsonString(target))") }
                out += (i == 0 ? "\n  {" : ",\n  {") + fields.joined(separator: ",") + "}"
            }
            out += entries.isEmpty ? "]\n" : "\n]\n"
            CommandSupport.printOut(out)
            return
        }
        var lines: [String] = []
        for e in entries {
            let name = TerminalText.escape(bytes: paths.nameBytes(e.node))
            guard long else { lines.append(name); continue }
            var line = e.state.modeString(markHardlinks: true) + " " + "\(e.state.uid):\(e.state.gid)".leftPadded(11) + " "
                + String(e.state.sizeBytes).leftPadded(12) + "  L" + String(e.state.layer).leftPadded(3, with: " ") + "  " + name
            if let target = files.replay.linkTarget(e.state) {
                line += (e.state.kind == .hardlink ? " => /" : " -> ") + TerminalText.escape(bytes: target)
            }
            lines.append(line)
        }
        CommandSupport.printOut((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")))
    }

    @OptionGroup var imageOptions: ImageOptions

    /// A JSON string of bytes that may not be UTF-8 (invalid sequences become U+FFFD).
    static func jsonString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let data = try! JSONSerialization.data(withJSONObject: [String(decoding: Array(bytes), as: UTF8.self)], options: .withoutEscapingSlashes)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

extension String {
    func leftPadded(_ width: Int, with c: Character = " ") -> String { String(repeating: c, count: max(0, width - count)) + self }
}
