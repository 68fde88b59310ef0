import ArgumentParser
import FathomCore
import Foundation

/// `fathom cat IMAGE PATH [--layer N]`: one file's bytes as they are after a layer, on standard output.
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Write one file of an image to standard output, as it is after a layer.",
        usage: "fathom cat IMAGE PATH [--layer N] [--image NAME[:TAG]] [--platform os/arch[/variant]] [SOURCE OPTIONS]",
        discussion: """
        PATH is looked up as a program in the container would look it up: with or without its leading /, symbolic links followed inside the image (never on this machine). Layers are numbered as the explorer and the JSON report number them, 0 being the base layer; the default is the last layer (the final filesystem). The bytes come from the layer blob itself: an archive file is read again at the file's offset, a registry's blob is fetched again, a Docker engine is asked again; standard input cannot be read twice (save the image to a file, or use docker://NAME). An image file literally named cat is given as ./cat.

        Examples:
          fathom cat app.tar /etc/os-release
          fathom cat app.tar etc/passwd --layer 2
          fathom cat registry://127.0.0.1:5000/app:1 /app/config.ini --insecure
        """)

    @Argument(help: ArgumentHelp("The image, in any form fathom IMAGE takes.", valueName: "IMAGE"), completion: .file())
    var imagePath: String

    @Argument(help: ArgumentHelp("The file in the image.", valueName: "PATH"))
    var path: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The layer after which the file is read (0 = the base layer; default: the last).", valueName: "N"))
    var layer: Int?

    @OptionGroup var imageOptions: ImageOptions

    func run() throws {
        let files = ImageFiles(image: imageOptions.load(imagePath))
        let at: Int
        let found: (node: PathTable.NodeID, state: NodeState?)
        do {
            at = try files.layer(layer)
            found = try CommandSupport.lookup(files, path, atLayer: at)
        } catch { CommandSupport.fail("\(imagePath): \(error)") }
        guard let state = found.state, state.kind == .file || state.kind == .hardlink else {
            let kind = found.state?.kind.noun ?? "directory"
            CommandSupport.fail("\(imagePath): \(TerminalText.escape(bytes: CommandSupport.pathBytes(path))): a \(kind), not a regular file, after layer \(at)")
        }
        guard let content = files.content(of: state) else {
            CommandSupport.fail("\(imagePath): \(TerminalText.escape(bytes: CommandSupport.pathBytes(path))): a hardlink whose target is missing")
        }
        do {
            try LayerContent.forEach(rows: [content.row], of: files.image.layers[content.layer], archive: imagePath) { _, next in
                while true {
                    let block = try next()
                    if block.isEmpty { break }
                    try CommandSupport.writeAll(1, block)
                }
            }
        } catch let e as CommandSupport.WriteFailure {
            CommandSupport.fail("standard output: \(e.reason)")
        } catch {
            CommandSupport.fail(CommandSupport.describe(error, input: imagePath))
        }
    }
}
