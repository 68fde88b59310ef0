/// The `--json` report: dive 0.13.1's export (`layer`, `image`) in its exact shape, so that
/// tools reading dive's JSON keep working, plus fathom's own `fathom` object
/// (schema: `docs/report.schema.json`).
public enum JSONReport {
    /// Renders the report. Paths without a leading `/` in `fileList`, as dive writes them.
    /// - Returns: UTF-8 bytes, with no trailing newline (as dive).
    public static func render(_ a: Analysis, packages: PackageHistory? = nil) -> [UInt8] {
        var w = JSONWriter()
        write(a, packages: packages, &w)
        return w.bytes
    }

    /// Streams the report to `sink` in chunks of about 1 MiB, never holding it whole
    /// (the same bytes as `render`).
    /// - Parameter packages: The image's packages (`fathom.packages`), when read.
    public static func write(_ a: Analysis, packages: PackageHistory? = nil, to sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        var w = JSONWriter(sink: sink)
        write(a, packages: packages, &w)
        w.flush()
    }

    static func write(_ a: Analysis, packages: PackageHistory? = nil, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("layer")
        writeDiveLayers(a, &w)
        w.key("image")
        writeDiveImage(a, &w)
        w.key("fathom")
        writeFathom(a, packages: packages, &w)
        w.endObject()
    }

    static func writeDiveLayers(_ a: Analysis, _ w: inout JSONWriter) {
        let history = DiveExport.layerHistory(a.image)
        w.beginArray()
        for (i, layer) in a.image.layers.enumerated() {
            w.element()
            w.beginObject()
            w.field("index", i)
            w.field("id", DiveExport.layerID(layer))
            w.field("digestId", history[i].digestID)
            w.field("sizeBytes", layer.blob.changeset.headerSizeBytes)
            w.field("command", history[i].command)
            w.key("fileList")
            w.beginArray()
            let changeset = layer.blob.changeset
            let (tree, names) = DiveModel.layerTree(changeset, layer: i)
            var chain: [DiveTree.NodeID] = [], pathBytes: [UInt8] = []
            tree.postOrder(names) { n in
                w.element()
                w.beginObject()
                if let p = tree.payloads[Int(n)], Int(p.layer) == i {
                    let row = Int(p.row)
                    let kind = changeset.kinds[row]
                    chain.removeAll(keepingCapacity: true)
                    var m = n
                    while m != 0 { chain.append(m); m = tree.parents[Int(m)] }
                    pathBytes.removeAll(keepingCapacity: true)
                    for c in chain.reversed() {
                        if !pathBytes.isEmpty { pathBytes.append(0x2F) }
                        pathBytes.append(contentsOf: names.bytes(tree.names[Int(c)]))
                    }
                    w.field("path", String(decoding: pathBytes, as: UTF8.self))
                    w.field("typeFlag", Int(kind.tarTypeFlag))
                    w.field("linkName", (changeset.writtenHardlinkTargets[row] ?? changeset.linkTargets[row]).map { String(decoding: $0, as: UTF8.self) } ?? "")
                    w.field("size", changeset.sizes[row])
                    w.field("fileMode", DiveExport.goFileMode(kind: kind, mode: changeset.modes[row]))
                    w.field("uid", changeset.uids[row])
                    w.field("gid", changeset.gids[row])
                    w.field("isDir", kind == .directory)
                } else {
                    w.field("path", ""); w.field("typeFlag", 0); w.field("linkName", ""); w.field("size", 0)
                    w.field("fileMode", 0); w.field("uid", 0); w.field("gid", 0); w.field("isDir", false)
                }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }

    static func writeDiveImage(_ a: Analysis, _ w: inout JSONWriter) {
        let m = a.dive.metrics
        w.object { w in
            w.field("sizeBytes", m.sizeBytes)
            w.field("inefficientBytes", m.wastedBytes)
            w.field("efficiencyScore", double: m.efficiency)
            w.array("fileReference", m.inefficientFiles) { w, f in
                w.object { w in
                    w.field("count", f.count)
                    w.field("sizeBytes", f.sizeBytes)
                    w.field("file", f.path)
                }
            }
        }
    }

    static func writeFathom(_ a: Analysis, packages: PackageHistory?, _ w: inout JSONWriter) {
        let image = a.image
        w.object { w in
            w.field("schemaVersion", 2)
            w.key("source")
            w.object { w in
                w.field("path", image.archivePath)
                w.field("layout", image.layout.rawValue)
                w.field("image", strings: image.names)
                w.field("platform", optional: image.platform?.description)
            }
            w.key("summary")
            w.object { w in
                w.field("layers", image.layers.count)
                writeFigures(a, &w)
                w.field("duplicateBytes", a.duplicates.reduce(Int64(0)) { $0 + $1.extraBytes })
            }
            w.array("layers", image.layers.enumerated()) { w, item in
                let (i, layer) = item
                let f = a.layerFigures[i]
                w.object { w in
                    w.field("index", i)
                    w.field("diffId", layer.blob.diffID.value)
                    w.field("digest", layer.blob.digest.value)
                    w.field("mediaType", optional: layer.mediaType)
                    w.field("compression", layer.blob.compression.rawValue)
                    w.field("command", optional: layer.createdBy)
                    w.field("entries", layer.blob.changeset.memberCount)
                    w.field("sizeBytes", layer.blob.changeset.fileBytes)
                    w.field("storedBytes", layer.blob.storedBytes)
                    w.field("addedBytes", f.addedBytes)
                    w.field("modifiedBytes", f.modifiedBytes)
                    w.field("removedBytes", f.removedBytes)
                    w.field("metadataOnlyCount", f.metadataOnlyCount)
                    w.field("metadataOnlyBytes", f.metadataOnlyBytes)
                    w.field("reclaimableBytes", f.reclaimableBytes)
                    w.field("hidesBytes", f.hidesBytes)
                    w.array("hiddenBy", f.hiddenBy) { w, h in
                        w.object { w in w.field("layer", h.layer); w.field("bytes", h.bytes) }
                    }
                }
            }
            w.array("duplicates", a.duplicates) { w, g in
                w.object { w in
                    w.field("bytes", g.sizeBytes)
                    w.field("extraBytes", g.extraBytes)
                    w.field("digest", g.content.hex)
                    w.field("paths", strings: g.paths.map { "/" + $0 })
                }
            }
            let largest = LargestPaths(a.replay, top: 20)
            w.key("largest")
            w.object { w in
                w.array("files", largest.files) { w, e in w.object { w in w.field("path", e.path); w.field("bytes", e.bytes) } }
                w.array("directories", largest.directories) { w, e in w.object { w in w.field("path", e.path); w.field("bytes", e.bytes) } }
            }
            w.array("advice", a.advice) { w, f in
                w.object { w in
                    w.field("rule", f.rule)
                    w.field("severity", f.severity.rawValue)
                    w.field("title", f.title)
                    w.array("layers", f.layers) { w, l in w.int(l) }
                    w.array("paths", f.paths) { w, p in
                        w.object { w in
                            w.field("path", p.path)
                            w.field("bytes", p.bytes)
                            if !p.layers.isEmpty { w.array("layers", p.layers) { w, l in w.int(l) } }
                        }
                    }
                    w.field("pathCount", f.pathCount)
                    w.field("reclaimableBytes", f.reclaimableBytes)
                    w.field("fix", f.fix)
                    w.field("snippet", f.snippet)
                }
            }
            if let packages, !packages.isEmpty {
                w.key("packages")
                writePackages(packages, &w)
            }
            w.field("warnings", strings: a.warnings)
        }
    }

    /// The headline figures, in the report's `summary` and the HTML page's data: final, shipped and
    /// reclaimable bytes, dive's efficiency, wasted bytes and user-wasted ratio.
    static func writeFigures(_ a: Analysis, _ w: inout JSONWriter) {
        let m = a.dive.metrics
        w.field("finalBytes", a.finalBytes)
        w.field("shippedBytes", a.shippedBytes)
        w.field("reclaimableBytes", a.reclaimableBytes)
        w.field("efficiency", double: m.efficiency)
        w.field("wastedBytes", m.wastedBytes)
        w.field("userWastedPercent", double: m.userWastedPercent)
    }

    /// `fathom.packages`: the databases read, each layer's changes, the final packages, the unowned bytes.
    static func writePackages(_ h: PackageHistory, _ w: inout JSONWriter) {
        w.object { w in
            w.field("databases", strings: h.databases)
            w.field("distro", h.distro)
            w.array("layers", h.layers) { w, c in
                w.object { w in
                    w.field("layer", c.layer)
                    for (key, list) in [("installed", c.installed), ("upgraded", c.upgraded), ("removed", c.removed)] {
                        w.array(key, list) { w, ch in
                            w.object { w in
                                w.field("name", ch.package.name)
                                w.field("version", ch.package.version)
                                if let previous = ch.previousVersion { w.field("previousVersion", previous) }
                                w.field("bytes", ch.bytes)
                                w.field("files", ch.files)
                            }
                        }
                    }
                }
            }
            w.array("final", h.final) { w, o in
                w.object { w in
                    w.field("ecosystem", o.package.ecosystem.rawValue)
                    w.field("name", o.package.name)
                    w.field("version", o.package.version)
                    w.field("architecture", o.package.architecture)
                    w.field("purl", o.package.purl(distro: h.distro))
                    w.field("bytes", o.bytes)
                    w.field("files", o.files)
                    w.field("wastedBytes", o.wastedBytes)
                    w.key("layer")
                    if let l = o.layer { w.int(l) } else { w.null() }
                }
            }
            w.array("unowned", h.unowned) { w, u in
                w.object { w in
                    w.field("directory", u.directory)
                    w.field("bytes", u.bytes)
                    w.field("files", u.files)
                }
            }
            w.field("warnings", strings: h.warnings)
        }
    }
}
