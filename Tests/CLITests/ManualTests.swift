import Foundation
import Testing

/// docs/fathom.1 documents every option `fathom --help` and `fathom diff --help` list, and renders
/// without a warning.
@Suite struct ManualTests {
    static let manual = CLI.repositoryRoot.appendingPathComponent("docs/fathom.1")

    func options(_ help: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9-])--[A-Za-z][A-Za-z-]*")
        let options = help.components(separatedBy: "\n").drop { !$0.hasPrefix("OPTIONS:") }.joined(separator: "\n")
        return Set(regex.matches(in: options, range: NSRange(options.startIndex..., in: options)).map { (options as NSString).substring(with: $0.range) })
    }

    @Test func everyOptionIsInTheManual() throws {
        let text = try String(contentsOf: Self.manual, encoding: .utf8).replacingOccurrences(of: "\\-", with: "-")
        let main = options(try CLI.run(["--help"]).stdout)
        let diff = options(try CLI.run(["diff", "--help"]).stdout)
        #expect(main.count > 15 && diff.count > 10, "\(main) \(diff)")
        var all = main.union(diff)
        for command in ["cat", "ls", "extract", "init"] {
            let help = try CLI.run([command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("fathom \(command)"))
            all.formUnion(options(help.stdout))
        }
        for option in all {
            #expect(text.contains(option), "docs/fathom.1 does not document \(option)")
        }
        #expect(text.contains("fathom \(try CLI.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))"))
    }

    @Test func manualRendersWithoutWarnings() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/groff"), "groff-base is installed by make deps")
        let r = try CLI.run(executable: "/usr/bin/groff", ["-man", "-ww", "-z", Self.manual.path])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
    }
}
