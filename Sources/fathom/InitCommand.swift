import ArgumentParser
import FathomCore
import Foundation

/// `fathom init [--flavour F] [-o PATH] [--force]`: writes a starter `.dive-ci`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter .dive-ci: CI thresholds and path rules for your stack.",
        usage: "fathom init [--flavour generic|node|python|go|java] [-o PATH] [--force]",
        discussion: """
        The file holds dive's three rules (dive reads them too), fathom's reclaimable-bytes and advice rules, and path rules: paths that must not be in the final image (block) and paths that must not be wasted (deny-waste), with the usual secrets and caches of the stack. Edit it to taste; fathom IMAGE --ci reads .dive-ci from the current directory (or --ci-config FILE).

        Examples:
          fathom init --flavour python
          fathom init -o ci/dive.yaml --force
        """)

    @Option(help: ArgumentHelp("The stack: generic, node, python, go or java.", valueName: "FLAVOUR"),
            completion: .list(StarterConfig.Flavour.allCases.map(\.rawValue)))
    var flavour: String = "generic"

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Where to write it (- for standard output).", valueName: "PATH"),
            completion: .file())
    var output: String = ".dive-ci"

    @Flag(help: "Replace the file if it exists.")
    var force = false

    func run() throws {
        guard let kind = StarterConfig.Flavour(rawValue: flavour.lowercased()) else {
            CommandSupport.fail("--flavour: '\(flavour)' is not one of \(StarterConfig.Flavour.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let text = StarterConfig.text(kind, version: FathomVersion.current)
        if output == "-" { CommandSupport.printOut(text); return }
        if !force && FileManager.default.fileExists(atPath: output) {
            CommandSupport.fail("\(output): exists; --force replaces it")
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
            CommandSupport.fail("\(output): cannot write: \(String(cString: strerror(errno)))")
        }
        CommandSupport.printOut("wrote \(output) (\(kind.rawValue)); run: fathom IMAGE --ci\n")
    }
}
