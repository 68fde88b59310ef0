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
