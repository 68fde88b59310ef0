import Foundation
import XCTest
@testable import FathomCore
import FathomTestSupport

/// Random access into gzip layers (`GzipIndex`): a file read from the nearest checkpoint has the
/// bytes the layer's tar has, whether the blob is one gzip member or many (eStargz, pigz).
final class GzipIndexTests: XCTestCase {
    /// Files of many sizes, half text (compressible, long back-references), half pseudo-random.
    private func layerTar() -> (tar: [UInt8], files: [String: [UInt8]]) {
        var tar = TarWriter()
        var files: [String: [UInt8]] = [:]
        let sizes = [0, 1, 511, 512, 513, 70_000, 300_000, 1_500_000, 2_000_001, 4096, 900_000, 3_000_000, 17, 1_200_000]
        for (i, size) in sizes.enumerated() {
            let path = "data/f\(i).\(i % 2 == 0 ? "txt" : "bin")"
            let bytes: [UInt8]
            if i % 2 == 0 {
                let line = Array("line \(i): the quick brown fox jumps over the lazy dog 0123456789\n".utf8)
                bytes = (0..<size).map { line[($0 + $0 / 4093) % line.count] }
            } else {
                bytes = [UInt8](SyntheticImage.content(seed: path, bytes: size))
            }
            tar.add(path, data: bytes)
            files[path] = bytes
        }
        return (tar.finished(), files)
    }

    private func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fathom-gzindex-\(UUID().uuidString)-\(name)")
    }

    /// Reads `gz` as a layer with checkpoints every `every` bytes of tar.
    private func indexedLayer(_ gz: URL, every: Int64) throws -> Layer {
        let source = try FileRangeSource(path: gz.path)
        let blob = try LayerReader.read(ByteStream { try source.next() }, gzipIndexEvery: every)
        let size = try FileManager.default.attributesOfItem(atPath: gz.path)[.size] as! Int64
        return Layer(index: 0, reference: "layer", memberPath: "layer", mediaType: nil, blob: blob, configDiffID: nil,
                     history: nil, location: .file(path: gz.path, offsetBytes: 0, lengthBytes: size))
    }

    private func check(compress command: String, minimumCheckpoints: Int) throws {
        let (tarBytes, files) = layerTar()
        let tar = temporary("layer.tar"), gz = temporary("layer.tar.gz")
        defer { try? FileManager.default.removeItem(at: tar); try? FileManager.default.removeItem(at: gz) }
        try Data(tarBytes).write(to: tar)
        try SyntheticImage.run("/bin/sh", ["-c", command.replacingOccurrences(of: "IN", with: tar.path)
                                                .replacingOccurrences(of: "OUT", with: gz.path)])
        let layer = try indexedLayer(gz, every: 1 << 20)
        let index = try XCTUnwrap(layer.blob.gzipIndex)
        XCTAssertGreaterThanOrEqual(index.count, minimumCheckpoints, command)
        XCTAssertEqual(layer.blob.tarBytes, Int64(tarBytes.count))

        let changeset = layer.blob.changeset
        var read = 0
        for row in 0..<changeset.count where changeset.kinds[row] == .file {
            let bytes = try LayerContent.bytes(row: row, of: layer, archive: "test", limit: Int.max)
            XCTAssertEqual(bytes, files[changeset.path(row)], "\(command): \(changeset.path(row))")
            read += 1
        }
        XCTAssertEqual(read, files.count)

        // The checkpoints are really used: with the blob's first 64 KiB destroyed, a file past the first
        // checkpoint still reads (from it), while a read from the blob's start fails.
        let handle = try FileHandle(forWritingTo: gz)
        try handle.seek(toOffset: 4096)
        handle.write(Data(repeating: 0xA5, count: 64 << 10))
        try handle.close()
        let last = (0..<changeset.count).last { changeset.path($0) == "data/f13.bin" }!
        XCTAssertGreaterThan(changeset.dataOffsets[last], index.checkpoints[0].uncompressedOffset)
        XCTAssertEqual(try LayerContent.bytes(row: last, of: layer, archive: "test", limit: Int.max), files["data/f13.bin"])
        var unindexed = layer
        unindexed.blob.gzipIndex = nil
        XCTAssertThrowsError(try LayerContent.bytes(row: last, of: unindexed, archive: "test", limit: Int.max))
    }

    func testOneMemberGzipLayer() throws {
        try check(compress: "gzip -6 -c IN > OUT", minimumCheckpoints: 7)
    }

    func testManyMemberGzipLayer() throws {
        // eStargz and pigz write many gzip members; checkpoints fall inside and between them
        try check(compress: "cd $(dirname OUT) && split -b 700000 IN OUT.part. && for p in OUT.part.*; do gzip -1 -c $p; rm $p; done > OUT",
                  minimumCheckpoints: 7)
    }

    /// One checkpoint holds ISA-L's state without its scratch: at most about 85 KiB, so one per 16 MiB of
    /// tar stays near 0.5 % of the layer's size.
    func testCheckpointMemoryIsBounded() throws {
        let (tarBytes, _) = layerTar()
        let tar = temporary("layer.tar"), gz = temporary("layer.tar.gz")
        defer { try? FileManager.default.removeItem(at: tar); try? FileManager.default.removeItem(at: gz) }
        try Data(tarBytes).write(to: tar)
        try SyntheticImage.run("/bin/sh", ["-c", "gzip -c \(tar.path) > \(gz.path)"])
        let index = try XCTUnwrap(try indexedLayer(gz, every: 1 << 20).blob.gzipIndex)
        XCTAssertLessThanOrEqual(index.memoryBytes / index.count, 90_000)
        XCTAssertLessThanOrEqual(Double(90_000) / Double(GzipIndex.spacingBytes), 0.0055)
    }
}

/// A registry blob read by range (`BlobLocation.fetched` with `openFrom`): the viewer's reads start
/// where the file's bytes are (uncompressed) or at the nearest checkpoint (gzip), never fetch the whole
/// blob, and bytes other than the analysed ones are refused.
final class RangeReadTests: XCTestCase {
    /// Offsets asked for and whole fetches, as a registry would see them.
    final class Requests: @unchecked Sendable {
        let lock = NSLock()
        var ranges: [Int64] = []
        var whole = 0
    }

    private func fetchedLayer(_ blob: URL, compression command: String?, tamper: Bool = false,
                              requests: Requests) throws -> (Layer, [String: [UInt8]]) {
        var tar = TarWriter()
        var files: [String: [UInt8]] = [:]
        for i in 0..<24 {
            let bytes = [UInt8](SyntheticImage.content(seed: "f\(i)", bytes: 900_000 + i))
            tar.add("f\(i)", data: bytes)
            files["f\(i)"] = bytes
        }
        try Data(tar.finished()).write(to: blob)
        if let command { try SyntheticImage.run("/bin/sh", ["-c", "\(command) \(blob.path) > \(blob.path).z && mv \(blob.path).z \(blob.path)"]) }
        let source = try FileRangeSource(path: blob.path)
        let read = try LayerReader.read(ByteStream { try source.next() }, gzipIndexEvery: 4 << 20)
        if tamper {   // the registry now answers other bytes in the middle of the blob
            let handle = try FileHandle(forWritingTo: blob)
            try handle.seek(toOffset: UInt64(read.storedBytes - 300_000))
            handle.write(Data(repeating: 0x5A, count: 64))
            try handle.close()
        }
        let path = blob.path
        let location = BlobLocation.fetched(member: nil, open: {
            requests.lock.withLock { requests.whole += 1 }
            return try FileRangeSource(path: path)
        }, openFrom: { offset in
            requests.lock.withLock { requests.ranges.append(offset) }
            return try FileRangeSource(path: path, offsetBytes: offset)
        })
        return (Layer(index: 3, reference: "l", memberPath: "l", mediaType: nil, blob: read, configDiffID: nil, history: nil,
                      location: location), files)
    }

    private func lastFile(_ layer: Layer) -> Int { (0..<layer.blob.changeset.count).last { layer.blob.changeset.path($0) == "f23" }! }

    func testUncompressedLayerIsReadFromTheFilesOffset() throws {
        let blob = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-range-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: blob) }
        let requests = Requests()
        let (layer, files) = try fetchedLayer(blob, compression: nil, requests: requests)
        let row = lastFile(layer)
        XCTAssertEqual(try LayerContent.bytes(row: row, of: layer, archive: "registry://r/x", limit: Int.max, rangeReads: true), files["f23"])
        XCTAssertEqual(requests.ranges, [layer.blob.changeset.dataOffsets[row]])
        XCTAssertEqual(requests.whole, 0)
        // cat and extract (no range reads) fetch the blob whole and check its digest first
        XCTAssertEqual(try LayerContent.bytes(row: row, of: layer, archive: "registry://r/x", limit: Int.max), files["f23"])
        XCTAssertEqual(requests.whole, 1)
    }

    func testGzipLayerIsReadFromTheNearestCheckpoint() throws {
        let blob = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-range-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: blob) }
        let requests = Requests()
        let (layer, files) = try fetchedLayer(blob, compression: "gzip -1 -c", requests: requests)
        let row = lastFile(layer)
        let checkpoint = try XCTUnwrap(layer.blob.gzipIndex?.checkpoint(atOrBefore: layer.blob.changeset.dataOffsets[row]))
        XCTAssertEqual(try LayerContent.bytes(row: row, of: layer, archive: "registry://r/x", limit: Int.max, rangeReads: true), files["f23"])
        XCTAssertEqual(requests.ranges, [checkpoint.compressedOffset])
        XCTAssertGreaterThan(checkpoint.compressedOffset, 12 << 20)
        XCTAssertEqual(requests.whole, 0)
    }

    func testOtherBytesFromTheSourceAreRefused() throws {
        for command in [nil, "gzip -1 -c"] {
            let blob = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-range-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: blob) }
            let (layer, _) = try fetchedLayer(blob, compression: command, tamper: true, requests: Requests())
            XCTAssertThrowsError(try LayerContent.bytes(row: lastFile(layer), of: layer, archive: "registry://r/x", limit: Int.max,
                                                        rangeReads: true)) { error in
                XCTAssertTrue("\(error)".hasPrefix("layer 3 (sha256:"), "\(error)")
                XCTAssertTrue("\(error)".contains("has other bytes than when it was analysed"), "\(error)")
            }
        }
    }
}
