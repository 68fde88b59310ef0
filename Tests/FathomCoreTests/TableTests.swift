import Testing
@testable import FathomCore

/// Small pure functions, table style.
@Suite struct TableTests {
    @Test(arguments: [
        ("./etc/passwd", "etc/passwd"), ("/etc/passwd", "etc/passwd"), ("etc//b.conf", "etc/b.conf"),
        ("etc/./c.conf", "etc/c.conf"), ("usr/bin/", "usr/bin"), ("./", ""), ("/", ""), (".", ""),
        ("a/.wh.b", "a/.wh.b"), ("...", "..."), ("a/..b", "a/..b"),
    ])
    func pathNormalisation(_ input: String, _ expected: String) throws {
        #expect(try PathNormalizer.normalize(input) == expected)
    }

    @Test(arguments: ["../etc/passwd", "a/../../b", "a/..", "..", "./../x"])
    func dotDotIsRejected(_ input: String) {
        #expect(throws: PathNormalizer.Rejection.self) { try PathNormalizer.normalize(input) }
    }

    @Test(arguments: [
        ([0x1F, 0x8B, 0x08, 0x00] as [UInt8], Compression.gzip),
        ([0x28, 0xB5, 0x2F, 0xFD], .zstd),
        ([0x28, 0xB5, 0x2F], .none),
        ([0x1F], .none),
        (Array("etc/passwd".utf8), .none),
        ([], .none),
    ])
    func compressionFromMagicBytes(_ bytes: [UInt8], _ expected: Compression) {
        #expect(Compression.detect(bytes) == expected)
    }

    @Test(arguments: [
        ("wasteful", "wasteful:latest"), ("wasteful:latest", "wasteful:latest"),
        ("docker.io/library/wasteful:latest", "wasteful:latest"), ("docker.io/fathom/multi:1.0", "fathom/multi:1.0"),
        ("localhost:5000/app", "localhost:5000/app:latest"), ("localhost:5000/app:2", "localhost:5000/app:2"),
    ])
    func imageNamesAreCanonicalised(_ input: String, _ expected: String) {
        #expect(ImageName.canonical(input) == expected)
    }

    @Test(arguments: [
        ("linux/amd64", "linux/amd64"), ("linux/arm64/v8", "linux/arm64/v8"), ("linux/arm/v7", "linux/arm/v7"),
    ])
    func platformsParse(_ input: String, _ expected: String) throws {
        #expect(try #require(Platform(parsing: input)).description == expected)
    }

    @Test(arguments: ["linux", "", "linux/", "/amd64", "a/b/c/d"])
    func malformedPlatformsAreRejected(_ input: String) {
        #expect(Platform(parsing: input) == nil)
    }

    @Test(arguments: [
        ("/bin/sh -c #(nop)  CMD [\"sh\"]", "CMD [\"sh\"]"),
        ("/bin/sh -c apt-get update", "apt-get update"),
        ("COPY app/ /app/ # buildkit", "COPY app/ /app/ # buildkit"),
        ("RUN /bin/sh -c echo hi # buildkit", "RUN /bin/sh -c echo hi # buildkit"),
    ] as [(String, String)])
    func commandsAreShownReadably(_ createdBy: String, _ expected: String) {
        #expect(LayerCommand.display(createdBy) == expected)
    }

    @Test func unknownCommandsSaySo() {
        #expect(LayerCommand.display(nil) == "(unknown)")
        #expect(LayerCommand.display(nil, comment: "Imported from -") == "(no command: Imported from -)")
    }

    @Test(arguments: [
        (0 as Int64, "0 B"), (9, "9 B"), (10, "10 B"), (999, "999 B"), (1000, "1.0 kB"), (6405, "6.4 kB"),
        (12810, "13 kB"), (32025, "32 kB"), (1220598, "1.2 MB"),
        // go-humanize rounds to a tenth, then Go's %.0f rounds half to even
        (220512, "220 kB"), (10500, "10 kB"), (11500, "12 kB"), (12500, "12 kB"), (999950, "1000 kB"), (9950, "10 kB"), (2250, "2.3 kB"),
    ])
    func bytesInSIUnitsLikeDive(_ bytes: Int64, _ expected: String) {
        #expect(ByteFormat.si(bytes) == expected)
    }

    @Test func symlinkMembersResolveRelativeToTheirDirectory() {
        #expect(ArchiveContents.resolveSymlink("../abc/layer.tar", from: "def/layer.tar") == "abc/layer.tar")
        #expect(ArchiveContents.resolveSymlink("../abc.tar", from: "def/layer.tar") == "abc.tar")
        #expect(ArchiveContents.resolveSymlink("/abc.tar", from: "def/layer.tar") == "abc.tar")
    }
}

/// NodeIndex against Swift's Dictionary: inserts, overwrites and removals in a seeded random order.
@Suite struct NodeIndexTests {
    @Test(arguments: [1, 2, 3])
    func agreesWithDictionary(seed: UInt64) {
        var rng = seed &* 0x2545F4914F6CDD1D
        func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        var index = NodeIndex()
        var reference: [UInt64: Int32] = [:]
        for step in 0..<20_000 {
            let key = next() % 3_000   // small key space: many collisions, overwrites and removals
            if next() % 3 == 0 {
                index[key] = nil; reference[key] = nil
            } else {
                index[key] = Int32(step); reference[key] = Int32(step)
            }
        }
        #expect(index.count == reference.count)
        for key in 0..<UInt64(3_000) { #expect(index[key] == reference[key], "key \(key)") }
    }
}

/// The replay's per-version and per-inode records stay compact (their layout is what a million-file image pays for).
@Suite struct CompactStateTests {
    @Test func layouts() {
        #expect(MemoryLayout<NodeState?>.stride == 32)
        #expect(MemoryLayout<Inode>.stride == 24)
    }
}
