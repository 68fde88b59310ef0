/// How a layer's history command is shown to people.
public enum LayerCommand {
    /// The command as people read it: `/bin/sh -c ` removed (dive does the same),
    /// `#(nop) ` removed so Dockerfile instructions read as written, whitespace runs folded,
    /// nil (unknown) shown as `(unknown)`.
    public static func display(_ createdBy: String?, comment: String? = nil) -> String {
        guard var s = createdBy, !s.isEmpty else {
            if let comment, !comment.isEmpty { return "(no command: \(comment))" }
            return "(unknown)"
        }
        if s.hasPrefix("/bin/sh -c ") { s.removeFirst("/bin/sh -c ".count) }
        if s.hasPrefix("#(nop) ") { s.removeFirst("#(nop) ".count) }
        let folded = s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
        return folded
    }
}
