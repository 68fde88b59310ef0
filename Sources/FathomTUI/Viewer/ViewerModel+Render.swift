import FathomCore
import Foundation

extension ViewerModel {
    /// The viewer over the whole screen: a header, the content, a status line.
    func render(into g: inout Grid, keys: String) {
        for y in 0..<height { g.fill(x: 0, y: y, count: width, style: .normal) }
        g.fill(x: 0, y: 0, count: width, style: .titleFocused)
        g.put(DisplayWidth.truncate(" " + title + "  " + header, to: width), x: 0, y: 0, style: .titleFocused, maxWidth: width)
        if isBinary { renderHex(&g) } else { renderText(&g) }
        let y = height - 1
        g.fill(x: 0, y: y, count: width, style: .statusBar)
        if let searchInput {
            g.put(DisplayWidth.truncate("Search: " + searchInput + "▏   Enter searches, Esc cancels", to: width), x: 0, y: y, style: .statusBar)
            return
        }
        var status = keys
        let position = (topLine.map { "line \($0), " } ?? "") + "byte \(top) of \(bytes.sizeBytes)"
        if let message { status = message + "  ·  " + status }
        let right = " " + position + " "
        let rightWidth = DisplayWidth.of(right)
        g.put(DisplayWidth.truncate(status, to: max(0, width - rightWidth)), x: 0, y: y, style: .statusBar, maxWidth: max(0, width - rightWidth))
        g.put(right, x: max(0, width - rightWidth), y: y, style: .statusKey)
    }

    private func renderText(_ g: inout Grid) {
        let rows = pageRows
        let gutter = topLine != nil ? 7 : 0
        let textWidth = max(1, width - gutter)
        guard let block = try? bytes.read(at: top, count: max(Self.chunk, rows * max(width, 80) * 4)) else {
            g.put("the file cannot be read again here", x: 1, y: 2, style: .warning)
            return
        }
        var y = 1
        var line = topLine
        var start = 0
        var offset = top
        while y <= rows, start < block.count || (start == 0 && block.isEmpty && y == 1) {
            let end = block[start...].firstIndex(of: 0x0A) ?? block.count
            let text = Self.displayLine(block[start..<end])
            let isMatch = match.map { $0.offset >= offset && $0.offset <= offset + Int64(end - start) } ?? false
            let number = line.map { String($0) } ?? ""
            if gutter > 0 {
                g.put(TextReportPad.left(number, gutter - 1), x: 0, y: y, style: isMatch ? .selected : .dim)
            }
            if wrap {
                var rest = Substring(text)
                repeat {
                    let piece = DisplayWidth.prefix(rest, columns: textWidth)
                    g.put(String(piece), x: gutter, y: y, style: isMatch ? .bold : .normal, maxWidth: textWidth)
                    rest = rest.dropFirst(piece.count)
                    y += 1
                } while !rest.isEmpty && y <= rows
            } else {
                let shown = DisplayWidth.drop(Substring(text), columns: column)
                g.put(String(shown), x: gutter, y: y, style: isMatch ? .bold : .normal, maxWidth: textWidth)
                y += 1
            }
            if block.isEmpty { break }
            offset += Int64(end - start + 1)
            start = end + 1
            line = line.map { $0 + 1 }
            if end == block.count { break }
        }
        if top + Int64(block.count) >= bytes.sizeBytes && y <= rows {
            g.put("(end of file)", x: gutter, y: y, style: .dim)
        }
    }

    private func renderHex(_ g: inout Grid) {
        let rows = pageRows
        guard let block = try? bytes.read(at: top, count: rows * 16) else {
            g.put("the file cannot be read again here", x: 1, y: 2, style: .warning)
            return
        }
        let digits = bytes.sizeBytes > 0xFFFF_FFFF ? 12 : 8
        for row in 0..<rows {
            let from = row * 16
            guard from < block.count else { break }
            let slice = block[from..<min(from + 16, block.count)]
            var hex = ""
            for (i, b) in slice.enumerated() {
                hex += (b < 0x10 ? "0" : "") + String(b, radix: 16) + (i == 7 ? "  " : " ")
            }
            hex = hex.padding(toLength: 16 * 3 + 1, withPad: " ", startingAt: 0)
            let ascii = String(slice.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." })
            let offset = String(top + Int64(from), radix: 16)
            let text = String(repeating: "0", count: max(0, digits - offset.count)) + offset + "  " + hex + " |" + ascii + "|"
            let isMatch = match.map { $0.offset >= top + Int64(from) && $0.offset < top + Int64(from + 16) } ?? false
            g.put(text, x: 1, y: 1 + row, style: isMatch ? .bold : .normal, maxWidth: width - 1)
        }
    }

    /// A line's bytes as they are drawn: UTF-8 as text, tabs to the next multiple of 8 columns, other
    /// control characters and invalid bytes as escapes (`TerminalText.escape(bytes:)`).
    static func displayLine(_ bytes: ArraySlice<UInt8>) -> String {
        var out = ""
        var columns = 0
        var segment = bytes.startIndex
        func flush(_ to: Int) {
            guard segment < to else { return }
            let text = TerminalText.escape(bytes: bytes[segment..<to])
            out += text
            columns += DisplayWidth.of(text)
        }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x09 {
                flush(i)
                let spaces = 8 - columns % 8
                out += String(repeating: " ", count: spaces)
                columns += spaces
                segment = i + 1
            }
            i += 1
        }
        flush(bytes.endIndex)
        // a Windows line end: the carriage return is part of the line break, not text to show
        if out.hasSuffix("\\r") { out.removeLast(2) }
        return out
    }
}

extension DisplayWidth {
    /// The longest prefix of `s` that fits `columns` (at least one character, so that wrapping advances).
    static func prefix(_ s: Substring, columns: Int) -> Substring {
        var used = 0
        var end = s.startIndex
        for ch in s {
            let w = of(ch)
            if used + w > columns && end > s.startIndex { break }
            used += w
            end = s.index(after: end)
        }
        return s[..<end]
    }

    /// `s` without its first `columns` columns.
    static func drop(_ s: Substring, columns: Int) -> Substring {
        var used = 0
        var start = s.startIndex
        while start < s.endIndex && used < columns {
            used += of(s[start])
            start = s.index(after: start)
        }
        return s[start...]
    }
}
