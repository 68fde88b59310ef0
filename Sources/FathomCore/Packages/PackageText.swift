/// The packages section of the text report: what each layer installed, removed and upgraded with the
/// bytes it wrote, the largest packages of the final image, and the bytes no package owns.
public enum PackageText {
    /// Lines without a trailing newline; empty when the image has no package database.
    /// - Parameter top: How many packages each list names.
    public static func lines(_ h: PackageHistory, top: Int = 5) -> [String] {
        guard !h.isEmpty else { return [] }
        let total = h.final.reduce(Int64(0)) { $0 + $1.bytes }
        let unowned = h.unowned.reduce(Int64(0)) { $0 + $1.bytes }
        var out = ["Packages (\(h.databases.joined(separator: ", ")), \(h.distro)): \(h.final.count) in the final image, "
                   + "\(ByteFormat.si(total)); \(ByteFormat.si(unowned)) of files no package owns"]
        func named(_ changes: [PackageHistory.Change], bytes: Bool) -> String {
            var parts = changes.prefix(top).map { c -> String in
                let version = c.previousVersion.map { " \($0) → \(c.package.version)" } ?? ""
                return c.package.name + version + (bytes && c.bytes > 0 ? " \(ByteFormat.si(c.bytes))" : "")
            }
            if changes.count > top { parts.append("… \(changes.count - top) more") }
            return parts.joined(separator: ", ")
        }
        for c in h.layers {
            var parts: [String] = []
            if !c.installed.isEmpty {
                parts.append("\(c.installed.count) installed (\(ByteFormat.si(c.installed.reduce(0) { $0 + $1.bytes }))): \(named(c.installed, bytes: true))")
            }
            if !c.upgraded.isEmpty { parts.append("\(c.upgraded.count) upgraded: \(named(c.upgraded, bytes: true))") }
            if !c.removed.isEmpty { parts.append("\(c.removed.count) removed: \(named(c.removed, bytes: false))") }
            out.append("  layer \(c.layer): " + parts.joined(separator: "; "))
        }
        let largest = h.final.prefix(top).map { "\($0.package.name) \(ByteFormat.si($0.bytes))" }
        if !largest.isEmpty { out.append("  largest: " + largest.joined(separator: ", ")) }
        let wasted = h.final.filter { $0.wastedBytes > 0 }.sorted { $0.wastedBytes > $1.wastedBytes }
        if !wasted.isEmpty {
            out.append("  wasted at their paths (shipped, then hidden by a later layer): "
                       + wasted.prefix(top).map { "\($0.package.name) \(ByteFormat.si($0.wastedBytes))" }.joined(separator: ", "))
        }
        if !h.unowned.isEmpty {
            out.append("  not owned by a package: " + h.unowned.prefix(top).map { "\($0.directory) \(ByteFormat.si($0.bytes)) (\($0.files) file\($0.files == 1 ? "" : "s"))" }
                .joined(separator: ", "))
        }
        for w in h.warnings { out.append("  warning: \(w)") }
        return out
    }
}
