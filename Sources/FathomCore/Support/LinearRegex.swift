/// A regular expression matched in time linear in the text, whatever the pattern: a Thompson NFA
/// run as a Pike VM (every alternative advanced in step, one scalar at a time), as RE2 and Go's
/// `regexp` (which dive uses for its path filter) do. No pattern can backtrack catastrophically:
/// `(.*)*z` costs what `.*z` costs.
///
/// Syntax (RE2's, without captures): literals and `\` escapes, `.`, classes `[a-z]`, `[^…]`, `\d \w \s`
/// and their negations, groups `(…)` and `(?:…)`, `|`, the quantifiers `* + ? {m} {m,} {m,n}` (and
/// their lazy forms, which match the same texts), anchors `^ $ \A \z`, word boundaries `\b \B`, and a
/// leading `(?i)` for case-insensitive matching. A repetition count is at most 1000 and a compiled
/// pattern at most `maximumProgram` instructions (RE2's limits), so compiling is bounded too.
public struct LinearRegex: Sendable {
    /// The most instructions a pattern may compile to.
    public static let maximumProgram = 20_000

    private enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
        case any        // every scalar but a newline
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }
    private enum Assertion: Sendable { case begin, end, wordBoundary, notWordBoundary }

    private let program: [Instruction]
    private let caseInsensitive: Bool

    /// Compiles `pattern`.
    /// - Throws: `LinearRegex.SyntaxError` naming what is wrong and where (a scalar offset).
    public init(_ pattern: String) throws {
        var p = Parser(Array(pattern.unicodeScalars))
        caseInsensitive = p.takeCaseFlag()
        let tree = try p.parseAlternation()
        if p.position < p.scalars.count { throw SyntaxError(message: "unmatched ')'", offset: p.position) }
        var compiler = Compiler(caseInsensitive: caseInsensitive)
        try compiler.emit(tree)
        compiler.program.append(.match)
        program = compiler.program
    }

    /// True when the pattern matches somewhere in `text` (an unanchored search, as Go's `MatchString`).
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        for i in 0...scalars.count {
            // a new thread starts at every position: the search is unanchored
            if add(0, to: &current, at: i, scalars) { return true }
            if i == scalars.count { break }
            var c = scalars[i]
            if caseInsensitive { c = Self.fold(c) }
            next.clear()
            for pc in current.members {
                let advances: Bool
                switch program[pc] {
                case let .scalar(s): advances = s == c
                case let .set(set): advances = set.contains(c, caseInsensitive: caseInsensitive)
                case .any: advances = c != "\n"
                default: advances = false
                }
                if advances, add(pc + 1, to: &next, at: i + 1, scalars) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    /// Follows jumps, splits and assertions from `pc` at position `i`; true when `match` is reached.
    private func add(_ start: Int, to list: inout ThreadList, at i: Int, _ text: [Unicode.Scalar]) -> Bool {
        var stack = [start]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match: return true
            case let .jump(t): stack.append(t)
            case let .split(a, b): stack.append(b); stack.append(a)
            case let .assert(a):
                let holds: Bool
                switch a {
                case .begin: holds = i == 0
                case .end: holds = i == text.count
                case .wordBoundary, .notWordBoundary:
                    let before = i > 0 && ScalarSet.isWord(text[i - 1])
                    let after = i < text.count && ScalarSet.isWord(text[i])
                    holds = (before != after) == (a == .wordBoundary)
                }
                if holds { stack.append(pc + 1) }
            default: break
            }
        }
        return false
    }

    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.isASCII { return s >= "A" && s <= "Z" ? Unicode.Scalar(s.value + 32)! : s }
        let lower = s.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first! : s
    }

    /// Why a pattern does not compile; `offset` counts Unicode scalars from the start.
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public let message: String
        public let offset: Int
        public var description: String { "\(message) at offset \(offset)" }
    }

    // MARK: the thread list: a sparse set of program counters (Briggs & Torczon), cleared in O(1)

    private struct ThreadList {
        private var dense: [Int]
        private var sparse: [Int]
        private(set) var count = 0

        init(capacity: Int) {
            dense = Array(repeating: 0, count: capacity)
            sparse = Array(repeating: 0, count: capacity)
        }

        var isEmpty: Bool { count == 0 }
        var members: ArraySlice<Int> { dense[0..<count] }

        mutating func insert(_ pc: Int) -> Bool {
            let s = sparse[pc]
            if s < count && dense[s] == pc { return false }
            sparse[pc] = count
            dense[count] = pc
            count += 1
            return true
        }

        mutating func clear() { count = 0 }
    }

    // MARK: parsing

    private indirect enum Node {
        case empty
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
        case any
        case assert(Assertion)
        case concat([Node])
        case alternation([Node])
        case repeat_(Node, min: Int, max: Int?)   // max nil: unbounded
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0
        var depth = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        mutating func takeCaseFlag() -> Bool {
            let flag: [Unicode.Scalar] = ["(", "?", "i", ")"]
            guard scalars.count >= 4, Array(scalars[0..<4]) == flag else { return false }
            position = 4
            return true
        }

        func error(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: position) }

        mutating func parseAlternation() throws -> Node {
            var branches = [try parseConcat()]
            while peek == "|" {
                position += 1
                branches.append(try parseConcat())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseConcat() throws -> Node {
            var items: [Node] = []
            while let c = peek, c != "|", c != ")" {
                var atom = try parseAtom()
                while let q = peek, q == "*" || q == "+" || q == "?" || q == "{" {
                    if case .assert = atom { throw error("a quantifier after an anchor") }
                    if q == "{" {
                        guard let (lo, hi) = try parseCount() else { break }
                        atom = .repeat_(atom, min: lo, max: hi)
                    } else {
                        position += 1
                        atom = .repeat_(atom, min: q == "+" ? 1 : 0, max: q == "?" ? 1 : nil)
                    }
                    if peek == "?" { position += 1 }  // lazy: the same set of matches
                    if let next = peek, next == "*" || next == "+" || next == "?" {
                        throw error("a quantifier after a quantifier")
                    }
                }
                items.append(atom)
            }
            return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
        }

        /// `{m}`, `{m,}`, `{m,n}`; nil (and nothing consumed) when `{` does not start one: then it is a literal.
        mutating func parseCount() throws -> (Int, Int?)? {
            let start = position
            position += 1
            guard let lo = number() else { position = start; return nil }
            var hi: Int? = lo
            if peek == "," { position += 1; hi = number() }
            guard peek == "}" else { position = start; return nil }
            position += 1
            if lo > 1000 || (hi ?? 0) > 1000 { throw error("a repetition count above 1000") }
            if let hi, hi < lo { throw error("a repetition {\(lo),\(hi)} whose maximum is below its minimum") }
            return (lo, hi)
        }

        /// Decimal digits (at most six are read as the number: a count above 1000 is refused anyway).
        mutating func number() -> Int? {
            var digits = ""
            while let c = peek, c.isASCII, c >= "0", c <= "9" { digits.unicodeScalars.append(c); position += 1 }
            return digits.isEmpty ? nil : Int(digits.prefix(6))
        }

        mutating func parseAtom() throws -> Node {
            let c = scalars[position]
            position += 1
            switch c {
            case ".": return .any
            case "^": return .assert(.begin)
            case "$": return .assert(.end)
            case "(":
                depth += 1
                if depth > 100 { throw error("groups nested deeper than 100") }
                if peek == "?" {
                    guard position + 1 < scalars.count, scalars[position + 1] == ":" else {
                        throw error("only (?:…) groups and a leading (?i) are supported")
                    }
                    position += 2
                }
                let inner = try parseAlternation()
                guard peek == ")" else { throw error("missing ')'") }
                position += 1
                depth -= 1
                return inner
            case "[": return .set(try parseClass())
            case "\\": return try parseEscape(inClass: false).node
            case "*", "+", "?": throw error("nothing to repeat")
            default: return .scalar(c)
            }
        }

        /// After `\`: a literal, a class escape, or an assertion.
        mutating func parseEscape(inClass: Bool) throws -> (node: Node, set: ScalarSet?) {
            guard let c = peek else { throw error("a trailing backslash") }
            position += 1
            switch c {
            case "d", "D", "w", "W", "s", "S":
                let set = ScalarSet.named(c)
                return (.set(set), set)
            case "b" where !inClass: return (.assert(.wordBoundary), nil)
            case "B" where !inClass: return (.assert(.notWordBoundary), nil)
            case "A" where !inClass: return (.assert(.begin), nil)
            case "z" where !inClass: return (.assert(.end), nil)
            case "n": return (.scalar("\n"), nil)
            case "t": return (.scalar("\t"), nil)
            case "r": return (.scalar("\r"), nil)
            default:
                if c.properties.isAlphabetic || c.properties.numericType != nil {
                    throw error("unknown escape \\\(c)")
                }
                return (.scalar(c), nil)
            }
        }

        mutating func parseClass() throws -> ScalarSet {
            var set = ScalarSet()
            if peek == "^" { set.negated = true; position += 1 }
            var first = true
            while true {
                guard let c = peek else { throw error("missing ']'") }
                if c == "]" && !first { position += 1; break }
                first = false
                position += 1
                var low: Unicode.Scalar
                if c == "\\" {
                    let (node, named) = try parseEscape(inClass: true)
                    if let named { set.include(named); continue }
                    guard case let .scalar(s) = node else { throw error("a bad escape in a class") }
                    low = s
                } else {
                    low = c
                }
                if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                    position += 1
                    var high = scalars[position]
                    position += 1
                    if high == "\\" {
                        guard case let .scalar(s) = try parseEscape(inClass: true).node else { throw error("a bad range end") }
                        high = s
                    }
                    guard low.value <= high.value else { throw error("a range whose end is below its start") }
                    set.ranges.append(low...high)
                } else {
                    set.ranges.append(low...low)
                }
            }
            return set
        }
    }

    // MARK: compiling

    private struct Compiler {
        let caseInsensitive: Bool
        var program: [Instruction] = []

        mutating func append(_ i: Instruction) throws {
            if program.count >= LinearRegex.maximumProgram {
                throw SyntaxError(message: "the pattern is too large (more than \(LinearRegex.maximumProgram) steps)", offset: 0)
            }
            program.append(i)
        }

        mutating func emit(_ node: Node) throws {
            switch node {
            case .empty: break
            case let .scalar(s): try append(.scalar(caseInsensitive ? LinearRegex.fold(s) : s))
            case let .set(set): try append(.set(set))
            case .any: try append(.any)
            case let .assert(a): try append(.assert(a))
            case let .concat(items): for item in items { try emit(item) }
            case let .alternation(branches):
                var jumps: [Int] = []
                for (i, branch) in branches.enumerated() {
                    if i < branches.count - 1 {
                        let split = program.count
                        try append(.split(split + 1, -1))
                        try emit(branch)
                        jumps.append(program.count)
                        try append(.jump(-1))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(branch)
                    }
                }
                for j in jumps { program[j] = .jump(program.count) }
            case let .repeat_(inner, lo, hi):
                for _ in 0..<lo { try emit(inner) }
                if let hi {
                    // each optional copy: split(into it, past all)
                    var splits: [Int] = []
                    for _ in lo..<hi {
                        splits.append(program.count)
                        try append(.split(program.count + 1, -1))
                        try emit(inner)
                    }
                    for s in splits { program[s] = .split(s + 1, program.count) }
                } else {
                    let loop = program.count
                    try append(.split(loop + 1, -1))
                    try emit(inner)
                    try append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                }
            }
        }
    }
}

/// A set of Unicode scalars: ranges, possibly negated.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<Unicode.Scalar>] = []
    var negated = false

    func contains(_ c: Unicode.Scalar, caseInsensitive: Bool) -> Bool {
        var hit = ranges.contains { $0.contains(c) }
        if !hit && caseInsensitive {
            // `c` is folded to lower case; the class may name the upper case
            let upper = c.properties.uppercaseMapping.unicodeScalars
            if upper.count == 1, let u = upper.first { hit = ranges.contains { $0.contains(u) } }
        }
        return hit != negated
    }

    mutating func include(_ other: ScalarSet) {
        if other.negated {
            // a negated class inside a class (`[\D]`): its complement as ranges
            var start: UInt32 = 0
            for r in other.ranges.sorted(by: { $0.lowerBound.value < $1.lowerBound.value }) {
                if r.lowerBound.value > start, let a = Unicode.Scalar(start), let b = Unicode.Scalar(r.lowerBound.value - 1) {
                    ranges.append(a...b)
                }
                start = max(start, r.upperBound.value + 1)
            }
            if let a = Unicode.Scalar(start) { ranges.append(a...Unicode.Scalar(0x10FFFF)!) }
        } else {
            ranges += other.ranges
        }
    }

    static func named(_ c: Unicode.Scalar) -> ScalarSet {
        var set = ScalarSet()
        switch c {
        case "d", "D": set.ranges = ["0"..."9"]
        case "w", "W": set.ranges = ["0"..."9", "A"..."Z", "a"..."z", "_"..."_"]
        default: set.ranges = ["\t"..."\n", "\u{0C}"..."\r", " "..." "]
        }
        set.negated = c == "D" || c == "W" || c == "S"
        return set
    }

    static func isWord(_ c: Unicode.Scalar) -> Bool {
        (c >= "0" && c <= "9") || (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || c == "_"
    }
}
