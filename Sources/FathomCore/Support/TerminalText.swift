/// Text that an image, a registry or an engine controls, made safe to print on a terminal.
///
/// Control characters (C0, DEL, C1), the Unicode bidirectional controls and the invisible
/// characters that make two names look alike (zero-width space and joiners, U+2028/U+2029, BOM)
/// are shown as escapes (`\n`, `\r`, `\t`, `\x1b`, `\u{202e}`, `\u{200b}`) instead of being sent
/// to the terminal, where they could move the cursor, overwrite what is shown, recolour it, set the
/// window title or hide a difference; `ls` and `git` quote such names the same way. Everything
/// else, multibyte UTF-8 included, passes unchanged.
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

    /// Bytes that may not be UTF-8 (a tar member name): valid UTF-8 as text (escaped as `escape`
    /// does), each byte of an invalid sequence as `\xNN`; `unescape` gives the bytes back.
    public static func escape<C: Collection>(bytes: C) -> String where C.Element == UInt8 {
        let array = Array(bytes)
        if let s = String(validating: array, as: UTF8.self) { return escape(s) }
        var out = ""
        var i = 0
        while i < array.count {
            let b = array[i]
            let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0
            if length > 0, i + length <= array.count, let s = String(validating: array[i..<(i + length)], as: UTF8.self) {
                out += escape(s)
                i += length
            } else {
                out += "\\x" + (b < 0x10 ? "0" : "") + String(b, radix: 16)
                i += 1
            }
        }
        return out
    }

    /// A path as a user typed it, the escapes `escape` and `escape(bytes:)` write (`\xNN` bytes,
    /// `\n`, `\r`, `\t`, `\u{hex}`) turned back into bytes; any other backslash stays as it is.
    public static func unescape(_ s: String) -> [UInt8] {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x57
            case 0x41...0x46: c - 0x37
            default: nil
            }
        }
        while i < u.count {
            guard u[i] == 0x5C, i + 1 < u.count else { out.append(u[i]); i += 1; continue }
            switch u[i + 1] {
            case 0x78 where i + 3 < u.count:   // \xNN
                if let h = hex(u[i + 2]), let l = hex(u[i + 3]) { out.append(h << 4 | l); i += 4; continue }
            case 0x6E: out.append(0x0A); i += 2; continue
            case 0x72: out.append(0x0D); i += 2; continue
            case 0x74: out.append(0x09); i += 2; continue
            case 0x75 where i + 2 < u.count && u[i + 2] == 0x7B:   // \u{hex}
                var j = i + 3, value: UInt32 = 0
                while j < u.count, j - i - 3 < 8, let d = hex(u[j]) { value = value << 4 | UInt32(d); j += 1 }
                if j < u.count, u[j] == 0x7D, j > i + 3, let scalar = Unicode.Scalar(value) {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i = j + 1
                    continue
                }
            default: break
            }
            out.append(u[i])
            i += 1
        }
        return out
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
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return true }
        guard v >= 0x61C else { return false }
        // bidirectional controls, and the invisible characters that make two names look alike
        // (zero-width space and joiners, word joiner, line and paragraph separators, BOM)
        return v == 0x61C || v == 0x180E || (v >= 0x200B && v <= 0x200F) || (v >= 0x2028 && v <= 0x202E)
            || (v >= 0x2060 && v <= 0x2069) || v == 0xFEFF
    }
}
