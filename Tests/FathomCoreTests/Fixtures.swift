import Foundation
@testable import FathomCore

/// Locates the shared fixtures (`../shared/fixtures` beside the repository, or `$FATHOM_FIXTURES`)
/// and the repository's `SampleImages`.
enum Fixtures {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["FATHOM_FIXTURES"] { return URL(fileURLWithPath: env) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }()

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Every truth file with the archive it describes and the flags it needs (`variants.json`).
    static func cases() throws -> [TruthCase] {
        let variantsData = try Data(contentsOf: url("variants.json"))
        let variants = (try JSONSerialization.jsonObject(with: variantsData) as? [String: Any]) ?? [:]
        var out: [TruthCase] = []
        for base in [root, repositoryRoot.appendingPathComponent("SampleImages")] {
            let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
            for case let file as URL in enumerator where file.lastPathComponent.hasSuffix(".truth.json") {
                let key = String(file.path.dropFirst(base.path.count + 1))
                var archive: URL?
                var args: [String] = []
                if base == root, let v = variants[key] as? [String: Any] {
                    archive = url(v["archive"] as! String)
                    args = v["args"] as! [String]
                } else {
                    let stem = String(file.lastPathComponent.dropLast(".truth.json".count))
                    let folder = file.deletingLastPathComponent()
                    archive = [".tar", ".tar.gz", ".tgz", ".tar.zst", ""].lazy
                        .map { folder.appendingPathComponent(stem + $0) }
                        .first { FileManager.default.fileExists(atPath: $0.path) }
                }
                guard let archive else { continue }
                out.append(TruthCase(name: key, truthURL: file, archive: archive, args: args))
            }
        }
        return out.sorted { $0.name < $1.name }
    }
}

/// One truth file and how to open its archive.
struct TruthCase: CustomStringConvertible, Sendable {
    let name: String
    let truthURL: URL
    let archive: URL
    let args: [String]
    var description: String { name }

    func truth() throws -> Truth { try JSONDecoder().decode(Truth.self, from: Data(contentsOf: truthURL)) }

    /// Load options equivalent to the case's flags.
    var options: LoadOptions {
        var o = LoadOptions()
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--image": o.imageName = args[i + 1]; i += 1
            case "--platform": o.platform = Platform(parsing: args[i + 1]); i += 1
            case "--verify": o.verify = true
            default: break
            }
            i += 1
        }
        return o
    }
}

/// A `Codable` mirror of the fields of a `*.truth.json` (fixtures/tools/README.md).
struct Truth: Decodable {
    var error: String?
    var layout: String?
    var images: [String]?
    var platform: String?
    var platforms: [String]?
    var config: TruthConfig?
    var layers: [TruthLayer]?
    var finalBytes: Int64?
    var shippedBytes: Int64?
    var reclaimableBytes: Int64?
    var finalTree: [TruthNode]?
    var dive: TruthDive?

    struct TruthNode: Decodable {
        var path: String
        var type: String
        var size: Int64
        var mode: String
        var uid: UInt32
        var gid: UInt32
        var linkTarget: String?
        var implicit: Bool?
        var devMajor: UInt32?
        var devMinor: UInt32?
        var rawPathHex: String?
    }

    struct TruthDive: Decodable {
        var efficiency: Double
        var wastedBytes: Int64
        var userWastedPercent: Double?
        var sizeBytes: Int64
        var userSizeBytes: Int64
        var layerSizes: [Int64]
        var inefficientFiles: [TruthInefficient]
    }

    struct TruthInefficient: Decodable, Equatable {
        var path: String
        var count: Int
        var sizeBytes: Int64
    }

    struct TruthConfig: Decodable {
        var user: String?
        var entrypoint: [String]?
        var cmd: [String]?
        var envCount: Int
    }

    struct TruthLayer: Decodable {
        var index: Int
        var diffId: String
        var configDiffId: String?
        var digest: String
        var compression: String
        var entries: Int
        var sizeBytes: Int64
        var command: String?
        var added: [String]
        var modified: [String]
        var metadataOnly: [String]
        var unchanged: [String]
        var removed: [String]
    }
}
