import FuzzDriver
import Glibc
import FathomCore

/// The JSON documents of an image: the input's first byte chooses which one it is (docker save's
/// manifest.json, an OCI index.json, an image manifest or a config), the rest is its text; the other
/// documents are valid ones that point at it. The layer is an empty tar.
func fuzzDocuments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let which = data[0] % 4
    let text = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let layer = [UInt8](repeating: 0, count: 1024)
    let layerDigest = Digest(sha256Of: layer).value
    let config = which == 3 ? text : Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layerDigest)"]},"history":[{"created_by":"x"}]}"#.utf8)
    let configDigest = Digest(sha256Of: config).value
    let manifest = which == 2 ? text : Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(configDigest)","size":\#(config.count)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\#(layerDigest)","size":1024}]}"#.utf8)
    let manifestDigest = Digest(sha256Of: manifest).value
    func blob(_ d: String) -> String { "blobs/sha256/" + d.dropFirst(7) }
    var documents: [String: [UInt8]] = [blob(configDigest): config, blob(manifestDigest): manifest, "oci-layout": Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)]
    switch which {
    case 0:
        documents["manifest.json"] = text
        documents["config.json"] = config
    case 1:
        documents["index.json"] = text
    default:
        documents["index.json"] = Array(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(manifestDigest)","size":\#(manifest.count)}]}"#.utf8)
    }
    final class Empty: BlockSource {
        var sent = false
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func next() throws -> UnsafeRawBufferPointer {
            if sent { return UnsafeRawBufferPointer(start: nil, count: 0) }
            sent = true
            return bytes.withUnsafeBytes { $0 }
        }
        func close() {}
    }
    let layers = [RemoteLayer(digest: layerDigest) { Empty(layer) }]
    if let image = try? ImageLoader.load(documents: documents, layers: which == 0 ? [] : layers, name: "fuzz") {
        _ = TextSummary.render(image)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
Glibc.exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzDocuments(data ?? UnsafePointer(bitPattern: 1)!, size) })
