import FathomTestSupport
import Foundation
import Testing

/// `fathom extract`, `cat` and `ls` on hostile images: nothing is ever written outside the
/// destination, whatever links the image or the destination hold.
@Suite struct ExtractTests {
    /// A sandbox: DIR to extract into, beside a marker folder that must stay untouched.
    struct Sandbox {
        let root: URL
        var destination: URL { root.appendingPathComponent("out") }
        var outside: URL { root.appendingPathComponent("outside") }

        init() throws {
            root = try CLI.temporaryDirectory()
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try Data("untouched".utf8).write(to: outside.appendingPathComponent("marker"))
        }

        /// Everything under the sandbox but the destination, as relative paths.
        func outsideListing() throws -> [String] {
            let all = FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []
            return all.filter { !$0.hasPrefix("out/") && $0 != "out" }.sorted()
        }
    }

    func archive(_ layers: [[UInt8]]) throws -> String { try temporaryFile(DockerArchiveBuilder(layers: layers).build()) }

    @Test func linksOfTheImageNeverLeadOutOfTheDestination() throws {
        let box = try Sandbox()
        let base = DockerArchiveBuilder.layer { t in
            t.add("evil", kind: .symlink, link: "/")
            t.add("up", kind: .symlink, link: "../../../..")
            t.add("abs", kind: .symlink, link: box.outside.path)
            t.add("etc/", kind: .directory, mode: 0o755)
            t.add("etc/passwd", data: Array("root:x:0:0\n".utf8))
        }
        let top = DockerArchiveBuilder.layer { t in
            t.add("evil/etc/pwned", data: Array("pwned".utf8))         // under a link: kept literally, never written through it
            t.add("up/escaped", data: Array("escaped".utf8))
            t.add("abs/marker", data: Array("overwritten".utf8))
            t.add("shadowlink", kind: .hardlink, link: "/etc/shadow")   // a hardlink to a file the image does not have
            t.add("dev/", kind: .directory, mode: 0o755)
            t.add("dev/null", kind: .charDevice, mode: 0o666)
            t.add("dev/pipe", kind: .fifo, mode: 0o644)
            t.add("usr/bin/su", data: [1, 2, 3], mode: 0o4755)
        }
        let image = try archive([base, top])
        let r = try CLI.run(["extract", image, "-o", box.destination.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try box.outsideListing() == ["outside", "outside/marker"])
        #expect(try String(contentsOf: box.outside.appendingPathComponent("marker"), encoding: .utf8) == "untouched")
        #expect(!FileManager.default.fileExists(atPath: "/etc/pwned") && !FileManager.default.fileExists(atPath: "/escaped"))
        let out = box.destination
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("evil").path) == "/")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("abs").path) == box.outside.path)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dev/null").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dev/pipe").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("shadowlink").path))
        let su = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("usr/bin/su").path)
        #expect((su[.posixPermissions] as? Int) == 0o755, "setuid dropped")
        #expect(r.stderr.contains("not created: /dev/null (character device)"), "\(r.stderr)")
        #expect(r.stderr.contains("not created: /dev/pipe (FIFO)"))
        #expect(r.stderr.contains("not created: /shadowlink (a hardlink whose target is missing)"))

        let kept = try CLI.run(["extract", image, "/usr", "-o", box.root.appendingPathComponent("out2").path, "--keep-special-bits"])
        #expect(kept.status == 0)
        let su2 = try FileManager.default.attributesOfItem(atPath: box.root.appendingPathComponent("out2/usr/bin/su").path)
        #expect((su2[.posixPermissions] as? Int) == 0o4755)
    }

    /// A destination that already holds a link where the image has a directory: the write is refused,
    /// not redirected; an existing file is kept unless --force.
    @Test func linksInTheDestinationAreNeverFollowed() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(at: box.destination, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: box.destination.appendingPathComponent("etc").path, withDestinationPath: box.outside.path)
        let layer = DockerArchiveBuilder.layer { t in t.add("etc/passwd", data: Array("x".utf8)); t.add("a", data: [1]) }
        let image = try archive([layer])
        let r = try CLI.run(["extract", image, "-o", box.destination.path])
        #expect(r.status == 2 && r.errorLines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("/etc: exists in the destination and is not a directory"), "\(r.stderr)")
        #expect(try box.outsideListing() == ["outside", "outside/marker"])

        let again = try CLI.run(["extract", image, "/a", "-o", box.destination.path])
        #expect(again.status == 0)
        let twice = try CLI.run(["extract", image, "/a", "-o", box.destination.path])
        #expect(twice.status == 2 && twice.stderr.contains("/a: exists in the destination (--force replaces it)"), "\(twice.stderr)")
        let forced = try CLI.run(["extract", image, "/a", "-o", box.destination.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
    }

    /// `cat` follows links inside the image, never on this machine; `ls` names what is there.
    @Test func catAndLsStayInsideTheImage() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("etc/", kind: .directory, mode: 0o755)
            t.add("etc/hostname", data: Array("inside\n".utf8))
            t.add("link", kind: .symlink, link: "/etc/hostname")
            t.add("rel", kind: .symlink, link: "../../etc/hostname")
            t.add("loop1", kind: .symlink, link: "loop2")
            t.add("loop2", kind: .symlink, link: "loop1")
            t.add("host", kind: .symlink, link: "/etc/passwd")
        }
        let image = try archive([layer])
        #expect(try CLI.run(["cat", image, "/link"]).stdout == "inside\n")
        #expect(try CLI.run(["cat", image, "rel"]).stdout == "inside\n")
        let loop = try CLI.run(["cat", image, "/loop1"])
        #expect(loop.status == 2 && loop.errorLines == ["fathom: \(image): /loop1: too many levels of symbolic links (40)"])
        let host = try CLI.run(["cat", image, "/host"])
        #expect(host.status == 2 && host.stdout.isEmpty && host.errorLines == ["fathom: \(image): /host: no such file or directory after layer 0"])
        let dir = try CLI.run(["cat", image, "/etc"])
        #expect(dir.status == 2 && dir.errorLines == ["fathom: \(image): /etc: a directory, not a regular file, after layer 0"])
        #expect(try CLI.run(["ls", image]).stdout == "etc\nhost\nlink\nloop1\nloop2\nrel\n")
        let long = try CLI.run(["ls", "-l", image, "/link"]).stdout
        #expect(long.hasPrefix("lrw-r--r--") && long.hasSuffix("link -> /etc/hostname\n"), "\(long)")
        let layerOut = try CLI.run(["cat", image, "/etc/hostname", "--layer", "3"])
        #expect(layerOut.status == 2 && layerOut.errorLines == ["fathom: \(image): no layer 3: the image has layers 0 to 0"])
    }

    /// Standard input is read once: its files cannot be read again, and the message says what to do.
    @Test func standardInputCannotBeReadTwice() throws {
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar")
        let r = try CLI.run(["cat", "-", "/etc/passwd"], stdin: sample)
        #expect(r.status == 2 && r.errorLines.count == 1)
        #expect(r.stderr.contains("standard input is read once") && r.stderr.contains("docker save -o"), "\(r.stderr)")
    }
}
