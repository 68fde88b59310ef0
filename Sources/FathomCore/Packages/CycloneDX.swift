import Foundation

/// The packages as a CycloneDX 1.5 JSON SBOM (cyclonedx.org, "CycloneDX JSON Reference v1.5"): the
/// image as the `metadata.component` (type `container`), one `library` component per package of the
/// final image with its purl, and fathom's facts as component properties: the layer that installed it
/// (`fathom:layer`, `fathom:layer:diffId`, `fathom:layer:command`) and its bytes (`fathom:bytes`).
/// Scanners (trivy, grype) read the purls.
public enum CycloneDX {
    /// - Parameter timestamp: ISO 8601; the SBOM's creation time.
    public static func write(_ h: PackageHistory, analysis a: Analysis, timestamp: Date = Date(),
                             to sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        var w = JSONWriter(sink: sink)
        let formatter = ISO8601DateFormatter()
        let name = a.image.names.first ?? (a.image.archivePath as NSString).lastPathComponent
        w.object { w in
            w.field("bomFormat", "CycloneDX")
            w.field("specVersion", "1.5")
            w.field("serialNumber", "urn:uuid:" + UUID().uuidString.lowercased())
            w.field("version", 1)
            w.key("metadata")
            w.object { w in
                w.field("timestamp", formatter.string(from: timestamp))
                w.key("tools")
                w.object { w in
                    w.array("components", [0]) { w, _ in
                        w.object { w in
                            w.field("type", "application")
                            w.field("name", "fathom")
                            w.field("version", FathomVersion.current)
                        }
                    }
                }
                w.key("component")
                w.object { w in
                    w.field("type", "container")
                    w.field("bom-ref", "image")
                    w.field("name", name)
                    if let config = a.image.layers.last?.blob.diffID.value, !config.isEmpty {
                        w.array("properties", a.image.layers.enumerated()) { w, item in
                            w.object { w in
                                w.field("name", "fathom:layer:\(item.offset):diffId")
                                w.field("value", item.element.blob.diffID.value)
                            }
                        }
                    }
                }
            }
            w.array("components", h.final) { w, o in
                let p = o.package
                let purl = p.purl(distro: h.distro)
                w.object { w in
                    w.field("type", "library")
                    w.field("bom-ref", purl)
                    w.field("name", p.name)
                    w.field("version", p.version)
                    w.field("purl", purl)
                    var properties: [(String, String)] = [("fathom:bytes", String(o.bytes)), ("fathom:files", String(o.files))]
                    if o.wastedBytes > 0 { properties.append(("fathom:wastedBytes", String(o.wastedBytes))) }
                    if let l = o.layer, l < a.image.layers.count {
                        properties.append(("fathom:layer", String(l)))
                        properties.append(("fathom:layer:diffId", a.image.layers[l].blob.diffID.value))
                        if let c = a.image.layers[l].createdBy { properties.append(("fathom:layer:command", LayerCommand.display(c))) }
                    }
                    w.array("properties", properties) { w, prop in
                        w.object { w in
                            w.field("name", prop.0)
                            w.field("value", prop.1)
                        }
                    }
                }
            }
        }
        w.flush()
    }
}
