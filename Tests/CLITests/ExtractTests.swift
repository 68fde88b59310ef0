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

    /// Ten chains of 2,000 directories: each directory is opened once, from its parent (this took
    /// minutes when every directory was reached from the destination's top).
    @Test func deepDirectoryChains() throws {
        let layer = DockerArchiveBuilder.layer { t in
            for k in 0..<10 { t.add("c\(k)/" + String(repeating: "a/", count: 2000) + "x", data: Array("\(k)".utf8)) }
        }
        let box = try Sandbox()
        let r = try CLI.run(["extract", try archive([layer]), "-o", box.destination.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("10 files (10 bytes), 20010 directories"), "\(r.stderr)")
        for k in 0..<10 {
            let file = box.destination.path + "/c\(k)/" + String(repeating: "a/", count: 2000) + "x"
            #expect(FileManager.default.contents(atPath: file) == Data("\(k)".utf8))
        }
        #expect(try box.outsideListing() == ["outside", "outside/marker"])
    }

    /// A sparse file of 1 TiB is written as a sparse file: its data where it was, holes left holes.
    @Test func sparseFilesStaySparse() throws {
        let size: Int64 = 1 << 40
        let layer = DockerArchiveBuilder.layer { t in
            t.addSparse("big", realSize: size, chunks: [(0, Array("start\n".utf8)), (size - 4, Array("end\n".utf8))])
        }
        let box = try Sandbox()
        let r = try CLI.run(["extract", try archive([layer]), "-o", box.destination.path])
        #expect(r.status == 0, "\(r.stderr)")
        var st = stat()
        #expect(stat(box.destination.path + "/big", &st) == 0 && Int64(st.st_size) == size)
        #expect(st.st_blocks < 1024, "\(st.st_blocks) blocks of 512 bytes")
        let handle = try FileHandle(forReadingFrom: box.destination.appendingPathComponent("big"))
        #expect(try handle.read(upToCount: 8) == Data("start\n\0\0".utf8))
        try handle.seek(toOffset: UInt64(size - 6))
        #expect(try handle.readToEnd() == Data("\0\0end\n".utf8))
    }

    /// With --same-owner, the owner is set before the mode: chown clears setuid and setgid.
    @Test func specialBitsSurviveSameOwner() throws {
        guard geteuid() == 0 else { return }   // owners are set only as root
        let layer = DockerArchiveBuilder.layer { t in t.add("suid", data: [0x23], mode: 0o6755) }
        let box = try Sandbox()
        let r = try CLI.run(["extract", try archive([layer]), "-o", box.destination.path, "--same-owner", "--keep-special-bits"])
        #expect(r.status == 0, "\(r.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: box.destination.path + "/suid")[.posixPermissions] as? Int
        #expect(mode == 0o6755)
    }

    /// Entries a layer wrote under what is a symbolic link in the image are named as not created.
    @Test func entriesUnderALinkAreNamed() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("a", kind: .symlink, link: "/")
            t.add("a/etc/pwned", data: [0x78])
            t.add("real", data: [0x79])
        }
        let box = try Sandbox()
        let r = try CLI.run(["extract", try archive([layer]), "-o", box.destination.path])
        #expect(r.status == 0)
        #expect(r.errorLines.contains("fathom: not created: /a/etc/pwned (under /a, which is a symbolic link here, not a directory)"), "\(r.stderr)")
        #expect(r.errorLines.last?.hasSuffix("; 2 not created") == true, "\(r.stderr)")
        #expect(try box.outsideListing() == ["outside", "outside/marker"])
    }

    /// Paths as `ls` prints them (`\n`, `\xNN`, `\u{200b}`) are found; a trailing slash needs a
    /// directory; a negative layer is a layer that does not exist, not a missing value.
    @Test func pathsAsPrintedAndLayerNumbers() throws {
        var layer = TarWriter()
        layer.add("nl\nline", data: Array("newline\n".utf8))
        layer.add("zw\u{200B}sp", data: Array("zero width\n".utf8))
        layer.add("back\\n", data: Array("backslash\n".utf8))
        layer.addRaw(name: Array("bad".utf8) + [0xE9] + Array("utf".utf8), data: Array("latin-1\n".utf8))
        let image = try archive([layer.finished()])
        let listing = try CLI.run(["ls", image]).stdout
        #expect(listing == "back\\n\nbad\\xe9utf\nnl\\nline\nzw\\u{200b}sp\n", "\(listing)")
        #expect(try CLI.run(["cat", image, "nl\\nline"]).stdout == "newline\n")
        #expect(try CLI.run(["cat", image, "zw\\u{200b}sp"]).stdout == "zero width\n")
        #expect(try CLI.run(["cat", image, "bad\\xe9utf"]).stdout == "latin-1\n")
        #expect(try CLI.run(["cat", image, "back\\n"]).stdout == "backslash\n")   // no such newline name: the literal one
        let slash = try CLI.run(["ls", image, "nl\\nline/"])
        #expect(slash.status == 2 && slash.errorLines == ["fathom: \(image): nl\\nline/: not a directory after layer 0"], "\(slash.stderr)")
        let negative = try CLI.run(["cat", image, "nl\\nline", "--layer", "-1"])
        #expect(negative.status == 2 && negative.errorLines == ["fathom: \(image): no layer -1: the image has layers 0 to 0"], "\(negative.stderr)")
    }

    /// `ls --json` writes paths as the other JSON outputs do: plain slashes, names escaped as JSON.
    @Test func lsJSONWritesPlainSlashes() throws {
        let image = try archive([DockerArchiveBuilder.layer { $0.add("dir/a \"b\".txt", data: [1]) }])
        let r = try CLI.run(["ls", image, "/dir", "--json"])
        #expect(r.status == 0 && r.stdout.contains(#""path":"/dir/a \"b\".txt""#) && !r.stdout.contains(#"\/"#), "\(r.stdout)")
    }

    /// A path a later layer removed: the message names that layer and the one that still shows it.
    @Test func aRemovedPathNamesTheLayerThatRemovedIt() throws {
        let image = try archive([DockerArchiveBuilder.layer { $0.add("build/main.o", data: [1, 2, 3]) },
                                 DockerArchiveBuilder.layer { $0.add("etc/motd", data: Array("hi\n".utf8)) },
                                 DockerArchiveBuilder.layer { $0.add(".wh.build") }])
        let r = try CLI.run(["cat", image, "/build/main.o"])
        #expect(r.status == 2 && r.errorLines == ["fathom: \(image): /build/main.o: no such file or directory after layer 2 (layer 2 removed it; --layer 1 shows it)"], "\(r.stderr)")
        #expect(try CLI.run(["cat", image, "/build/main.o", "--layer", "1"]).stdout == "\u{1}\u{2}\u{3}")
    }

    /// `-o` makes the folder and its missing parents, as `mkdir -p`; a file there is refused.
    @Test func outputFolderIsMadeWithItsParents() throws {
        let box = try Sandbox()
        let image = try archive([DockerArchiveBuilder.layer { $0.add("a.txt", data: Array("a\n".utf8)) }])
        let nested = box.destination.appendingPathComponent("one/two/three")
        let r = try CLI.run(["extract", image, "-o", nested.path])
        #expect(r.status == 0 && r.errorLines == ["fathom: 1 file (2 bytes), 0 directories, 0 symbolic links, 0 hardlinks written under \(nested.path) (layer 0)"], "\(r.stderr)")
        #expect(FileManager.default.contents(atPath: nested.appendingPathComponent("a.txt").path) == Data("a\n".utf8))
        let file = nested.appendingPathComponent("a.txt")
        let refused = try CLI.run(["extract", image, "-o", file.path])
        #expect(refused.status == 2 && refused.errorLines == ["fathom: \(file.path): cannot create the destination: it exists and is not a directory"], "\(refused.stderr)")
    }

    /// Standard input is read once: its files cannot be read again, and the message says what to do.
    @Test func standardInputCannotBeReadTwice() throws {
        let sample = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar")
        let r = try CLI.run(["cat", "-", "/etc/passwd"], stdin: sample)
        #expect(r.status == 2 && r.errorLines.count == 1)
        #expect(r.stderr.contains("standard input is read once") && r.stderr.contains("docker save -o"), "\(r.stderr)")
        // extract fails the same way before it writes anything (it once left the files' directories behind)
        let box = try Sandbox()
        let x = try CLI.run(["extract", "-", "/app/config", "-o", box.destination.path], stdin: sample)
        #expect(x.status == 2 && x.errorLines.count == 1 && x.stderr.contains("standard input is read once"), "\(x.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.destination.path) == [], "nothing written")
    }
}
