import ArgumentParser
import FathomCore
import Foundation

// No setlocale here: in a UTF-8 locale libarchive normalises UTF-8 member names to NFC,
// which would merge two different files whose names are canonically equivalent
// (fixture synthetic/wide-chars). Names must stay raw bytes while archives are read.

/// Parses and runs `Command`; usage errors exit 2 like every other bad input (argument-parser's default is 64).
func runCommand<Command: ParsableCommand>(_: Command.Type, _ arguments: [String]?, helpHint: String) -> Never {
    do {
        var command = try Command.parseAsRoot(arguments)
        try command.run()
    } catch let code as ExitCode {
        Command.exit(withError: code)
    } catch {
        let exitCode = Command.exitCode(for: error)
        if exitCode == .success {
            Command.exit(withError: error)  // --help, --version
        }
        let message = Command.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        CommandSupport.printError("fathom: \(TerminalText.escape(message)) (see \(helpHint))\n")
        Foundation.exit(2)
    }
    Foundation.exit(0)
}

/// `--option=` with nothing after `=` is the option with an empty value: argument-parser would take the
/// next argument (the image) as its value instead.
func emptyValuesSpelledOut(_ arguments: [String]) -> [String] {
    var out: [String] = []
    var afterSeparator = false
    for a in arguments {
        if !afterSeparator && a.hasPrefix("--") && a.hasSuffix("=") && a.count > 3 {
            out += [String(a.dropLast()), ""]
        } else {
            if a == "--" { afterSeparator = true }
            out.append(a)
        }
    }
    return out
}

Malloc.limitArenas()

// `fathom diff OLD NEW`, `fathom cat`, `fathom ls`, `fathom extract`, `fathom init` and `fathom help` are parsed on their own:
// as real subcommands they would clash with the root's positional IMAGE. An image file named `diff` (or `cat`,
// `ls`, `extract`, `init`, `help`) is given as `./diff`.
let arguments = emptyValuesSpelledOut(Array(CommandLine.arguments.dropFirst()))
switch arguments.first {
case "help":   // `fathom help`, `fathom help diff`: the help of the command named
    switch arguments.dropFirst().first {
    case "diff": runCommand(DiffCommand.self, ["--help"], helpHint: "fathom help diff")
    case "cat": runCommand(CatCommand.self, ["--help"], helpHint: "fathom help cat")
    case "ls": runCommand(LsCommand.self, ["--help"], helpHint: "fathom help ls")
    case "extract": runCommand(ExtractCommand.self, ["--help"], helpHint: "fathom help extract")
    case "init": runCommand(InitCommand.self, ["--help"], helpHint: "fathom help init")
    case nil: runCommand(FathomCommand.self, ["--help"], helpHint: "fathom --help")
    case let other?: CommandSupport.fail("help: no command '\(other)' (fathom help, fathom help diff|cat|ls|extract|init)")
    }
case "diff": runCommand(DiffCommand.self, Array(arguments.dropFirst()), helpHint: "fathom diff --help")
case "cat": runCommand(CatCommand.self, Array(arguments.dropFirst()), helpHint: "fathom cat --help")
case "ls": runCommand(LsCommand.self, Array(arguments.dropFirst()), helpHint: "fathom ls --help")
case "extract": runCommand(ExtractCommand.self, Array(arguments.dropFirst()), helpHint: "fathom extract --help")
case "init": runCommand(InitCommand.self, Array(arguments.dropFirst()), helpHint: "fathom init --help")
default: break
}
runCommand(FathomCommand.self, arguments, helpHint: "fathom --help")
