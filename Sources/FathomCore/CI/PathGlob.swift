/// A path pattern of the CI path rules, matched against an image path without its leading `/`
/// (`app/.git/HEAD`). A leading `/` in the pattern is ignored: patterns are anchored at the root.
///
/// - `*` matches any run of characters within one path segment (never `/`), `?` one character,
///   `[abc]`, `[a-z]`, `[!a]` one character of (not of) a class; `\` takes the next character literally.
/// - `**` as a whole segment matches any number of segments: `**/x` is `x` at any depth (the root
///   too), `a/**` everything below `a` (not `a` itself), `a/**/b` `a/b`, `a/x/b`, `a/x/y/b`.
/// - `**` inside a segment (`a**`), `.` or `..` segments, an unclosed `[`, an empty pattern or a trailing `\` are errors.
///
/// The semantics are those of gitignore's and doublestar's `**` (LayerX's path rules use doublestar).
/// Matching is linear in the path for each pattern segment, whatever the image's names.
public struct PathGlob: Sendable, Equatable {
    public let pattern: String
    enum Segment: Sendable, Equatable {
        case any   // **
        case glob([Token])
    }
    enum Token: Sendable, Equatable {
        case literal(Character)
        case one              // ?
        case star             // *
        case set([ClosedRange<Character>], negated: Bool)
    }
    let segments: [Segment]

    /// Why a pattern does not compile.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// - Throws: `Invalid` naming what is wrong.
    public init(_ pattern: String) throws(Invalid) {
        self.pattern = pattern
        var body = Substring(pattern)
        while body.hasPrefix("/") { body = body.dropFirst() }
        guard !body.isEmpty else { throw Invalid(reason: "an empty pattern") }
        var segments: [Segment] = []
        for part in body.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "**" {
                if segments.last != .any { segments.append(.any) }
                continue
            }
            if part.contains("**") { throw Invalid(reason: "'**' must be a whole path segment (as in **/x or a/**)") }
            if part == "." || part == ".." { throw Invalid(reason: "'\(part)' segments never match: image paths are normalised") }
            segments.append(.glob(try Self.tokens(part)))
        }
        self.segments = segments
    }

    static func tokens(_ part: Substring) throws(Invalid) -> [Token] {
        var out: [Token] = []
        var i = part.startIndex
        while i < part.endIndex {
            let c = part[i]
            switch c {
            case "*": if out.last != .star { out.append(.star) }
            case "?": out.append(.one)
            case "\\":
                i = part.index(after: i)
                guard i < part.endIndex else { throw Invalid(reason: "a '\\' at the end of a segment") }
                out.append(.literal(part[i]))
            case "[":
                var j = part.index(after: i)
                var negated = false
                if j < part.endIndex && (part[j] == "!" || part[j] == "^") { negated = true; j = part.index(after: j) }
                var ranges: [ClosedRange<Character>] = []
                var first = true
                while j < part.endIndex && (part[j] != "]" || first) {
                    first = false
                    let low = part[j]
                    let next = part.index(after: j)
                    if next < part.endIndex && part[next] == "-", part.index(after: next) < part.endIndex, part[part.index(after: next)] != "]" {
                        let high = part[part.index(after: next)]
                        guard low <= high else { throw Invalid(reason: "the class range \(low)-\(high) is reversed") }
                        ranges.append(low...high)
                        j = part.index(after: part.index(after: next))
                    } else {
                        ranges.append(low...low)
                        j = next
                    }
                }
                guard j < part.endIndex else { throw Invalid(reason: "a '[' class is not closed") }
                out.append(.set(ranges, negated: negated))
                i = j
            default: out.append(.literal(c))
            }
            i = part.index(after: i)
        }
        return out
    }

    /// True when `path` (segments joined by `/`, no leading `/`) matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
        // `a/**` is everything strictly below what `a` matches
        if segments.count > 1, segments.last == .any {
            let prefix = Self.reach(segments.dropLast(), parts)
            return (0..<parts.count).contains { prefix[$0] }
        }
        return Self.reach(segments[...], parts)[parts.count]
    }

    /// reach[k]: the segments can match the path's first k segments exactly.
    static func reach(_ segments: ArraySlice<Segment>, _ parts: [[Character]]) -> [Bool] {
        var reachable = [Bool](repeating: false, count: parts.count + 1)
        reachable[0] = true
        for segment in segments {
            var next = [Bool](repeating: false, count: parts.count + 1)
            switch segment {
            case .any:
                var seen = false
                for k in 0...parts.count {
                    seen = seen || reachable[k]
                    next[k] = seen
                }
            case .glob(let tokens):
                for k in 0..<parts.count where reachable[k] && match(tokens, parts[k]) { next[k + 1] = true }
            }
            reachable = next
        }
        return reachable
    }

    /// One segment against its tokens: the classic two-pointer wildcard match (backtracking only to
    /// the last `*`), O(tokens × characters) at worst.
    static func match(_ tokens: [Token], _ name: [Character]) -> Bool {
        var t = 0, n = 0
        var starT = -1, starN = 0
        while n < name.count {
            if t < tokens.count {
                switch tokens[t] {
                case .star:
                    starT = t; starN = n; t += 1
                    continue
                case .one:
                    t += 1; n += 1
                    continue
                case .literal(let c) where c == name[n]:
                    t += 1; n += 1
                    continue
                case let .set(ranges, negated) where ranges.contains { $0.contains(name[n]) } != negated:
                    t += 1; n += 1
                    continue
                default: break
                }
            }
            guard starT >= 0 else { return false }
            t = starT + 1; starN += 1; n = starN
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }
}
