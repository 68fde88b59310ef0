import FathomCore
import FathomTestSupport
import Foundation
import Testing
@testable import FathomTUI

/// The explorer on what an image or a user may throw at it: no trap, keys always answered.
@Suite struct HostileScreenTests {
    func analysis(_ layers: [[UInt8]]) throws -> Analysis {
        let path = try temporaryFile(DockerArchiveBuilder(layers: layers).build())
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return Analysis(image: try ImageLoader.load(path: path))
    }

    func press(_ m: ScreenModel, _ keys: [Key]) -> ScreenModel { keys.reduce(m) { $0.handle($1) } }

    /// A size filter of 2^63 bytes or more (9.3EB) used to trap converting to Int64.
    @Test func sizeFilterBeyondInt64() throws {
        let a = try analysis([DockerArchiveBuilder.layer { t in t.add("f", data: [1, 2, 3]) }])
        for text in ["9.3EB", "20EiB", "1e30"] {
            let m = press(ScreenModel(analysis: a, width: 100, height: 30), [.tab, .tab, .char("s")] + text.map { Key.char($0) } + [.enter])
            #expect(m.rows.filter { !$0.isDirectory }.isEmpty || m.message != nil, "\(text)")
        }
    }

    /// The deepest path an image may have (2,048 components, PATH_MAX) is listed without recursion;
    /// every row is there, its prefix grows with its depth.
    @Test func deepestPathIsListed() throws {
        let deep = Array(repeating: "d", count: 2045).joined(separator: "/") + "/f"   // 4,091 bytes
        let a = try analysis([DockerArchiveBuilder.layer { t in t.add(deep, data: [1]) }])
        let m = ScreenModel(analysis: a, width: 120, height: 40)
        #expect(m.rows.count == 2046)
        #expect(m.rows.last?.depth == 2045)
        #expect(m.render().text.contains("d"))
    }

    /// A pattern that freezes a backtracking engine answers at once, and stays the filter.
    @Test(.timeLimit(.minutes(1))) func catastrophicFilterPattern() throws {
        let name = String(repeating: "a", count: 3000)
        let a = try analysis([DockerArchiveBuilder.layer { t in t.add(name, data: [1]); t.add("z", data: [2]) }])
        let m = press(ScreenModel(analysis: a, width: 100, height: 30), [.char("/")] + "(.*)*z".map { Key.char($0) } + [.enter])
        #expect(m.rows.map { a.replay.paths.path($0.node) } == ["z"])
    }

    /// Key bindings from a hostile config.yaml: an alias bomb is refused, an unknown name is named.
    @Test func keyBindingFileBombs() {
        var bomb = "keybinding:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { bomb += "  a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]\n" }
        var b = KeyBindings()
        #expect(performing: { try b.apply(yaml: bomb, file: "config.yaml") },
                throws: { "\($0)".hasPrefix("config.yaml: invalid YAML: more than 100000 nodes") })
        #expect(performing: { try b.apply(yaml: "keybinding:\n  ? [a]\n  : x\n", file: "config.yaml") },
                throws: { "\($0)" == "config.yaml: unknown key binding '(a sequence)'" })
    }
}
