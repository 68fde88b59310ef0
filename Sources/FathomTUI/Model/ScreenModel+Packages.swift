import FathomCore

/// One line of the packages overlay.
struct PackageRow: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case heading, change, package, unowned, note }
    var kind: Kind
    /// The text left (name, version) and right (bytes, files, layer).
    var left: String
    var right: String
    /// The layer Enter shows (the one that installed the package); nil: Enter does nothing.
    var layer: Int?
}

// The packages overlay (p): what the selected layer installed, upgraded and removed, then the final
// image's packages by bytes and the bytes no package owns; Enter shows the layer that installed one.
extension ScreenModel {
    /// The overlay's rows for the selected layer (`PackageHistory` of the analysis).
    var packageRows: [PackageRow] {
        guard let h = analysis.packages, !h.isEmpty else {
            return [PackageRow(kind: .note, left: "No package database in this image: fathom reads dpkg's, apk's, rpm's (rpmdb.sqlite), Python's and Node's.", right: "")]
        }
        var rows: [PackageRow] = []
        let layer = selectedLayer
        // fixed-width fields, so that the overlay's right column lines up
        func bytes(_ b: Int64) -> String { TextReportPad.left(ByteFormat.si(b), 8) }
        func files(_ n: Int) -> String { TextReportPad.left(n == 1 ? "1 file" : "\(n) files", 12) }
        if let c = h.layers.first(where: { $0.layer == layer }) {
            var what: [String] = []
            if !c.installed.isEmpty { what.append("\(c.installed.count) installed") }
            if !c.upgraded.isEmpty { what.append("\(c.upgraded.count) upgraded") }
            if !c.removed.isEmpty { what.append("\(c.removed.count) removed") }
            rows.append(PackageRow(kind: .heading, left: "Layer \(layer): " + what.joined(separator: ", "), right: bytes(c.bytes)))
            func change(_ mark: String, _ x: PackageHistory.Change, version: String) -> PackageRow {
                PackageRow(kind: .change, left: "\(mark) \(x.package.name)  \(version)",
                           right: x.bytes > 0 || x.files > 0 ? bytes(x.bytes) + files(x.files) : "", layer: nil)
            }
            rows += c.installed.map { change("+", $0, version: $0.package.version) }
            rows += c.upgraded.map { change("↑", $0, version: "\($0.previousVersion ?? "?") → \($0.package.version)") }
            rows += c.removed.map { change("−", $0, version: $0.package.version) }
        } else {
            rows.append(PackageRow(kind: .heading, left: "Layer \(layer): no package installed, upgraded or removed", right: ""))
        }
        let total = h.final.reduce(Int64(0)) { $0 + $1.bytes }
        rows.append(PackageRow(kind: .heading, left: "Final image: \(h.final.count) packages (\(h.databases.joined(separator: ", ")), \(h.distro))",
                               right: bytes(total)))
        for o in h.final.sorted(by: { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.package.name < $1.package.name }) {
            var right = bytes(o.bytes) + files(o.files) + TextReportPad.left(o.layer.map { "layer \($0)" } ?? "", 10)
            if o.wastedBytes > 0 { right += "  \(ByteFormat.si(o.wastedBytes)) hidden" }
            rows.append(PackageRow(kind: .package, left: "\(o.package.name)  \(o.package.version)", right: right, layer: o.layer))
        }
        if !h.unowned.isEmpty {
            let unowned = h.unowned.reduce(Int64(0)) { $0 + $1.bytes }
            rows.append(PackageRow(kind: .heading, left: "Not owned by a package", right: bytes(unowned)))
            rows += h.unowned.map { PackageRow(kind: .unowned, left: $0.directory, right: bytes($0.bytes) + files($0.files)) }
        }
        rows += h.warnings.map { PackageRow(kind: .note, left: $0, right: "") }
        return rows
    }

    /// Rows the overlay lists at once.
    var packagesListHeight: Int { max(1, height - 4) }

    mutating func packagesKey(_ key: Key) {
        let count = packageRows.count
        if key == .escape || key == .char("q") || bindings.keys[.packages]?.contains(key) == true { showPackages = false; return }
        if key == .enter {
            let rows = packageRows
            guard rows.indices.contains(packagesCursor), let layer = rows[packagesCursor].layer else { return }
            showPackages = false
            show(layer: layer)
            message = "layer \(layer) installed \(rows[packagesCursor].left)"
            return
        }
        packagesCursor = Self.listCursor(packagesCursor, after: bindings.action(for: key, in: .global), count: count, page: packagesListHeight)
    }
}
