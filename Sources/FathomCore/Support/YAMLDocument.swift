import CYaml

/// One node of a YAML document as fathom's configuration files use it: scalars, sequences and
/// mappings, with the scalar's text exactly as written (no type resolution beyond `isNull`).
public indirect enum YAMLNode: Sendable, Equatable {
    /// A scalar's text; `plain` when it was written without quotes or block style (only a plain
    /// scalar can mean null: YAML 1.2 core schema).
    case scalar(String, plain: Bool, nullTag: Bool)
    case sequence([YAMLNode])
    case mapping([YAMLPair])

    /// The scalar's text, nil for a collection.
    public var string: String? {
        if case let .scalar(text, _, _) = self { return text }
        return nil
    }

    /// The entries of a mapping, nil for anything else.
    public var mapping: [YAMLPair]? {
        if case let .mapping(pairs) = self { return pairs }
        return nil
    }

    /// YAML null: `~`, `null`, `Null`, `NULL`, nothing at all, or an explicit `!!null` tag.
    public var isNull: Bool {
        guard case let .scalar(text, plain, nullTag) = self else { return false }
        return nullTag || (plain && ["", "~", "null", "Null", "NULL"].contains(text))
    }

    /// The value of the first entry whose key is the scalar `key`.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.string == key }?.value
    }

    /// How a message names this node when it stands where a name was expected: the scalar itself,
    /// else what kind of node it is (never its whole contents).
    public var label: String {
        switch self {
        case let .scalar(text, _, _): text
        case .sequence: "(a sequence)"
        case .mapping: "(a mapping)"
        }
    }
}

/// A mapping's key and value.
public struct YAMLPair: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode
}

/// Why a YAML document was refused: a syntax error from libyaml with its line and column, or a limit.
public struct YAMLError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { reason }
}

/// Reads the first document of a YAML text with libyaml's event parser and builds the nodes
/// itself, so that limits apply before anything is built: nesting depth, the number of nodes
/// (aliases count every node they repeat, which stops "billion laughs" documents), and the
/// document's size. Configuration files are small; the limits are far above any real one.
public enum YAMLDocument {
    /// Deepest nesting of sequences and mappings.
    public static let maximumDepth = 64
    /// Nodes in the document, every alias counted as the nodes it repeats.
    public static let maximumNodes = 100_000
    /// Bytes of YAML text.
    public static let maximumBytes = 1 << 20

    /// Parses `text`.
    /// - Returns: The first document's root node; nil for an empty text or a document with no content.
    /// - Throws: `YAMLError` for a syntax error (`line 3, column 5: …`), an undefined alias, or a limit exceeded.
    public static func parse(_ text: String) throws -> YAMLNode? {
        var bytes = Array(text.utf8)
        guard bytes.count <= maximumBytes else {
            throw YAMLError(reason: "larger than \(maximumBytes) bytes")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(reason: "libyaml could not start") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeMutableBufferPointer { buffer -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser) }
                defer { yaml_event_delete(&event) }
                if try builder.take(event) { return builder.root }
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
        let mark = parser.problem_mark
        let context = parser.context.map { " " + String(cString: $0) } ?? ""
        return YAMLError(reason: "line \(mark.line + 1), column \(mark.column + 1): \(problem)\(context)")
    }

    /// Turns the event stream into nodes; a stack of open collections, each appended to in place.
    private struct Builder {
        private struct Frame {
            var isMapping: Bool
            var items: [YAMLNode] = []
            var pairs: [YAMLPair] = []
            var pendingKey: YAMLNode?
            var anchor: String?
            /// Nodes in this collection, itself included, aliases expanded.
            var nodes = 1
        }
        private var stack: [Frame] = []
        private var anchors: [String: (node: YAMLNode, nodes: Int)] = [:]
        private var totalNodes = 0
        private(set) var root: YAMLNode?

        /// Takes one event; true when the first document is complete.
        mutating func take(_ event: yaml_event_t) throws -> Bool {
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
                let tag = s.tag.map { String(cString: $0) }
                let node = YAMLNode.scalar(text, plain: s.plain_implicit == 1 && s.style == YAML_PLAIN_SCALAR_STYLE,
                                           nullTag: tag == "tag:yaml.org,2002:null")
                try count(1)
                add(node, nodes: 1, anchor: s.anchor.map { String(cString: $0) })
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard let anchored = anchors[name] else { throw YAMLError(reason: "\(position(event)): undefined alias '*\(name)'") }
                try count(anchored.nodes)
                add(anchored.node, nodes: anchored.nodes, anchor: nil)
            case YAML_SEQUENCE_START_EVENT:
                try open(Frame(isMapping: false, anchor: event.data.sequence_start.anchor.map { String(cString: $0) }), event)
            case YAML_MAPPING_START_EVENT:
                try open(Frame(isMapping: true, anchor: event.data.mapping_start.anchor.map { String(cString: $0) }), event)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let top = stack.popLast() else { break }
                add(top.isMapping ? .mapping(top.pairs) : .sequence(top.items), nodes: top.nodes, anchor: top.anchor)
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
                return true
            default:
                break
            }
            return false
        }

        private mutating func count(_ n: Int) throws {
            totalNodes += n
            if totalNodes > YAMLDocument.maximumNodes {
                throw YAMLError(reason: "more than \(YAMLDocument.maximumNodes) nodes (aliases count every node they repeat)")
            }
        }

        private mutating func open(_ frame: Frame, _ event: yaml_event_t) throws {
            guard stack.count < YAMLDocument.maximumDepth else {
                throw YAMLError(reason: "\(position(event)): nested deeper than \(YAMLDocument.maximumDepth) levels")
            }
            try count(1)
            stack.append(frame)
        }

        private mutating func add(_ node: YAMLNode, nodes: Int, anchor: String?) {
            if let anchor { anchors[anchor] = (node, nodes) }
            guard !stack.isEmpty else { root = node; return }
            let top = stack.count - 1
            stack[top].nodes += nodes
            if !stack[top].isMapping {
                stack[top].items.append(node)
            } else if let key = stack[top].pendingKey {
                stack[top].pairs.append(YAMLPair(key: key, value: node))
                stack[top].pendingKey = nil
            } else {
                stack[top].pendingKey = node
            }
        }

        private func position(_ event: yaml_event_t) -> String {
            "line \(event.start_mark.line + 1), column \(event.start_mark.column + 1)"
        }
    }
}
