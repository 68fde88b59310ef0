import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// The package databases: dpkg's and apk's formats, and the real debian-apt fixture checked against
/// dpkg-query run on its extracted database (the machine's own dpkg, an independent reader).
@Suite struct PackageTests {
    @Test func dpkgStatusAndLists() {
        let status = """
            Package: adduser
            Status: install ok installed
            Version: 3.134
            Architecture: all
            Description: add and remove users
             continuation: not a field
            
            Package: gone
            Status: deinstall ok config-files
            Version: 1.0
            Architecture: amd64
            
            Package: libc6
            Status: install ok installed
            Architecture: amd64
            Version: 2.36-9+deb12u4
            """
        let p = DpkgDatabase.packages(status: [Array(status.utf8)])
        #expect(p.map(\.name) == ["adduser", "libc6"] && p[1].version == "2.36-9+deb12u4" && p[1].architecture == "amd64")
        #expect(DpkgDatabase.listedPaths(Array("/.\n/usr\n/usr/sbin/adduser\n".utf8)) == ["usr", "usr/sbin/adduser"])
        #expect(DpkgDatabase.md5sumsPaths(Array("d41d8cd98f00b204e9800998ecf8427e  usr/lib/os-release\n".utf8)) == ["usr/lib/os-release"])
        // a list as a stranger may write it: empty lines, only slashes, the root, no final newline, bytes
        // that are not UTF-8 (shown with U+FFFD, never a crash), a NUL
        let hostile: [UInt8] = Array("\n\n///\n/.\n/..\n/a//b\n".utf8) + [0x2F, 0xFF, 0xFE, 0x0A, 0x2F, 0x00, 0x0A] + Array("/last".utf8)
        #expect(DpkgDatabase.listedPaths(hostile) == ["..", "a//b", "\u{FFFD}\u{FFFD}", "\u{0}", "last"])
        #expect(DpkgDatabase.listedPaths([]) == [] && DpkgDatabase.listedPaths([0x0A]) == [] && DpkgDatabase.listedPaths([0x2F]) == [])
        #expect(p[0].purl(distro: "debian") == "pkg:deb/debian/adduser@3.134?arch=all")
        #expect(InstalledPackage(ecosystem: .deb, name: "libstdc++6", version: "12.2.0-14", architecture: "amd64", files: [])
            .purl(distro: "debian") == "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64")
    }

    @Test func apkInstalledDatabase() {
        let db = """
            C:Q1abc=
            P:musl
            V:1.2.4-r2
            A:x86_64
            F:lib
            R:ld-musl-x86_64.so.1
            R:libc.musl-x86_64.so.1

            P:busybox
            V:1.36.1-r5
            A:x86_64
            F:bin
            R:busybox
            F:etc
            R:securetty
            """
        let p = ApkDatabase.packages(Array(db.utf8))
        #expect(p.map(\.name) == ["musl", "busybox"] && p[0].version == "1.2.4-r2")
        #expect(p[1].files == ["bin", "bin/busybox", "etc", "etc/securetty"])
        #expect(p[0].purl(distro: "alpine") == "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64")
    }

    /// debian-apt: every package dpkg-query lists from the image's own database, with its version; the
    /// package bytes plus the unowned bytes are the final filesystem's bytes; layer 4 upgraded tzdata.
    /// The databases' files are kept as the analysis streams the layers (PackageFiles): the packages are the
    /// same when no layer can be read again (standard input), with no second pass and no warning.
    @Test func databaseFilesAreKeptFromTheFirstPass() throws {
        var image = try ImageLoader.load(path: Fixtures.url("real/debian-apt.oci-zstd.tar").path)
        let read = PackageHistory.read(Analysis(image: image))
        for i in image.layers.indices { image.layers[i].location = .unavailable("read once") }
        let analysis = Analysis(image: image)
        let once = PackageHistory.read(analysis)
        #expect(once.warnings.isEmpty, "\(once.warnings)")
        #expect(once.final.map(\.package) == read.final.map(\.package) && once.final.count == 88)
        #expect(once.final.map(\.bytes) == read.final.map(\.bytes))
        #expect(once.layers.map(\.layer) == read.layers.map(\.layer))
        let kept = analysis.image.layers[0].blob.changeset.packageFiles
        #expect(kept.count > 88, "status and the .list of every package")
        // only the databases' files: no library, no binary
        #expect(kept.keys.allSatisfy { PackageFiles.wanted(path: analysis.image.layers[0].blob.changeset.path($0)) })
    }

    @Test func debianAptAgreesWithDpkgQuery() throws {
        let analysis = try Analysis(image: ImageLoader.load(path: Fixtures.url("real/debian-apt.oci-zstd.tar").path))
        let h = PackageHistory.read(analysis)
        #expect(h.databases == ["dpkg"] && h.distro == "debian" && h.warnings.isEmpty)
        // dpkg-query on the final database, extracted by the analysis's own reader into a temporary admindir
        let files = ImageFiles(analysis: analysis)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-dpkg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("info"), withIntermediateDirectories: true)
        let status = try #require(files.lookup("/var/lib/dpkg/status", atLayer: files.lastLayer).state)
        let at = try #require(files.content(of: status))
        let bytes = try LayerContent.bytes(row: at.row, of: analysis.image.layers[at.layer], archive: "fixture", limit: 64 << 20)
        try Data(bytes).write(to: dir.appendingPathComponent("status"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg-query")
        p.arguments = ["--admindir=\(dir.path)", "-W", "-f", "${Package}:${Architecture} ${Version} ${db:Status-Abbrev}\\n"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let listed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let installed = listed.split(separator: "\n").filter { $0.hasSuffix("ii ") || $0.hasSuffix("ii") }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }.sorted()
        #expect(installed.count == 88)
        #expect(h.final.map { "\($0.package.name):\($0.package.architecture) \($0.package.version)" }.sorted() == installed)
        #expect(h.final.reduce(0) { $0 + $1.bytes } + h.unowned.reduce(0) { $0 + $1.bytes } == analysis.finalBytes)
        #expect(h.final.allSatisfy { !$0.package.files.isEmpty }, "every package has its .list")
        let tz = try #require(h.layers.first { $0.layer == 4 })
        #expect(tz.upgraded.map(\.package.name) == ["tzdata"] && tz.installed.isEmpty && tz.removed.isEmpty)
        #expect(tz.upgraded[0].previousVersion == "2026b-0+deb12u1" && tz.upgraded[0].bytes > 1_000_000)
        #expect(h.final.first { $0.package.name == "tzdata" }?.wastedBytes ?? 0 > 1_000_000, "the old tzdata files are wasted")
        #expect(!h.unowned.contains { $0.directory == "/usr" }, "merged /usr: /bin paths of the lists are found under usr/bin")
    }

    @Test func anImageWithoutDatabasesHasNoPackages() throws {
        let analysis = try Analysis(image: ImageLoader.load(path: Fixtures.repositoryRoot.appendingPathComponent("SampleImages/good.docker.tar.zst").path))
        #expect(PackageHistory.read(analysis).isEmpty)
    }

    /// A dpkg image written here: `(name, version, files with their sizes)` per package.
    static func dpkgImage(_ packages: [(String, String, [(String, Int)])], name: String) throws -> String {
        let layer = DockerArchiveBuilder.layer { t in
            var status = ""
            for (p, v, files) in packages {
                status += "Package: \(p)\nStatus: install ok installed\nArchitecture: amd64\nVersion: \(v)\n\n"
                t.add("var/lib/dpkg/info/\(p).list", data: Array(files.map { "/" + $0.0 }.joined(separator: "\n").utf8))
                for (f, size) in files { t.add(f, data: [UInt8](repeating: 7, count: size)) }
            }
            t.add("var/lib/dpkg/status", data: Array(status.utf8))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-dpkg-\(name)-\(UUID().uuidString).tar")
        try Data(DockerArchiveBuilder(layers: [layer]).build()).write(to: url)
        return url.path
    }

    /// A package list read at one layer is read again only where a later layer changed it: an upgrade that
    /// rewrites a's list (layer 2), an opaque whiteout of dpkg's info folder that keeps a's list and drops b's
    /// (layer 3), and layers that leave the database alone (1 and 4) each give the files of that layer.
    @Test func listsAreReadAgainWhereALayerChangesThem() throws {
        func status(_ packages: [(String, String)]) -> [UInt8] {
            Array(packages.map { "Package: \($0.0)\nStatus: install ok installed\nArchitecture: amd64\nVersion: \($0.1)\n\n" }.joined().utf8)
        }
        let base = DockerArchiveBuilder.layer { t in
            t.add("var/lib/dpkg/status", data: status([("a", "1.0"), ("b", "1.0")]))
            t.add("var/lib/dpkg/info/a.list", data: Array("/usr/bin/a".utf8))
            t.add("var/lib/dpkg/info/b.list", data: Array("/usr/bin/b\n/usr/bin/b2".utf8))
            t.add("usr/bin/a", data: [UInt8](repeating: 1, count: 100))
            t.add("usr/bin/b", data: [UInt8](repeating: 2, count: 2_000))
            t.add("usr/bin/b2", kind: .hardlink, link: "usr/bin/b")   // a file of b's, its bytes counted once
        }
        let unrelated = DockerArchiveBuilder.layer { t in t.add("etc/motd", data: Array("hi\n".utf8)) }
        let upgrade = DockerArchiveBuilder.layer { t in
            t.add("var/lib/dpkg/status", data: status([("a", "1.1"), ("b", "1.0")]))
            t.add("var/lib/dpkg/info/a.list", data: Array("/usr/bin/a\n/usr/share/a/data".utf8))
            t.add("usr/bin/a", data: [UInt8](repeating: 3, count: 300))
            t.add("usr/share/a/data", data: [UInt8](repeating: 4, count: 40_000))
        }
        let removeB = DockerArchiveBuilder.layer { t in
            t.add("var/lib/dpkg/status", data: status([("a", "1.1")]))
            t.add("var/lib/dpkg/info/.wh..wh..opq")
            t.add("var/lib/dpkg/info/a.list", data: Array("/usr/bin/a\n/usr/share/a/data".utf8))
            t.add("usr/bin/.wh.b")
            t.add("usr/bin/.wh.b2")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-lists-\(UUID().uuidString).tar")
        try Data(DockerArchiveBuilder(layers: [base, unrelated, upgrade, removeB, unrelated]).build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let h = PackageHistory.read(Analysis(image: try ImageLoader.load(path: url.path)))
        #expect(h.layers.map(\.layer) == [0, 2, 3])
        #expect(h.layers[0].installed.map(\.package.name) == ["b", "a"] && h.layers[0].installed.map(\.bytes) == [2_000, 100], "largest first")
        #expect(h.layers[0].installed.map(\.files) == [2, 1], "a hardlink is one of the package's files, as in the final count")
        let upgraded = try #require(h.layers[1].upgraded.first)
        #expect(upgraded.package.name == "a" && upgraded.previousVersion == "1.0" && upgraded.bytes == 40_300 && upgraded.files == 2)
        #expect(h.layers[2].removed.map(\.package.name) == ["b"] && h.layers[2].installed.isEmpty && h.layers[2].upgraded.isEmpty)
        #expect(h.final.map(\.package.name) == ["a"] && h.final[0].bytes == 40_300 && h.final[0].files == 2)
    }

    /// Merged /usr: dpkg lists `/bin/tool` where the layers hold `usr/bin/tool` behind the `bin` link; a
    /// listed path the final filesystem no longer has through the link is not the package's.
    @Test func listedPathsFollowFolderLinks() throws {
        let base = DockerArchiveBuilder.layer { t in
            t.add("bin", kind: .symlink, link: "usr/bin")
            t.add("usr/bin/tool", data: [UInt8](repeating: 1, count: 1_000))
            t.add("usr/bin/gone", data: [UInt8](repeating: 2, count: 500))
            t.add("usr/share/t/data", data: [UInt8](repeating: 3, count: 70))
            t.add("var/lib/dpkg/status", data: Array("Package: t\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n".utf8))
            t.add("var/lib/dpkg/info/t.list", data: Array("/.\n/bin\n/bin/gone\n/bin/tool\n/usr\n/usr/share\n/usr/share/t\n/usr/share/t/data\n".utf8))
        }
        let remove = DockerArchiveBuilder.layer { t in t.add("usr/bin/.wh.gone") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-usrmerge-\(UUID().uuidString).tar")
        try Data(DockerArchiveBuilder(layers: [base, remove]).build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let h = PackageHistory.read(Analysis(image: try ImageLoader.load(path: url.path)))
        #expect(h.layers.first?.installed.first?.bytes == 1_070 && h.layers.first?.installed.first?.files == 2, "tool and data; gone is removed by layer 1")
        #expect(h.final.first?.bytes == 1_070 && h.final.first?.files == 2)
        #expect(h.unowned.map(\.directory) == ["/var"] && h.unowned.map(\.files) == [2], "only dpkg's own database: \(h.unowned)")
    }

    /// `fathom diff`'s package comparison: added, removed, version changed, with bytes from each side.
    @Test func diffComparesPackages() throws {
        let old = try Self.dpkgImage([("a", "1.0", [("usr/bin/a", 100)]), ("b", "2.0", [("usr/bin/b", 2000)]),
                                      ("same", "1", [("usr/bin/same", 10)])], name: "old")
        let new = try Self.dpkgImage([("a", "1.1", [("usr/bin/a", 300)]), ("c", "1.0", [("usr/lib/c.so", 5000)]),
                                      ("same", "1", [("usr/bin/same", 10)])], name: "new")
        defer { for p in [old, new] { try? FileManager.default.removeItem(atPath: p) } }
        let d = try ImageDiff.load(old: old, new: new)
        let p = d.packages
        #expect(!p.isEmpty && p.unchanged == 1 && p.count(.added) == 1 && p.count(.removed) == 1 && p.count(.changed) == 1)
        #expect(p.entries.map(\.name) == ["c", "b", "a"], "largest absolute delta first")
        let a = try #require(p.entries.first { $0.name == "a" })
        #expect(a.kind == .changed && a.oldVersion == "1.0" && a.newVersion == "1.1" && a.bytes == (100, 300))
        let text = DiffTextReport.render(d, top: 10)
        #expect(text.contains("Packages: 1 added, 1 removed, 1 changed, 1 unchanged\n"))
        #expect(text.contains("   +5.0 kB  added    c 1.0\n") && text.contains("   -2.0 kB  removed  b 2.0\n") && text.contains("    +200 B  changed  a 1.0 → 1.1\n"), "\(text)")
        let json = try JSONSerialization.jsonObject(with: Data(DiffJSONReport.render(d))) as! [String: Any]
        let packages = (json["diff"] as! [String: Any])["packages"] as! [String: Any]
        #expect(packages["changed"] as? Int == 1 && (packages["changes"] as! [[String: Any]]).first?["name"] as? String == "c")
    }

    /// `apt-recommends`: layer 1's `apt-get install -y foo` brought baz (recommended by foo) and qux (which
    /// baz depends on); bar is a dependency, not flagged. `--no-install-recommends`, or apt.conf.d turning
    /// recommends off, silences it.
    @Test(arguments: [("apt-get update && apt-get install -y foo", "", true),
                      ("apt-get install -y --no-install-recommends foo", "", false),
                      ("apt-get install -y foo", "APT::Install-Recommends \"false\";\n", false)])
    func aptRecommends(_ command: String, _ aptConf: String, _ flagged: Bool) throws {
        func paragraph(_ name: String, _ extra: String = "") -> String {
            "Package: \(name)\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\(extra)\n"
        }
        let base = DockerArchiveBuilder.layer { t in
            t.add("var/lib/dpkg/status", data: Array(paragraph("base-files").utf8))
            t.add("var/lib/dpkg/info/base-files.list", data: Array("/etc/debian_version".utf8))
            t.add("etc/debian_version", data: Array("12\n".utf8))
            if !aptConf.isEmpty { t.add("etc/apt/apt.conf.d/99norecommends", data: Array(aptConf.utf8)) }
        }
        let install = DockerArchiveBuilder.layer { t in
            let status = paragraph("base-files") + paragraph("foo", "Depends: bar (>= 1)\nRecommends: baz | other\n")
                + paragraph("bar") + paragraph("baz", "Depends: qux:any\n") + paragraph("qux")
            t.add("var/lib/dpkg/status", data: Array(status.utf8))
            for (name, size) in [("foo", 1000), ("bar", 2000), ("baz", 3_000_000), ("qux", 400_000)] {
                t.add("var/lib/dpkg/info/\(name).list", data: Array("/usr/lib/\(name).so".utf8))
                t.add("usr/lib/\(name).so", data: [UInt8](repeating: 1, count: size))
            }
        }
        var builder = DockerArchiveBuilder(layers: [base, install])
        builder.commands = ["debootstrap", command]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-apt-\(UUID().uuidString).tar")
        try Data(builder.build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var analysis = try Analysis(image: ImageLoader.load(path: url.path))
        analysis.readPackages()
        let finding = analysis.advice.first { $0.rule == "apt-recommends" }
        #expect((finding != nil) == flagged)
        guard let finding else { return }
        #expect(finding.layers == [1] && finding.severity == .medium && finding.reclaimableBytes == 3_400_000)
        #expect(finding.title == "Layer 1's apt install also installed 2 recommended packages (3.4 MB): baz 3.0 MB, qux 400 kB")
        #expect(finding.paths.map(\.path) == ["/usr/lib/baz.so", "/usr/lib/qux.so"])
        #expect(finding.fix.hasPrefix("Add --no-install-recommends to `apt-get update && apt-get install -y foo`"))
        #expect(analysis.advice.map(\.title) == Advisor.sorted(analysis.advice).map(\.title), "in the advice's order")
    }

    /// The toolchain finding names the packages that own its paths, with their bytes and the purge that fits.
    @Test func toolchainAdviceNamesPackages() throws {
        let url = URL(fileURLWithPath: try Self.dpkgImage([("gcc-12", "1", [("usr/lib/gcc/x86_64-linux-gnu/12/cc1", 3_000_000),
                                                                            ("usr/bin/x86_64-linux-gnu-gcc-12", 900_000)]),
                                                              ("make", "1", [("usr/bin/make", 250_000)])], name: "gcc"))
        defer { try? FileManager.default.removeItem(at: url) }
        var analysis = try Analysis(image: ImageLoader.load(path: url.path))
        let before = try #require(analysis.advice.first { $0.rule == "build-toolchain" })
        analysis.readPackages()
        let after = try #require(analysis.advice.first { $0.rule == "build-toolchain" })
        #expect(after.title == before.title + "; packages gcc-12 3.9 MB", "the package's whole bytes, beyond the paths the rule matched")
        #expect(after.fix.hasSuffix("Or remove the packages in the step that used them: apt-get purge -y --auto-remove gcc-12."))
        #expect(after.reclaimableBytes == before.reclaimableBytes && after.paths == before.paths)
    }

    /// Python packages from pip's dist-info directories, on real installed packages copied from this
    /// machine's site-packages by the test (six, attrs, packageurl-python): the names and versions
    /// importlib.metadata reports, each package's bytes as its RECORD's files, purls as the spec writes them.
    @Test func pipPackagesFromDistInfo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-pip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("pip.tar")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import importlib.metadata as m, io, json, hashlib, tarfile, os, sys
            site = "usr/local/lib/python3.11/site-packages"
            layer = io.BytesIO(); expected = {}
            with tarfile.open(fileobj=layer, mode="w") as t:
                for name in ["six", "attrs", "packageurl-python"]:
                    d = m.distribution(name); total = 0
                    for f in d.files:
                        src = os.path.normpath(os.path.join(os.path.dirname(d._path), f))
                        if not os.path.isfile(src) or "__pycache__" in str(f) or ".." in str(f): continue
                        data = open(src, "rb").read(); total += len(data)
                        ti = tarfile.TarInfo(site + "/" + str(f)); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
                    expected[d.metadata["Name"]] = [d.version, total]
            lb = layer.getvalue(); diff = "sha256:" + hashlib.sha256(lb).hexdigest()
            cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff]},
                              "history": [{"created_by": "RUN pip install six attrs packageurl-python"}]}).encode()
            with tarfile.open(sys.argv[1], "w") as t:
                for n, b in [("l/layer.tar", lb), ("config.json", cfg),
                             ("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["pip:1"], "Layers": ["l/layer.tar"]}]).encode())]:
                    ti = tarfile.TarInfo(n); ti.size = len(b); t.addfile(ti, io.BytesIO(b))
            print(json.dumps(expected))
            """, image.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let expected = try JSONSerialization.jsonObject(with: out.fileHandleForReading.readDataToEndOfFile()) as! [String: [Any]]
        p.waitUntilExit()
        var analysis = try Analysis(image: ImageLoader.load(path: image.path))
        analysis.readPackages()
        let h = try #require(analysis.packages)
        #expect(h.databases == ["python"])
        let found = Dictionary(uniqueKeysWithValues: h.final.map { ($0.package.name.lowercased().replacingOccurrences(of: "_", with: "-"), $0) })
        #expect(found.count == 3)
        for (name, value) in expected {
            let o = try #require(found[name.lowercased()], "\(name) in \(found.keys)")
            #expect(o.package.version == value[0] as? String && o.bytes == Int64(value[1] as! Int), "\(name): \(o.package.version) \(o.bytes) vs \(value)")
            #expect(o.layer == 0)
        }
        #expect(found["packageurl-python"]?.package.purl(distro: h.distro) == "pkg:pypi/packageurl-python@\(expected["packageurl-python"]![0])")
        #expect(h.layers.first?.installed.count == 3)
    }

    /// setuptools' egg-info, as Debian's python3-* packages install it: a directory (files from its
    /// installed-files.txt, relative to it), a directory without a list, and a single metadata file
    /// whose name carries the Python version.
    @Test func eggInfoDirectoriesAndFiles() throws {
        let site = "usr/lib/python3/dist-packages"
        let layer = DockerArchiveBuilder.layer { t in
            t.add("\(site)/setuptools-66.1.1.egg-info/PKG-INFO", data: Array("Name: setuptools\n".utf8))
            t.add("\(site)/mylib-1.0.egg-info/installed-files.txt", data: Array("../mylib/__init__.py\n../mylib/core.py\nPKG-INFO\n".utf8))
            t.add("\(site)/mylib-1.0.egg-info/PKG-INFO", data: [UInt8](repeating: 65, count: 10))
            t.add("\(site)/mylib/__init__.py", data: [UInt8](repeating: 1, count: 100))
            t.add("\(site)/mylib/core.py", data: [UInt8](repeating: 2, count: 2_000))
            t.add("\(site)/wheel-0.38.4-py3.11.egg-info", data: Array("Name: wheel\n".utf8))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-egg-\(UUID().uuidString).tar")
        try Data(DockerArchiveBuilder(layers: [layer]).build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let h = PackageHistory.read(Analysis(image: try ImageLoader.load(path: url.path)))
        let found = Dictionary(uniqueKeysWithValues: h.final.map { ($0.package.name, $0) })
        #expect(Set(found.keys) == ["setuptools", "mylib", "wheel"])
        #expect(found["setuptools"]?.package.version == "66.1.1" && found["wheel"]?.package.version == "0.38.4")
        #expect(found["mylib"]?.bytes == 2_110 && found["mylib"]?.files == 3, "its two modules and PKG-INFO, as listed")
        #expect(found["wheel"]?.package.purl(distro: h.distro) == "pkg:pypi/wheel@0.38.4")
    }

    /// Node packages from node_modules: plain and scoped names, a nested node_modules owned by its own
    /// package, the purls the spec writes.
    @Test func nodeModules() throws {
        func manifest(_ name: String, _ version: String) -> [UInt8] { Array(#"{"name": "\#(name)", "version": "\#(version)", "main": "index.js"}"#.utf8) }
        let layer = DockerArchiveBuilder.layer { t in
            t.add("app/package.json", data: manifest("my-app", "1.0.0"))
            t.add("app/node_modules/left-pad/package.json", data: manifest("left-pad", "1.3.0"))
            t.add("app/node_modules/left-pad/index.js", data: Array(repeating: 0x61, count: 1_000))
            t.add("app/node_modules/@babel/core/package.json", data: manifest("@babel/core", "7.24.0"))
            t.add("app/node_modules/@babel/core/lib/index.js", data: Array(repeating: 0x62, count: 20_000))
            t.add("app/node_modules/@babel/core/node_modules/debug/package.json", data: manifest("debug", "4.3.4"))
            t.add("app/node_modules/@babel/core/node_modules/debug/src/index.js", data: Array(repeating: 0x63, count: 3_000))
            // npm installs one name in several versions side by side, and one version in several folders
            t.add("app/node_modules/left-pad/node_modules/debug/package.json", data: manifest("debug", "2.6.9"))
            t.add("app/node_modules/left-pad/node_modules/debug/index.js", data: Array(repeating: 0x64, count: 700))
            t.add("app/node_modules/other/package.json", data: manifest("other", "1.0.0"))
            t.add("app/node_modules/other/node_modules/debug/package.json", data: manifest("debug", "4.3.4"))
            t.add("app/node_modules/other/node_modules/debug/src/index.js", data: Array(repeating: 0x65, count: 500))
        }
        var builder = DockerArchiveBuilder(layers: [layer])
        builder.commands = ["RUN npm ci"]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-npm-\(UUID().uuidString).tar")
        try Data(builder.build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var analysis = try Analysis(image: ImageLoader.load(path: url.path))
        analysis.readPackages()
        let h = try #require(analysis.packages)
        #expect(h.databases == ["node"])
        let byName = Dictionary(uniqueKeysWithValues: h.final.filter { $0.package.name != "debug" || $0.package.version == "4.3.4" }
            .map { ($0.package.name, $0) })
        #expect(Set(h.final.map { "\($0.package.name)@\($0.package.version)" })
                == ["left-pad@1.3.0", "@babel/core@7.24.0", "debug@4.3.4", "debug@2.6.9", "other@1.0.0"],
                "each version once; the app's own package.json is not a dependency")
        #expect(h.final.first { $0.package.version == "2.6.9" }?.bytes == 700 + Int64(manifest("debug", "2.6.9").count))
        let core = try #require(byName["@babel/core"])
        #expect(core.bytes == 20_000 + Int64(manifest("@babel/core", "7.24.0").count), "the nested debug is not @babel/core's")
        #expect(byName["debug"]?.bytes == 3_000 + 500 + 2 * Int64(manifest("debug", "4.3.4").count), "4.3.4 in two folders: one package")
        #expect(core.package.purl(distro: h.distro) == "pkg:npm/%40babel/core@7.24.0")
        #expect(byName["left-pad"]?.package.purl(distro: h.distro) == "pkg:npm/left-pad@1.3.0")
        #expect(h.unowned.map(\.directory) == ["/app"], "app/package.json belongs to no package")
    }

    /// A hostile image with many large package.json files: the databases read stop at the budget,
    /// with a warning, and what was read is still listed.
    @Test func databaseBytesAreBounded() throws {
        let layer = DockerArchiveBuilder.layer { t in
            for i in 0..<50 {
                let padding = String(repeating: " ", count: 5_000)
                t.add("app/node_modules/p\(i)/package.json", data: Array(#"{"name": "p\#(i)", "version": "1.0.0"\#(padding)}"#.utf8))
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-budget-\(UUID().uuidString).tar")
        try Data(DockerArchiveBuilder(layers: [layer]).build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let analysis = Analysis(image: try ImageLoader.load(path: url.path))
        let h = PackageHistory.read(analysis, budgetBytes: 20_000)
        #expect(h.final.count == 3, "three 5 kB manifests fit in 20 kB")
        #expect(h.warnings == ["packages: the package databases hold more than \(Limits.packageDatabaseBytes) bytes (fathom's limit); the rest were not read"])
        #expect(PackageHistory.read(analysis).final.count == 50 && PackageHistory.read(analysis).warnings.isEmpty)
    }
}
