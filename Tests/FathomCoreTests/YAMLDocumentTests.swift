import Foundation
import Testing
@testable import FathomCore

/// The YAML reader behind `.dive-ci` and the key bindings: what it builds, and the limits that stop
/// deep nesting and alias bombs before anything is built.
@Suite struct YAMLDocumentTests {
    @Test func readsMappingsSequencesAndNull() throws {
        let root = try #require(try YAMLDocument.parse("rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: ~\nlist: [a, 'b']\n"))
        #expect(root["rules"]?["lowestEfficiency"]?.string == "0.9")
        #expect(root["rules"]?["highestWastedBytes"]?.isNull == true)
        #expect(root["list"] == .sequence([.scalar("a", plain: true, nullTag: false), .scalar("b", plain: false, nullTag: false)]))
        #expect(try YAMLDocument.parse("") == nil)
        #expect(try YAMLDocument.parse("key: 'null'")?["key"]?.isNull == false)
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        #expect {
            try YAMLDocument.parse("rules:\n  a: [1, 2\n")
        } throws: { error in
            "\(error)".hasPrefix("line ") && "\(error)".contains("column")
        }
    }

    /// 5,000 nested sequences in 10 KB used to overflow the stack.
    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect {
            try YAMLDocument.parse(deep)
        } throws: { error in
            "\(error)".hasSuffix("nested deeper than 64 levels")
        }
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(throws: Never.self) { try YAMLDocument.parse(fine) }
    }

    /// A "billion laughs" document of a few hundred bytes, as a value and as a mapping key.
    @Test func aliasBombsAreRefused() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { bomb += "\(Character(UnicodeScalar(97 + i)!)): &\(Character(UnicodeScalar(97 + i)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + i)!))", count: 10).joined(separator: ",") + "]\n" }
        #expect(bomb.utf8.count < 600)
        #expect {
            try YAMLDocument.parse(bomb)
        } throws: { error in
            "\(error)".contains("more than 100000 nodes")
        }
        #expect {
            try YAMLDocument.parse(bomb.replacingOccurrences(of: "i: &i", with: "? &i") + "\n")
        } throws: { error in
            "\(error)".contains("more than 100000 nodes") || "\(error)".contains("line")
        }
    }

    /// A key that is not a scalar is named by its kind, not dumped.
    @Test func unknownKeysAreNamedAsWritten() {
        var config = CIConfig()
        #expect(throws: CIConfigError.unknownKey(file: "f", key: "(a sequence)")) {
            try config.apply(yaml: "? [a, b]\n: 1\n", file: "f")
        }
        #expect(throws: CIConfigError.unknownRule(file: "f", key: "lowestEfficency")) {
            try config.apply(yaml: "rules:\n  lowestEfficency: 0.9\n", file: "f")
        }
    }

    @Test func ciConfigTooDeepNamesTheFile() {
        var config = CIConfig()
        #expect {
            try config.apply(yaml: String(repeating: "- ", count: 5000) + "x\n", file: ".dive-ci")
        } throws: { error in
            "\(error)".hasPrefix(".dive-ci: invalid YAML: ") && "\(error)".contains("nested deeper than 64 levels")
        }
    }
}
