import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// File content digests: XXH3-128 as xxHash defines it, the same whether a file's data arrives in one block or many.
@Suite struct ContentDigestTests {
    @Test func emptyInputHasXXH3ReferenceValue() {
        // XXH3_128bits of no bytes, from xxHash's reference test vectors (xxh128sum /dev/null)
        let empty = ContentDigest(of: UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(empty.hex == "xxh128:99aa06d3014798d86001c324468d497f")
    }

    @Test func streamedLargeFileEqualsOneShotDigest() throws {
        // 3 MB arrives from libarchive in several blocks (streamed hasher); 700 B in one (one-shot)
        let big = 3 << 20, small = 700
        let image = try SyntheticImage(layers: [
            .init(command: "ADD rootfs /", files: [.init(path: "data/big.bin", bytes: big, seed: "b"),
                                                  .init(path: "data/small.txt", bytes: small, seed: "s")]),
        ]).analysis()
        let changeset = image.image.layers[0].blob.changeset
        for (path, seed, bytes) in [("data/big.bin", "b", big), ("data/small.txt", "s", small)] {
            let row = try #require((0..<changeset.count).first { changeset.path($0) == path })
            let expected = SyntheticImage.content(seed: seed, bytes: bytes).withUnsafeBytes { ContentDigest(of: $0) }
            #expect(changeset.contentDigests[row] == expected, "\(path)")
            #expect(changeset.contentDigests[row] != .zero)
        }
    }
}
