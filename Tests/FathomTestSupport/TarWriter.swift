import FathomCore
import Foundation

/// Writes tar archives byte by byte (ustar headers, PAX records for long names and anything else),
/// so that tests can make the hostile archives no well-behaved tool would write: whiteouts in odd
/// places, names of any length, sizes that lie.
public struct TarWriter {
    public enum Kind: UInt8 { case file = 0x30, hardlink = 0x31, symlink = 0x32, charDevice = 0x33, directory = 0x35, fifo = 0x36 }

    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends one member; `pax` records go into a PAX extended header before it (with `path` and
    /// `linkpath` added when the name or link does not fit the ustar fields). `size` overrides the
    /// header's size field (the data written is `data` either way, padded to 512 bytes).
    public mutating func add(_ name: String, kind: Kind = .file, data: [UInt8] = [], link: String = "", mode: Int = 0o644,
                             size: Int? = nil, pax: [(String, String)] = []) {
        var records = pax
        if name.utf8.count > 100 { records.append(("path", name)) }
        if link.utf8.count > 100 { records.append(("linkpath", link)) }
        if !records.isEmpty {
            var body: [UInt8] = []
            for (k, v) in records { body += Self.paxRecord(k, v) }
            bytes += Self.header(name: "PaxHeader", kind: 0x78, size: body.count, link: "", mode: 0o644)
            bytes += Self.padded(body)
        }
        bytes += Self.header(name: name, kind: kind.rawValue, size: size ?? data.count, link: link, mode: mode)
        bytes += Self.padded(data)
    }

    /// Appends a member whose header names raw bytes (not UTF-8, control characters).
    public mutating func addRaw(name: [UInt8], data: [UInt8] = []) {
        bytes += Self.header(nameBytes: name, kind: Kind.file.rawValue, size: data.count, link: [], mode: 0o644)
        bytes += Self.padded(data)
    }

    /// A GNU sparse file (PAX format 1.0) that states `realSize` bytes and stores none.
    public mutating func addSparse(_ name: String, realSize: Int64, chunks: [(offset: Int64, data: [UInt8])] = []) {
        // PAX sparse format 1.0: the map (entries, then offset and size of each) in 512-byte blocks, then the data
        var map = Array("\(chunks.count)\n".utf8)
        for c in chunks { map += Array("\(c.offset)\n\(c.data.count)\n".utf8) }
        map += [UInt8](repeating: 0, count: (512 - map.count % 512) % 512)
        add("GNUSparseFile.0/" + name, data: map + chunks.flatMap(\.data),
            pax: [("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", name),
                  ("GNU.sparse.realsize", String(realSize))])
    }

    /// The archive with its two end-of-archive blocks.
    public func finished() -> [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    public static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let payload = " \(key)=\(value)\n"
        var length = payload.utf8.count + 1
        while String(length).utf8.count + payload.utf8.count != length { length += 1 }
        return Array((String(length) + payload).utf8)
    }

    public static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    public static func header(name: String, kind: UInt8, size: Int, link: String, mode: Int) -> [UInt8] {
        header(nameBytes: Array(name.utf8.prefix(100)), kind: kind, size: size, link: Array(link.utf8.prefix(100)), mode: mode)
    }

    public static func header(nameBytes: [UInt8], kind: UInt8, size: Int, link: [UInt8], mode: Int) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], _ at: Int) { for (i, b) in field.enumerated() { h[at + i] = b } }
        func octal(_ v: Int, _ width: Int) -> [UInt8] {
            let s = String(v, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - s.count)) + s).utf8) + [0]
        }
        put(Array(nameBytes.prefix(100)), 0)
        put(octal(mode, 8), 100)
        put(octal(0, 8), 108)
        put(octal(0, 8), 116)
        if size < 0o77777777777 { put(octal(size, 12), 124) } else {
            // base-256 for sizes beyond 8 GiB (GNU): a leading 0x80 and the value big-endian
            var v = UInt64(size)
            h[124] = 0x80
            for i in stride(from: 135, to: 124, by: -1) { h[i] = UInt8(v & 0xFF); v >>= 8 }
        }
        put(octal(0, 12), 136)
        h[156] = kind
        put(Array(link.prefix(100)), 157)
        put(Array("ustar\u{0}00".utf8), 257)
        for i in 148..<156 { h[i] = 0x20 }
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, 7) + [0x20], 148)
        return h
    }
}

/// A classic `docker save` archive made of hand-written layers (`TarWriter` output), for hostile inputs.
public struct DockerArchiveBuilder {
    public var layers: [[UInt8]]
    /// Commands for the config's history; default: one per layer.
    public var commands: [String]?
    public var repoTags = ["hostile:latest"]
    /// The config's `User` (empty: root).
    public var user = ""
    /// Members added to the outer archive after the image (or instead of it).
    public var extra: (inout TarWriter) -> Void = { _ in }

    public init(layers: [[UInt8]]) { self.layers = layers }

    public func build() -> [UInt8] {
        var outer = TarWriter()
        var layerPaths: [String] = [], diffIDs: [String] = []
        for (i, layer) in layers.enumerated() {
            let path = "l\(i)/layer.tar"
            outer.add(path, data: layer)
            layerPaths.append(path)
            diffIDs.append(Digest(sha256Of: layer).value)
        }
        let config: [String: Any] = [
            "architecture": "amd64", "os": "linux", "config": ["User": user],
            "rootfs": ["type": "layers", "diff_ids": diffIDs],
            "history": (commands ?? layers.indices.map { "layer \($0)" }).map { ["created_by": $0] },
        ]
        outer.add("config.json", data: Array(try! JSONSerialization.data(withJSONObject: config)))
        let manifest: [[String: Any]] = [["Config": "config.json", "RepoTags": repoTags, "Layers": layerPaths]]
        outer.add("manifest.json", data: Array(try! JSONSerialization.data(withJSONObject: manifest)))
        extra(&outer)
        return outer.finished()
    }

    /// A layer tar holding `members` as written by `body`.
    public static func layer(_ body: (inout TarWriter) -> Void) -> [UInt8] {
        var t = TarWriter()
        body(&t)
        return t.finished()
    }
}

/// A `BlockSource` that gives `parts` one after the other (an engine's stream, a registry's blob).
public final class PartsSource: BlockSource {
    var parts: [[UInt8]]
    var current: [UInt8] = []
    public init(_ parts: [[UInt8]]) { self.parts = parts }
    public func next() throws -> UnsafeRawBufferPointer {
        guard !parts.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        current = parts.removeFirst()
        return current.withUnsafeBytes { $0 }
    }
    public func close() {}
}

/// Writes bytes to a new temporary file and returns its path.
public func temporaryFile(_ bytes: [UInt8], name: String = "hostile.tar") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}
