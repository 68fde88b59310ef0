import Foundation
import Testing
@testable import FathomCore

/// The explorer's path filter: RE2's syntax, the same answers as a backtracking engine on ordinary
/// patterns, and linear time on the patterns that make backtracking engines explode.
@Suite struct LinearRegexTests {
    static let patterns = [
        "etc", "^/etc/", "passwd$", "lib.*\\.so", "\\.(py|pyc)$", "[0-9]+", "^/usr/(s?bin|lib)/", "a{2,3}",
        "(?i)README", "\\bbin\\b", "x*", "[^/]+\\.tar\\.gz$", "^$", "(ab|a)(c|bcd)", "[a-c-]", "\\d{3}",
        "(?:foo|bar)+baz", ".", "[\\[]", "a|", "colou?r", "\\w+@\\w+", "^/(a|b)*c", "[\\s]", "é+",
    ]
    static let texts = [
        "/etc/passwd", "/usr/lib/libc.so.6", "/app/main.py", "/app/cache.pyc", "/README.md", "/readme", "/usr/sbin/x",
        "/usr/bin/env", "", "aaa", "a", "abcd", "foobarbaz", "/x/y.tar.gz", "user@host", "/ababc", "tab\there",
        "/café", "123", "binary", "/bin", "c-a",
    ]

    @Test func agreesWithFoundationOnOrdinaryPatterns() throws {
        for pattern in Self.patterns {
            let ours = try LinearRegex(pattern)
            let theirs = try NSRegularExpression(pattern: pattern.replacingOccurrences(of: "(?i)", with: ""),
                                                 options: pattern.hasPrefix("(?i)") ? [.caseInsensitive] : [])
            for text in Self.texts {
                let expected = theirs.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(ours.matches(text) == expected, "/\(pattern)/ on '\(text)'")
            }
        }
    }

    /// `(.*)*z` froze the explorer (a backtracking engine takes exponential time on a text without z).
    @Test(.timeLimit(.minutes(1))) func catastrophicPatternsRunInLinearTime() throws {
        let text = "/" + String(repeating: "a", count: 20_000)
        for pattern in ["(.*)*z", "(a+)+$z", "(a|aa)*b", "(x+x+)+y", "^(a?){30}a{30}$"] {
            #expect(try LinearRegex(pattern).matches(text) == (pattern == "^(a?){30}a{30}$" ? false : false))
        }
        #expect(try LinearRegex("^(a?){30}a{30}$").matches(String(repeating: "a", count: 30)))
    }

    @Test func badPatternsAreSyntaxErrors() {
        for (pattern, message) in [("(", "missing ')'"), (")", "unmatched ')'"), ("[a", "missing ']'"), ("*a", "nothing to repeat"),
                                   ("a**", "a quantifier after a quantifier"), ("a{2000}", "a repetition count above 1000"),
                                   ("\\q", "unknown escape"), ("(?=a)", "only (?:…) groups"), ("[z-a]", "a range whose end is below its start"),
                                   ("((a{1000}){1000})", "the pattern is too large")] {
            #expect(performing: { try LinearRegex(pattern) }, throws: { "\($0)".contains(message) })
        }
    }
}
