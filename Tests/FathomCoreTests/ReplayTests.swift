import Foundation
import Testing
@testable import FathomCore

/// The union filesystem replay gives, for every fixture, the truth file's per-layer diff sets,
/// final tree and byte totals.
@Suite struct ReplayTests {
    /// Paths as truth.py prints them: bytes decoded as UTF-8 with U+FFFD for invalid sequences.
    func sortedPaths(_ nodes: [PathTable.NodeID], _ replay: Replay) -> [String] {
        nodes.map { replay.paths.pathBytes($0) }.sorted { $0.lexicographicallyPrecedes($1) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: try Fixtures.cases())
    func replayMatchesTheTruthFile(_ c: TruthCase) throws {
        let truth = try c.truth()
        guard truth.error == nil, let layers = truth.layers else { return }
        let image = try ImageLoader.load(path: c.archive.path, options: c.options)
        let replay = Replay(changesets: image.layers.map(\.blob.changeset))
        for (diff, want) in zip(replay.diffs, layers) {
            let at = "\(c.name) layer \(want.index)"
            #expect(sortedPaths(diff.added, replay) == want.added, "\(at) added")
            #expect(sortedPaths(diff.modified, replay) == want.modified, "\(at) modified")
            #expect(sortedPaths(diff.metadataOnly, replay) == want.metadataOnly, "\(at) metadataOnly")
            #expect(sortedPaths(diff.unchanged, replay) == want.unchanged, "\(at) unchanged")
            #expect(sortedPaths(diff.removed, replay) == want.removed, "\(at) removed")
        }
        #expect(replay.shippedBytes == truth.shippedBytes, "\(c.name) shippedBytes")
        #expect(replay.finalBytes == truth.finalBytes, "\(c.name) finalBytes")
        #expect(replay.reclaimableBytes == truth.reclaimableBytes, "\(c.name) reclaimableBytes")

        let finalTree = try #require(truth.finalTree)
        var present: [(bytes: [UInt8], node: PathTable.NodeID)] = []
        for n in 1..<replay.paths.count where replay.currentState(n) != nil {
            present.append((replay.paths.pathBytes(PathTable.NodeID(n)), PathTable.NodeID(n)))
        }
        present.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        try #require(present.count == finalTree.count, "\(c.name) final tree has \(present.count) paths, want \(finalTree.count)")
        for ((bytes, node), want) in zip(present, finalTree) {
            let state = replay.currentState(Int(node))!
            let at = "\(c.name) final \(want.path)"
            #expect(String(decoding: bytes, as: UTF8.self) == want.path, "\(at) path")
            #expect(state.kind.name == want.type, "\(at) type")
            #expect(state.sizeBytes == want.size, "\(at) size")
            #expect(String(state.mode, radix: 8).leftPadded(4) == want.mode, "\(at) mode")
            #expect(state.uid == want.uid && state.gid == want.gid, "\(at) owner")
            #expect(replay.linkTarget(state).map { String(decoding: $0, as: UTF8.self) } == want.linkTarget, "\(at) link")
            #expect(state.isImplicit == (want.implicit ?? false), "\(at) implicit")
            if let dev = replay.device(state) {
                #expect(dev.major == want.devMajor && dev.minor == want.devMinor, "\(at) device")
            }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
