/// `fathom diff --json`: one top-level `diff` object (schema: `docs/diff.schema.json`).
/// Paths have no leading `/`; byte figures are integers; environment values are never written.
public enum DiffJSONReport {
    /// Renders the report in Go `MarshalIndent` layout, like the single-image report.
    /// - Returns: UTF-8 bytes, with no trailing newline.
    public static func render(_ d: ImageDiff) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.key("diff")
            w.object { w in
                w.field("schemaVersion", 1)
                w.key("old"); source(d.old.image, &w)
                w.key("new"); source(d.new.image, &w)
                w.key("layers"); layers(d.layers, &w)
                w.key("totals"); totals(d.totals, &w)
                w.key("config"); config(d.config, baseChanged: d.layers.baseLayersChanged, &w)
                w.key("files"); files(d.files, &w)
                advice(d.advice, &w)
                if !d.packages.isEmpty { packages(d.packages, &w) }
                w.field("warnings", strings: d.old.warnings.map { "OLD: " + $0 } + d.new.warnings.map { "NEW: " + $0 })
            }
        }
        return w.bytes
    }

    private static func packages(_ p: PackageComparison, _ w: inout JSONWriter) {
        w.key("packages")
        w.object { w in
            for kind in PackageComparison.Kind.allCases { w.field(kind.rawValue, p.count(kind)) }
            w.field("unchanged", p.unchanged)
            w.array("changes", p.entries) { w, e in
                w.object { w in
                    w.field("kind", e.kind.rawValue)
                    w.field("ecosystem", e.ecosystem.rawValue)
                    w.field("name", e.name)
                    w.field("architecture", e.architecture)
                    w.field("oldVersion", optional: e.oldVersion)
                    w.field("newVersion", optional: e.newVersion)
                    w.field("bytesBefore", e.bytes.old)
                    w.field("bytesAfter", e.bytes.new)
                    w.field("deltaBytes", e.deltaBytes)
                }
            }
        }
    }

    private static func advice(_ a: AdviceComparison, _ w: inout JSONWriter) {
        w.array("advice", a.entries) { w, e in
            w.object { w in
                w.field("rule", e.rule)
                w.field("severity", e.severity.rawValue)
                w.field("status", e.status.rawValue)
                w.field("title", e.title)
                for (side, findings, paths, bytes) in [("old", e.findings.old, e.paths.old, e.reclaimableBytes.old),
                                                       ("new", e.findings.new, e.paths.new, e.reclaimableBytes.new)] {
                    w.key(side)
                    w.object { w in
                        w.field("findings", findings)
                        w.field("paths", paths)
                        w.field("reclaimableBytes", bytes)
                    }
                }
            }
        }
    }

    private static func source(_ image: Image, _ w: inout JSONWriter) {
        w.object { w in
            w.field("path", image.archivePath)
            w.field("layout", image.layout.rawValue)
            w.field("image", strings: image.names)
            w.field("platform", optional: image.platform?.description)
        }
    }

    private static func layers(_ l: LayerComparison, _ w: inout JSONWriter) {
        w.object { w in
            w.field("shared", l.layers.filter(\.shared).count)
            w.field("new", l.layers.filter { !$0.shared }.count)
            w.field("sharedPrefix", l.sharedPrefix)
            w.key("firstCacheMiss")
            if let m = l.firstCacheMiss {
                w.object { w in w.field("index", m.index); w.field("diffId", m.diffID.value); w.field("command", optional: m.command) }
            } else {
                w.null()
            }
            w.field("downloadBytes", l.downloadBytes)
            w.field("downloadMeasure", l.downloadMeasure.rawValue)
            w.array("list", l.layers) { w, x in
                w.object { w in
                    w.field("index", x.index)
                    w.field("diffId", x.diffID.value)
                    w.field("digest", x.digest.value)
                    w.field("compression", x.compression.rawValue)
                    w.field("storedBytes", x.storedBytes)
                    w.field("tarBytes", x.tarBytes)
                    w.field("command", optional: x.command)
                    w.key("oldIndex")
                    if let o = x.oldIndex { w.int(o) } else { w.null() }
                    w.field("downloaded", x.downloaded)
                }
            }
            w.array("dropped", l.dropped) { w, x in
                w.object { w in w.field("index", x.index); w.field("diffId", x.diffID.value); w.field("command", optional: x.command) }
            }
        }
    }

    private static func totals(_ t: DiffTotals, _ w: inout JSONWriter) {
        let int: (inout JSONWriter, Int64) -> Void = { w, v in w.int(v) }
        w.object { w in
            triple("finalBytes", t.finalBytes, &w, int)
            triple("shippedBytes", t.shippedBytes, &w, int)
            triple("reclaimableBytes", t.reclaimableBytes, &w, int)
            triple("efficiency", t.efficiency, &w) { w, v in w.double(v) }
            triple("wastedBytes", t.wastedBytes, &w, int)
            triple("layers", t.layers, &w) { w, v in w.int(v) }
            w.field("growthRatio", double: t.growthRatio)
        }
    }

    /// `"key": {"old": …, "new": …, "delta": …}`.
    private static func triple<V>(_ k: String, _ v: Compared<V>, _ w: inout JSONWriter, _ write: (inout JSONWriter, V) -> Void) {
        w.key(k)
        w.beginObject()
        w.key("old"); write(&w, v.old)
        w.key("new"); write(&w, v.new)
        w.key("delta"); write(&w, v.delta)
        w.endObject()
    }

    private static func config(_ c: ConfigComparison, baseChanged: Bool, _ w: inout JSONWriter) {
        func list(_ v: [String]?, _ w: inout JSONWriter) {
            guard let v else { w.null(); return }
            w.beginArray()
            for s in v { w.element(); w.string(s) }
            w.endArray()
        }
        w.object { w in
            w.key("user")
            if let u = c.user { w.object { w in w.field("old", u.old); w.field("new", u.new) } } else { w.null() }
            for (k, change) in [("entrypoint", c.entrypoint), ("cmd", c.cmd)] {
                w.key(k)
                if let change {
                    w.object { w in w.key("old"); list(change.old, &w); w.key("new"); list(change.new, &w) }
                } else {
                    w.null()
                }
            }
            w.field("exposedPortsAdded", strings: c.exposedPortsAdded)
            w.field("exposedPortsRemoved", strings: c.exposedPortsRemoved)
            w.field("envKeysAdded", strings: c.envKeysAdded)
            w.field("envKeysRemoved", strings: c.envKeysRemoved)
            w.field("envKeysChanged", strings: c.envKeysChanged)
            w.field("baseLayersChanged", baseChanged)
        }
    }

    private static func files(_ f: FileComparison, _ w: inout JSONWriter) {
        w.object { w in
            for k in FileChangeKind.allCases { w.field(k.rawValue, f.count(k)) }
            w.field("bytesBefore", f.bytesBefore)
            w.field("bytesAfter", f.bytesAfter)
            w.field("deltaBytes", f.deltaBytes)
            w.array("changes", f.changes) { w, x in
                w.object { w in
                    w.field("path", x.path)
                    w.field("change", x.change.rawValue)
                    w.field("typeBefore", optional: x.kindBefore?.name)
                    w.field("typeAfter", optional: x.kindAfter?.name)
                    w.field("bytesBefore", x.bytesBefore)
                    w.field("bytesAfter", x.bytesAfter)
                    w.field("deltaBytes", x.deltaBytes)
                    if let from = x.movedFrom { w.field("movedFrom", from) }
                }
            }
            w.array("directories", f.directories) { w, x in
                w.object { w in
                    w.field("path", x.path)
                    w.field("bytesBefore", x.bytesBefore)
                    w.field("bytesAfter", x.bytesAfter)
                    w.field("deltaBytes", x.deltaBytes)
                }
            }
        }
    }
}
