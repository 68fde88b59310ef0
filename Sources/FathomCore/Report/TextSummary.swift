/// The plain-text description of an image that `fathom IMAGE` prints when not on a terminal.
public enum TextSummary {
    /// Renders the image's archive facts, config and one row per layer.
    /// - Returns: Lines ending in `\n`, control characters within them escaped.
    public static func render(_ image: Image) -> String {
        var out = ""
        // every line escaped: names, commands and the config are the image's (a newline in one must not forge a line)
        func line(_ s: String = "") { out += TerminalText.escape(s) + "\n" }
        line("Image: \(image.archivePath)")
        line("  layout      \(image.layout.rawValue)")
        line("  names       \(image.names.isEmpty ? "(none)" : image.names.joined(separator: ", "))")
        var platformText = image.platform?.description ?? "(not stated)"
        if let all = image.platforms, all.count > 1 {
            platformText += "  (the index also has: \(all.map(\.description).filter { $0 != platformText }.joined(separator: ", ")))"
        }
        line("  platform    \(platformText)")
        let runtime = image.config.config
        let user = runtime?.User ?? ""
        line("  user        \(user.isEmpty ? "(not set: root)" : user)")
        line("  entrypoint  \(jsonList(runtime?.Entrypoint))")
        line("  cmd         \(jsonList(runtime?.Cmd))")
        let envCount = runtime?.Env?.count ?? 0
        line("  env         \(envCount) \(envCount == 1 ? "variable" : "variables")")
        let tarBytes = image.layers.reduce(Int64(0)) { $0 + $1.blob.tarBytes }
        let storedBytes = image.layers.reduce(Int64(0)) { $0 + $1.blob.storedBytes }
        let fileBytes = image.layers.reduce(Int64(0)) { $0 + $1.blob.changeset.fileBytes }
        line("  layers      \(image.layers.count): \(fileBytes) file bytes (\(ByteFormat.si(fileBytes))), "
             + "\(ByteFormat.si(tarBytes)) as tar, \(ByteFormat.si(storedBytes)) as stored")
        line()
        let header = ["#", "diff ID", "compression", "entries", "bytes", "command"]
        var rows: [[String]] = [header]
        for layer in image.layers {
            rows.append([
                "\(layer.index)", layer.blob.diffID.short, layer.blob.compression.rawValue,
                "\(layer.blob.changeset.memberCount)", ByteFormat.si(layer.blob.changeset.fileBytes),
                Self.truncated(LayerCommand.display(layer.createdBy, comment: layer.history?.comment), 110),
            ])
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        let rightAligned: Set<Int> = [0, 3, 4]
        for row in rows {
            var cells: [String] = []
            for c in 0..<5 {
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                cells.append(rightAligned.contains(c) ? pad + row[c] : row[c] + pad)
            }
            line(cells.joined(separator: "  ") + "  " + row[5])
        }
        return out
    }

    /// `text` cut to `limit` characters with a trailing `…` (the JSON report has the full command).
    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private static func jsonList(_ list: [String]?) -> String {
        guard let list else { return "(not set)" }
        return "[" + list.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}
