import ArgumentParser
import Foundation

// No setlocale here: in a UTF-8 locale libarchive normalises UTF-8 member names to NFC,
// which would merge two different files whose names are canonically equivalent
// (fixture synthetic/wide-chars). Names must stay raw bytes while archives are read.

// Usage errors exit 2 like every other bad input (argument-parser's default is 64).
do {
    var command = try FathomCommand.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    FathomCommand.exit(withError: code)
} catch {
    let exitCode = FathomCommand.exitCode(for: error)
    if exitCode == .success {
        FathomCommand.exit(withError: error)  // --help, --version
    }
    let message = FathomCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    FileHandle.standardError.write(Data("fathom: \(message) (see fathom --help)\n".utf8))
    Foundation.exit(2)
}
