import Foundation
import Testing

/// packaging/fathom.bash (the bash completion, written by hand) offers every option each command's
/// --help lists, the subcommands, files and option values, as bash calls it.
@Suite struct CompletionTests {
    static let script = CLI.repositoryRoot.appendingPathComponent("packaging/fathom.bash").path

    /// The words bash would offer for `line` (its last word being completed), in `directory`.
    func complete(_ line: String, in directory: String = CLI.repositoryRoot.path) throws -> [String] {
        var words = line.split(separator: " ").map(String.init)
        if line.hasSuffix(" ") { words.append("") }
        let array = words.map { "'\($0)'" }.joined(separator: " ")
        let program = "source '\(Self.script)'; cd '\(directory)'; COMP_WORDS=(\(array)); COMP_CWORD=\(words.count - 1); "
            + "COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}; _fathom; printf '%s\\n' \"${COMPREPLY[@]}\""
        let r = try CLI.run(executable: "/bin/bash", ["-c", program])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    func helpOptions(_ arguments: [String]) throws -> Set<String> {
        let help = try CLI.run(arguments).stdout
        let text = help.components(separatedBy: "\n").drop { !$0.hasPrefix("OPTIONS:") }.joined(separator: "\n")
        let regex = try NSRegularExpression(pattern: "(?<![A-Za-z0-9-])--?[A-Za-z][A-Za-z-]*")
        return Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { (text as NSString).substring(with: $0.range) })
    }

    @Test(arguments: [([], ""), (["diff"], "diff "), (["cat"], "cat "), (["ls"], "ls "), (["extract"], "extract "), (["init"], "init ")])
    func everyOptionOfHelpIsOffered(_ command: [String], _ prefix: String) throws {
        let offered = Set(try complete("fathom \(prefix)x -"))
        let listed = try helpOptions(command + ["--help"])
        #expect(listed.count > 5)
        #expect(listed.subtracting(offered).isEmpty, "not offered for fathom \(prefix): \(listed.subtracting(offered).sorted())")
    }

    @Test func subcommandsFilesAndValues() throws {
        #expect(try complete("fathom d").contains("diff"))
        #expect(try complete("fathom d").contains("docs"))
        #expect(try complete("fathom was", in: CLI.repositoryRoot.appendingPathComponent("SampleImages").path).contains("wasteful.docker.tar"))
        #expect(try complete("fathom --source oci") == ["oci-archive", "oci"])
        #expect(try complete("fathom x --fail-on-advice m") == ["medium"])
        #expect(try complete("fathom diff a b --to") == ["--top"])
        #expect(try complete("fathom help e") == ["extract"])
    }
}
