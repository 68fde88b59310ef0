import ArgumentParser
import FathomCore
import Foundation

/// `fathom extract IMAGE [PATH…] -o DIR [--layer N]`: files and subtrees of an image, written safely.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Write files and directories of an image, as they are after a layer, under a directory.",
        usage: "fathom extract IMAGE [PATH...] -o DIR [--layer N] [--force] [--keep-special-bits] [--same-owner] [SOURCE OPTIONS]",
        discussion: """
        Without PATH, the whole filesystem is written. Each PATH keeps its place under DIR (/etc/ssl becomes DIR/etc/ssl). Every layer blob is read once, however many files it holds.

        Nothing is ever written outside DIR: paths with .. do not exist in fathom's model of an image, each directory on the way is opened without following links, so neither a symbolic link of the image (to / or ../..) nor one already in DIR can redirect a write, and symbolic links are created last, as links. Hardlinks point only to files written by the same extraction. Device nodes, FIFOs and sockets are not created (they are named on standard error). setuid, setgid and sticky bits are dropped unless --keep-special-bits; owners are kept only with --same-owner, and only when running as root. An existing file is not replaced unless --force. An image file literally named extract is given as ./extract.

        Examples:
          fathom extract app.tar -o rootfs
          fathom extract app.tar /etc /usr/local/bin -o out --layer 2
        """)

    @Argument(help: ArgumentHelp("The image, in any form fathom IMAGE takes.", valueName: "IMAGE"), completion: .file())
    var imagePath: String

    @Argument(help: ArgumentHelp("Files or directories in the image (default: everything).", valueName: "PATH"))
    var paths: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The directory to write into (made with its parents when absent).", valueName: "DIR"), completion: .directory)
    var output: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The layer after which the files are taken (0 = the base layer; default: the last).", valueName: "N"))
    var layer: Int?

    @Flag(help: "Replace files that already exist in DIR.")
    var force = false

    @Flag(name: .customLong("keep-special-bits"), help: "Keep setuid, setgid and sticky bits.")
    var keepSpecialBits = false

    @Flag(name: .customLong("same-owner"), help: "Keep the image's owners and groups (only when running as root).")
    var sameOwner = false

    @OptionGroup var imageOptions: ImageOptions

    func run() throws {
        let files = ImageFiles(image: imageOptions.load(imagePath))
        let at: Int
        var roots: [PathTable.NodeID] = []
        do {
            at = try files.layer(layer)
            for p in paths.isEmpty ? ["/"] : paths { roots.append(try CommandSupport.lookup(files, p, atLayer: at, followLast: false).node) }
        } catch { CommandSupport.fail("\(imagePath): \(error)") }
        do { try Extractor.makeDestination(output) } catch { CommandSupport.fail("\(error)") }
        var options = Extractor.Options()
        options.force = force
        options.keepSpecialBits = keepSpecialBits
        options.sameOwner = sameOwner
        let report: Extractor.Report
        do {
            report = try Extractor.extract(files, roots: roots, atLayer: at, to: output, options: options)
        } catch let e as Extractor.Failure {
            CommandSupport.fail("\(output): \(e)")
        } catch {
            CommandSupport.fail(CommandSupport.describe(error, input: imagePath))
        }
        for s in report.skipped { CommandSupport.printError("fathom: not created: \(TerminalText.escape(s))\n") }
        let summary = report.summary + " written under \(output) (layer \(at))" + (report.skipped.isEmpty ? "" : "; \(report.skipped.count) not created")
        CommandSupport.printError("fathom: \(TerminalText.escape(summary))\n")
    }
}
