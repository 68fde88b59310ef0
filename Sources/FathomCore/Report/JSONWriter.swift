/// Writes JSON in the exact layout of Go's `json.MarshalIndent(v, "", "  ")`, which is
/// what dive's `--json` export uses (dive-reference.md §4): two-space indent, `"key": value`,
/// empty containers as `[]` / `{}`, `<`, `>`, `&` escaped as `\u003c` …, no trailing newline.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var hasElements: [Bool] = []
    /// Where full chunks go when the report is streamed; nil keeps everything in `bytes`.
    private let sink: ((UnsafeRawBufferPointer) -> Void)?
    private static let chunkBytes = 1 << 20

    /// No newlines, indentation or space after `:` (the HTML report's embedded data).
    private var compact = false

    init() { bytes.reserveCapacity(1 << 16); sink = nil }

    /// A writer of compact JSON: the same values with no whitespace.
    init(compact: Bool) { self.init(); self.compact = compact }

    /// A writer that hands its output to `sink` in chunks of about 1 MiB (a million-file report
    /// is a quarter of a gigabyte: it is never held whole). Call `flush()` at the end.
    init(sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        bytes.reserveCapacity(Self.chunkBytes + (1 << 16))
        self.sink = sink
    }

    /// Hands what is buffered to the sink.
    mutating func flush() {
        guard let sink, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { sink($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func newline() {
        if compact { return }
        bytes.append(0x0A)
        for _ in 0..<hasElements.count { bytes.append(0x20); bytes.append(0x20) }
    }

    /// Separator and indentation before a value or key in the current container.
    private mutating func beginElement() {
        if sink != nil && bytes.count >= Self.chunkBytes { flush() }
        guard !hasElements.isEmpty else { return }
        if hasElements[hasElements.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasElements[hasElements.count - 1] = true
        newline()
    }

    mutating func beginObject() { bytes.append(UInt8(ascii: "{")); hasElements.append(false) }
    mutating func beginArray() { bytes.append(UInt8(ascii: "[")); hasElements.append(false) }

    mutating func endObject() { end(UInt8(ascii: "}")) }
    mutating func endArray() { end(UInt8(ascii: "]")) }

    private mutating func end(_ closer: UInt8) {
        let had = hasElements.removeLast()
        if had { newline() }
        bytes.append(closer)
    }

    /// Starts an array element (call before writing the element's value).
    mutating func element() { beginElement() }

    /// Writes `"key": ` in the current object.
    mutating func key(_ k: String) {
        beginElement()
        string(k)
        bytes.append(UInt8(ascii: ":")); if !compact { bytes.append(0x20) }
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var copy = s
        copy.withUTF8 { utf8 in
            var i = 0
            let n = utf8.count
            while i < n {
                let b = utf8[i]
                switch b {
                case UInt8(ascii: "\""): bytes.append(0x5C); bytes.append(b)
                case UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(b)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0x00..<0x20:
                    unicodeEscape(UInt32(b))
                case 0xE2 where i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                    unicodeEscape(utf8[i + 2] == 0xA8 ? 0x2028 : 0x2029)  // Go escapes U+2028 and U+2029
                    i += 2
                // DEL and the C1 controls (U+0080–U+009F, `0xC2 0x80–0x9F`), which Go leaves raw, are escaped:
                // `--json -` on a terminal must not send it an escape sequence (U+009B is CSI on some)
                case 0x7F:
                    unicodeEscape(0x7F)
                case 0xC2 where i + 1 < n && utf8[i + 1] >= 0x80 && utf8[i + 1] <= 0x9F:
                    unicodeEscape(UInt32(utf8[i + 1]))
                    i += 1
                default:
                    bytes.append(b)
                }
                i += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func unicodeEscape(_ v: UInt32) {
        bytes.append(0x5C); bytes.append(UInt8(ascii: "u"))
        for shift in [12, 8, 4, 0] { bytes.append(Self.hexDigits[Int((v >> UInt32(shift)) & 0xF)]) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: Array(text.utf8)) }
    mutating func int<I: BinaryInteger>(_ v: I) {
        // digits straight into the buffer: a report writes millions of integers
        guard let value = Int64(exactly: v), value != Int64.min else { raw(String(v)); return }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // up to 20 digits, filled from the end
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = 24
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i...]))
        }
    }
    mutating func bool(_ v: Bool) { raw(v ? "true" : "false") }
    mutating func null() { raw("null") }
    /// A float as Go's encoding/json writes it; nil, NaN and infinities as `null`.
    mutating func double(_ v: Double?) {
        guard let v, v.isFinite else { null(); return }
        raw(GoFloat.format(v))
    }

    /// `"key": [ … ]` with one `body` call per item (after its separator and indentation).
    mutating func array<S: Sequence>(_ key: String, _ items: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        self.key(key)
        beginArray()
        for item in items { element(); body(&self, item) }
        endArray()
    }

    /// An object whose fields `body` writes.
    mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    /// `"key": ["a", "b"]`.
    mutating func field(_ k: String, strings: [String]) { array(k, strings) { w, s in w.string(s) } }

    // Convenience for `"key": value` pairs.
    mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    mutating func field<I: BinaryInteger>(_ k: String, _ v: I) { key(k); int(v) }
    mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }
    mutating func field(_ k: String, double v: Double?) { key(k); double(v) }
    mutating func field(_ k: String, optional v: String?) { key(k); if let v { string(v) } else { null() } }
}

/// Go's float64 JSON formatting (`encoding/json` floatEncoder): the shortest digits that
/// round-trip, in plain notation for 1e-6 ≤ |x| < 1e21, else exponent notation (`1e-7`).
enum GoFloat {
    static func format(_ x: Double) -> String {
        if x == 0 { return x.sign == .minus ? "-0" : "0" }
        // Swift's description is the shortest round-trip representation too; re-lay its digits.
        let text = "\(x.magnitude)"
        var digits = "", exponent = 0
        let parts = text.split(separator: "e")
        let mantissa = String(parts[0])
        if parts.count == 2 { exponent = Int(parts[1]) ?? 0 }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(pieces[0]), fracPart = pieces.count > 1 ? String(pieces[1]) : ""
        digits = intPart + fracPart
        var pointPosition = intPart.count + exponent  // position of the decimal point within `digits`
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); pointPosition -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let sign = x < 0 ? "-" : ""
        let abs = x.magnitude
        if abs < 1e-6 || abs >= 1e21 {
            let e = pointPosition - 1
            var m = String(digits.prefix(1))
            if digits.count > 1 { m += "." + digits.dropFirst() }
            return sign + m + "e" + (e < 0 ? "-" : "+") + String(e.magnitude)
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let idx = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<idx] + "." + digits[idx...]
    }
}
