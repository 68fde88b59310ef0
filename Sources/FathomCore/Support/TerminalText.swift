/// Text that an image, a registry or an engine controls, made safe to print on a terminal.
///
/// Control characters (C0, DEL, C1) and the Unicode bidirectional overrides are shown as escapes
/// (`\n`, `\r`, `\t`, `\x1b`, `\u{202e}`) instead of being sent to the terminal, where they could
/// move the cursor, overwrite what is shown, recolour it or set the window title; `ls` and `git`
/// quote such names the same way. Everything else, multibyte UTF-8 included, passes unchanged.
public enum TerminalText {
    /// `s` with every unsafe character escaped.
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            guard isUnsafe(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            }
        }
        return out
    }

    /// Bytes that may not be UTF-8 (a tar member name): invalid sequences become U+FFFD, then `escape`.
    public static func escape<C: Collection>(bytes: C) -> String where C.Element == UInt8 {
        escape(String(decoding: Array(bytes), as: UTF8.self))
    }

    /// `text` in an SGR style (`1` bold, `32` green, `1;31` bold red) when it goes through
    /// `forTerminal`: a mark no text from an image can forge (it holds a number drawn at start-up),
    /// turned into the escape only after everything else was escaped.
    public static func styled(_ text: String, sgr: String) -> String { mark(sgr) + text + mark("0") }

    /// A whole report for a terminal, a pipe or a CI log: every control character escaped except line
    /// feeds, then fathom's own style marks (`styled`) made escapes.
    public static func forTerminal(_ text: String) -> String {
        var out = text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
        let open = "\u{E000}" + nonce
        guard out.contains(open) else { return out }
        var result = ""
        while let start = out.range(of: open) {
            result += out[..<start.lowerBound]
            guard let end = out[start.upperBound...].firstIndex(of: "\u{E001}") else { break }
            result += "\u{1B}[" + out[start.upperBound..<end] + "m"
            out = String(out[out.index(after: end)...])
        }
        return result + out
    }

    private static let nonce = String(UInt64.random(in: 1 ... .max), radix: 36)
    private static func mark(_ sgr: String) -> String { "\u{E000}" + nonce + sgr + "\u{E001}" }

    @inline(__always) static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (v >= 0x7F && v < 0xA0) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }
}
