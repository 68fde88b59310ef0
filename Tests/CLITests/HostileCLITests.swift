import FathomTestSupport
import Foundation
import Testing

/// What a hostile image or configuration can make the command print: nothing that moves the cursor,
/// recolours the terminal or quotes a file it should not.
@Suite struct HostileCLITests {
    /// Escape sequences and carriage returns in a member name, an image name and a command are shown
    /// escaped in the error line and in the text report; the report has none of its own without a terminal.
    @Test func controlCharactersAreEscaped() throws {
        let bad = DockerArchiveBuilder.layer { t in t.add("x/\u{1B}[2J\r/../etc/passwd", data: [1]) }
        let rejected = try CLI.run([try temporaryFile(DockerArchiveBuilder(layers: [bad]).build())])
        #expect(rejected.status == 2)
        #expect(rejected.errorLines.count == 1)
        #expect(!rejected.stderr.dropLast().contains { $0.isASCII && ($0.asciiValue! < 0x20) }, "\(rejected.stderr.debugDescription)")
        #expect(rejected.stderr.contains("x/\\x1b[2J\\r/../etc/passwd"), "\(rejected.stderr)")

        let layer = DockerArchiveBuilder.layer { t in t.add("app/\u{1B}]0;owned\u{07}", data: [1]) }
        var builder = DockerArchiveBuilder(layers: [layer])
        builder.repoTags = ["evil\u{1B}[32m:all-good\r"]
        builder.commands = ["RUN true\r\u{1B}[32mPASS\u{1B}[0m"]
        let report = try CLI.run([try temporaryFile(builder.build()), "--ci", "--lowestEfficiency", "0"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!report.stdout.contains("\u{1B}") && !report.stdout.contains("\r"))
        #expect(report.stdout.contains("evil\\x1b[32m:all-good\\r"))
        #expect(report.stdout.contains("RUN true\\r\\x1b[32mPASS\\x1b[0m"))
    }

    /// `--lowestEfficiency=` is the rule with an empty value (off); it used to take the image path as its value.
    @Test func emptyValueAfterEquals() throws {
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path
        let r = try CLI.run(["--ci", "--lowestEfficiency=", "--highestUserWastedPercent=", sample])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("lowestEfficiency") && r.stdout.contains("SKIP"))
    }

    /// A CI configuration that is not YAML for fathom (a password file) is refused without quoting it.
    @Test func ciConfigFileIsNotQuoted() throws {
        let secret = "root:$6$c2VjcmV0$S3cr3tHash:19000:0:99999:7:::"
        let path = try temporaryFile(Array((secret + "\nbin:*:19000:0:99999:7:::\n").utf8), name: "shadow")
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path
        let r = try CLI.run([sample, "--ci", "--ci-config", path])
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1)
        #expect(!r.stderr.contains("S3cr3t"), "\(r.stderr)")
    }

    @Test func timeoutMustBeSeconds() throws {
        for value in ["0", "-5", "abc", "nan", "1e9"] {
            let r = try CLI.run(["registry://127.0.0.1:1/x:1", "--timeout", value])
            #expect(r.status == 2 && r.errorLines == ["fathom: --timeout: '\(value)' is not a number of seconds above 0 and at most 86400"], "\(r.stderr)")
        }
    }
}

/// The second adversarial pass's findings on the command line.
@Suite struct HostileOutputTests {
    /// A newline in a path must not forge lines of the --ci output (a fake `Result:PASS`).
    @Test func newlinesInPathsDoNotForgeLines() throws {
        let evil = "x\n  PASS: lowestEfficiency: efficiency 1 >= threshold 0.9\nResult:PASS"
        let layer1 = DockerArchiveBuilder.layer { t in t.add(evil, data: [UInt8](repeating: 1, count: 20_000)) }
        let layer2 = DockerArchiveBuilder.layer { t in t.add(evil, data: [UInt8](repeating: 2, count: 20_000)) }
        let r = try CLI.run([try temporaryFile(DockerArchiveBuilder(layers: [layer1, layer2]).build()), "--ci"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("Result:") } == ["Result:FAIL [Total:5] [Passed:0] [Failed:2] [Warn:0] [Skipped:3]"], "\(r.stdout)")
        #expect(r.stdout.contains("/x\\n  PASS: lowestEfficiency"))
    }

    /// A report that cannot be written (a full disk) is one line and exit 2, not a crash.
    @Test func fullStandardOutput() throws {
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = [sample]
        p.environment = ProcessInfo.processInfo.environment.filter { $0.key != "CI" }
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(text == "fathom: standard output: No space left on device\n")
    }

    /// An engine image name goes into the Engine API's path: `..` cannot reach another endpoint.
    @Test func engineNamesStayImageNames() throws {
        for name in ["../../containers/json", "ok:latest/../../_ping", ""] {
            let r = try CLI.run(["docker://" + name], environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
            #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.contains("docker://\(name): not an image name"), "\(r.stderr)")
        }
    }
}
