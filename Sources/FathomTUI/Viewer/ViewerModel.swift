import FathomCore

/// A file of the image opened in the explorer: text with line numbers (scrolling both ways, wrap,
/// search), or a hex and ASCII view when its bytes are binary. The bytes are read in parts from the
/// layer as the view moves (`FileBytes`), never whole unless the file is small.
struct ViewerModel {
    /// The header: the path, and what the viewer shows of it (layer, bytes, mode, owner, links).
    let title: String
    let header: String
    let bytes: FileBytes
    let isBinary: Bool
    var width: Int
    var height: Int
    /// The first byte shown: the start of a line (text) or a multiple of 16 (hex).
    private(set) var top: Int64 = 0
    /// The line number of `top` (1 for the first line), when known.
    private(set) var topLine: Int? = 1
    /// Columns scrolled to the right (text, without wrap).
    private(set) var column = 0
    private(set) var wrap = false
    /// The search being typed (nil: none), and the last one.
    private(set) var searchInput: String?
    private(set) var query = ""
    /// The last match, for highlighting: its byte offset and length.
    private(set) var match: (offset: Int64, length: Int)?
    var message: String?

    /// Bytes read at once when moving through the text.
    static let chunk = 1 << 16
    /// Line numbers are counted from the start of the file up to this far in (bytes); past it a jump
    /// shows byte offsets, so that `G` in a file of many gigabytes does not read it all to count lines.
    static let lineCountLimitBytes: Int64 = 256 << 20

    init(title: String, header: String, bytes: FileBytes, width: Int, height: Int) throws {
        self.title = title
        self.header = header
        self.bytes = bytes
        self.width = width
        self.height = height
        isBinary = Self.looksBinary(try bytes.read(at: 0, count: 8192))
        if isBinary { topLine = nil }
    }

    /// Text or not, by content: a NUL, or more than a tenth of control bytes other than tab, line and
    /// page breaks and escape, in the first 8 KiB.
    static func looksBinary(_ head: [UInt8]) -> Bool {
        if head.contains(0) { return true }
        let controls = head.filter { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D, 0x1B].contains($0) }.count
        return controls * 10 > head.count
    }

    /// Rows of content on the screen (the header and the status bar take two).
    var pageRows: Int { max(1, height - 2) }

    // MARK: moving

    /// Moves by `lines` lines (text) or rows of 16 bytes (hex); negative moves up.
    mutating func move(_ lines: Int) throws {
        if isBinary {
            let last = max(0, (bytes.sizeBytes - 1) / 16 * 16)
            top = min(last, max(0, top + Int64(lines) * 16))
            return
        }
        if lines > 0 {
            for _ in 0..<lines {
                guard let next = try nextLineStart(after: top) else { break }
                top = next
                topLine = topLine.map { $0 + 1 }
            }
        } else {
            for _ in 0..<(-lines) {
                guard top > 0 else { topLine = 1; break }
                top = try lineStart(before: top)
                topLine = topLine.map { max(1, $0 - 1) }
                if top == 0 { topLine = 1 }
            }
        }
    }

    mutating func home() { top = 0; topLine = isBinary ? nil : 1; column = 0 }

    /// The last page: the file's end, a page of lines back.
    mutating func end() throws {
        if isBinary {
            top = max(0, ((bytes.sizeBytes + 15) / 16 - Int64(pageRows)) * 16)
            return
        }
        top = bytes.sizeBytes
        topLine = nil
        // a file that ends without a newline still has its last line
        let lastByte = bytes.sizeBytes > 0 ? try bytes.read(at: bytes.sizeBytes - 1, count: 1).first : nil
        // a page back, less the row of the end-of-file mark
        let back = pageRows - 1 - (lastByte == 0x0A || lastByte == nil ? 0 : 1)
        for _ in 0..<max(1, back) where top > 0 { top = try lineStart(before: top) }
        if top == 0 { topLine = 1 } else if top <= Self.lineCountLimitBytes {
            topLine = try newlines(before: top) + 1
        }
    }

    mutating func scrollColumns(_ n: Int) { column = max(0, column + n) }
    mutating func toggleWrap() { wrap.toggle(); column = 0 }

    /// The offset just past what the page shows (its rows counted as lines, without wrapping).
    func pageEnd() throws -> Int64 {
        if isBinary { return top + Int64(pageRows) * 16 }
        var end = top
        for _ in 0..<pageRows {
            guard let next = try nextLineStart(after: end) else { return bytes.sizeBytes }
            end = next
        }
        return end
    }

    /// Where the line after the one starting at `offset` starts; nil at the last line.
    func nextLineStart(after offset: Int64) throws -> Int64? {
        var at = offset
        while at < bytes.sizeBytes {
            let block = try bytes.read(at: at, count: Self.chunk)
            if block.isEmpty { return nil }
            if let i = block.firstIndex(of: 0x0A) {
                let next = at + Int64(i) + 1
                return next < bytes.sizeBytes ? next : nil
            }
            at += Int64(block.count)
        }
        return nil
    }

    /// Where the line that ends right before `offset` (the previous line) starts.
    func lineStart(before offset: Int64) throws -> Int64 {
        var end = offset - 1          // the newline that ends the previous line, or its last byte
        while end > 0 {
            let from = max(0, end - Int64(Self.chunk))
            let block = try bytes.read(at: from, count: Int(end - from))
            if let i = block.lastIndex(of: 0x0A) { return from + Int64(i) + 1 }
            end = from
        }
        return 0
    }

    /// Newlines in the bytes before `offset` (a line number, less one).
    func newlines(before offset: Int64) throws -> Int {
        var count = 0, at: Int64 = 0
        while at < offset {
            let block = try bytes.read(at: at, count: Int(min(Int64(1 << 20), offset - at)))
            if block.isEmpty { break }
            count += block.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            at += Int64(block.count)
        }
        return count
    }

    // MARK: search

    mutating func startSearch() { searchInput = "" }
    mutating func typeSearch(_ c: Character) { searchInput?.append(c) }
    mutating func eraseSearch() { if searchInput?.isEmpty == false { searchInput?.removeLast() } }
    mutating func cancelSearch() { searchInput = nil }

    /// Runs the typed search from the first byte shown, as `less` does: a new query starts at the top of
    /// the screen, wherever the last match was.
    mutating func commitSearch(_ interrupt: Interrupt = .never) throws {
        guard let typed = searchInput else { return }
        searchInput = nil
        guard !typed.isEmpty else { return }
        query = typed
        match = nil
        try find(forward: true, interrupt)
    }

    /// The next (or previous) match of `query`, case-insensitively when it has no capital (smart case);
    /// the view moves to the line that holds it. `n`/`N` go on from the last match; with none, from the
    /// top of the screen. `interrupt` shows the progress and may stop it.
    mutating func find(forward: Bool, _ interrupt: Interrupt = .never) throws {
        guard !query.isEmpty else { message = "no search yet: / searches"; return }
        let needle = Array(query.utf8)
        let fold = !query.contains { $0.isUppercase }
        var start = match?.offset ?? top
        if forward, match != nil { start += 1 }
        let hit: Int64?
        do {
            hit = try Self.search(bytes, needle, from: start, forward: forward, fold: fold) { at in
                let done = forward ? at - start : start - at, total = forward ? bytes.sizeBytes - start : start
                try interrupt.check("searching \"\(query)\" at byte \(at)", total > 0 ? Double(done) / Double(total) : nil)
            }
        } catch is Interrupt.Stopped {
            message = "search stopped"
            return
        }
        guard let hit else {
            message = "\"\(query)\" not found \(forward ? "below" : "above")"
            return
        }
        match = (hit, needle.count)
        let lineTop = isBinary ? hit / 16 * 16 : try lineStart(before: hit + 1)
        let line = isBinary || lineTop > Self.lineCountLimitBytes ? nil : try newlines(before: lineTop) + 1
        // a match already on the page does not scroll it
        if try !(hit >= top && hit < pageEnd()) {
            top = lineTop
            topLine = isBinary ? nil : line
        }
        message = "\"\(query)\" at byte \(hit)" + (line.map { ", line \($0)" } ?? "")
    }

    /// The offset of `needle` from `start` forward, or before `start` backward; read in 1 MiB parts that
    /// overlap by the needle's length, `progress` called before each part (with its offset). Forward,
    /// the holes of a sparse file are skipped when the needle has no zero byte (no match can touch them).
    static func search(_ bytes: FileBytes, _ needle: [UInt8], from start: Int64, forward: Bool, fold: Bool,
                       progress: (Int64) throws -> Void = { _ in }) throws -> Int64? {
        func lower(_ b: UInt8) -> UInt8 { fold && b >= 0x41 && b <= 0x5A ? b + 32 : b }
        let n = needle.map(lower)
        let part = 1 << 20
        let skipsHoles = !n.contains(0)
        if forward {
            var at = start
            while at < bytes.sizeBytes {
                try progress(at)
                if skipsHoles {
                    let data = bytes.dataStart(from: at, end: bytes.sizeBytes)
                    if data > at { at = data; continue }
                }
                let block = try bytes.read(at: at, count: part + n.count).map(lower)
                if block.count < n.count { return nil }
                for i in 0...(block.count - n.count) where block[i] == n[0] && block[i..<(i + n.count)].elementsEqual(n) {
                    return at + Int64(i)
                }
                at += Int64(part)
            }
        } else {
            var end = start
            while end > 0 {
                try progress(end)
                let from = max(0, end - Int64(part))
                let block = try bytes.read(at: from, count: Int(end - from) + n.count - 1).map(lower)
                if block.count >= n.count {
                    for i in stride(from: min(block.count - n.count, Int(end - from) - 1), through: 0, by: -1)
                    where block[i] == n[0] && block[i..<(i + n.count)].elementsEqual(n) {
                        return from + Int64(i)
                    }
                }
                end = from
            }
        }
        return nil
    }
}
