import Foundation
import FathomCore

/// Writes small Docker-save layouts (a directory: `manifest.json`, `config.json`, one `layer.tar`
/// per layer made by the system `tar`) for rules that no fixture exercises.
public struct SyntheticImage: Sendable {
    public struct File: Sendable {
        public var path: String
        public var bytes: Int
        /// Files with the same seed and size have the same content.
        public var seed: String?
        public var mode: Int = 0o644

        public init(path: String, bytes: Int, seed: String? = nil, mode: Int = 0o644) {
            self.path = path; self.bytes = bytes; self.seed = seed; self.mode = mode
        }
    }

    public struct Layer: Sendable {
        public var command: String
        public var files: [File] = []
        /// Paths to delete (written as `.wh.` whiteouts).
        public var deletes: [String] = []

        public init(command: String, files: [File] = [], deletes: [String] = []) {
            self.command = command; self.files = files; self.deletes = deletes
        }
    }

    public var layers: [Layer]
    public var user = ""

    public init(layers: [Layer], user: String = "") {
        self.layers = layers; self.user = user
    }

    /// Writes the layout into a new temporary directory and returns it.
    public func write() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-synthetic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var diffIDs: [String] = [], layerPaths: [String] = []
        for (i, layer) in layers.enumerated() {
            let stage = root.appendingPathComponent("stage\(i)")
            try FileManager.default.createDirectory(at: stage, withIntermediateDirectories: true)
            for f in layer.files {
                let url = stage.appendingPathComponent(f.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Self.content(seed: f.seed ?? f.path, bytes: f.bytes).write(to: url)
                try FileManager.default.setAttributes([.posixPermissions: f.mode], ofItemAtPath: url.path)
            }
            for d in layer.deletes {
                let url = stage.appendingPathComponent(d)
                let whiteout = url.deletingLastPathComponent().appendingPathComponent(".wh." + url.lastPathComponent)
                try FileManager.default.createDirectory(at: whiteout.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data().write(to: whiteout)
            }
            try FileManager.default.createDirectory(at: root.appendingPathComponent("l\(i)"), withIntermediateDirectories: true)
            let tar = "l\(i)/layer.tar"
            try Self.run("/usr/bin/env", ["tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name",
                                          "-cf", root.appendingPathComponent(tar).path, "-C", stage.path, "."])
            try FileManager.default.removeItem(at: stage)
            diffIDs.append("sha256:" + (try Self.sha256(root.appendingPathComponent(tar))))
            layerPaths.append(tar)
        }
        let config: [String: Any] = [
            "architecture": "amd64", "os": "linux",
            "config": ["User": user],
            "rootfs": ["type": "layers", "diff_ids": diffIDs],
            "history": layers.map { ["created_by": $0.command] },
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: root.appendingPathComponent("config.json"))
        let manifest: [[String: Any]] = [["Config": "config.json", "RepoTags": ["synthetic:latest"], "Layers": layerPaths]]
        try JSONSerialization.data(withJSONObject: manifest).write(to: root.appendingPathComponent("manifest.json"))
        return root
    }

    /// Loads and analyses the image, then deletes the layout.
    public func analysis() throws -> Analysis {
        let dir = try write()
        defer { try? FileManager.default.removeItem(at: dir) }
        return try Analysis(image: ImageLoader.load(path: dir.path))
    }

    /// Deterministic bytes from a seed (FNV-1a, then xorshift).
    public static func content(seed: String, bytes: Int) -> Data {
        var x: UInt64 = 0xcbf29ce484222325
        for b in seed.utf8 { x = (x ^ UInt64(b)) &* 0x100000001b3 }
        var out = [UInt8](repeating: 0, count: bytes)
        for i in 0..<bytes {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            out[i] = UInt8(truncatingIfNeeded: x)
        }
        return Data(out)
    }

    /// Runs a tool of the test machine (tar, sha256sum) and returns its standard output.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(message: "\(executable) \(arguments) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The SHA-256 of a file, lower-case hex.
    public static func sha256(_ file: URL) throws -> String {
        String(try run("/usr/bin/sha256sum", [file.path]).prefix(64))
    }

    /// A tool of the test machine failed.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
