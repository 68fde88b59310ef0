import AsyncHTTPClient
import Crypto
import FathomCore
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches an image from a registry with the OCI distribution API: the manifest or index (the
/// platform is chosen from the index, then only that manifest is fetched), the config, and the
/// layer blobs, streamed several at once into the layer reader and checked against their digests.
/// The parts go to `ImageLoader` as an OCI layout, so history, warnings and `--verify` work as for archives.
final class RegistrySource: @unchecked Sendable {
    let reference: ImageReference
    /// The image as the user named it, for messages.
    let display: String
    let insecure: Bool
    let config: DockerConfig
    let progress: FetchProgress?
    private let lock = NSLock()
    private var authorization: String?
    private var challengeTried = false

    static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
    static let indexTypes: Set<String> = ["application/vnd.oci.image.index.v1+json",
                                          "application/vnd.docker.distribution.manifest.list.v2+json"]

    init(reference: ImageReference, display: String, insecure: Bool, config: DockerConfig, progress: FetchProgress?) {
        self.reference = reference
        self.display = display
        self.insecure = insecure
        self.config = config
        self.progress = progress
    }

    var base: String { (insecure ? "http://" : "https://") + reference.apiHost + "/v2/" + reference.repository }

    func fail(_ message: String) -> SourceError { SourceError(display, message) }

    // MARK: requests

    /// GETs `url`, answering one authentication challenge (anonymous or with the config's credentials).
    func get(_ url: String, accept: [String] = [], deadline: TimeAmount = .seconds(60)) async throws -> HTTPClientResponse {
        var retried = false
        while true {
            var request = HTTPClientRequest(url: url)
            if !accept.isEmpty { request.headers.add(name: "Accept", value: accept.joined(separator: ", ")) }
            request.headers.add(name: "User-Agent", value: "fathom/0.1")
            let auth = lock.withLock { authorization }
            if let auth { request.headers.add(name: "Authorization", value: auth) }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, deadline: .now() + deadline)
            } catch {
                throw fail("cannot reach \(reference.apiHost): \(describeTransportError(error))")
            }
            if response.status == .unauthorized && !retried {
                let header = response.headers.first(name: "WWW-Authenticate")
                _ = try? await collect(response, limit: 1 << 20)
                guard let header, let challenge = AuthChallenge.parse(header) else {
                    throw fail("\(statusText(response.status)) without an authentication challenge")
                }
                try await answer(challenge)
                retried = true
                continue
            }
            if response.status == .unauthorized || response.status == .forbidden {
                _ = try? await collect(response, limit: 1 << 20)
                throw fail("\(statusText(response.status)) (\(credentialsNote()))")
            }
            return response
        }
    }

    func credentialsNote() -> String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let file = home.count > 1 && config.path.hasPrefix(home + "/") ? "~" + config.path.dropFirst(home.count) : config.path
        if config.credentials(for: reference.registry) != nil {
            return "the credentials for \(reference.registry) in \(file) were refused"
        }
        if let helper = config.helper(for: reference.registry) {
            return "no credentials for \(reference.registry) in \(file); its credential helper '\(helper)' is not supported yet"
        }
        return "no credentials for \(reference.registry) in \(file)"
    }

    /// The `WWW-Authenticate` flow: Basic sends the credentials; Bearer fetches a token from the realm.
    func answer(_ challenge: AuthChallenge) async throws {
        let credentials = config.credentials(for: reference.registry)
        let basic = credentials.map { "Basic " + Data("\($0.username):\($0.password)".utf8).base64EncodedString() }
        switch challenge.scheme {
        case "basic":
            guard let basic else { throw fail("401 Unauthorized (\(credentialsNote()))") }
            lock.withLock { authorization = basic }
        case "bearer":
            guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm) else {
                throw fail("401 Unauthorized with a Bearer challenge that has no realm")
            }
            var query = components.queryItems ?? []
            if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
            query.append(URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? "repository:\(reference.repository):pull"))
            components.queryItems = query
            guard let url = components.string else { throw fail("bad token realm '\(realm)'") }
            var request = HTTPClientRequest(url: url)
            if let basic { request.headers.add(name: "Authorization", value: basic) }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, deadline: .now() + .seconds(30))
            } catch {
                throw fail("cannot reach the token service \(components.host ?? realm): \(describeTransportError(error))")
            }
            let body = try await collect(response, limit: 1 << 20)
            guard response.status == .ok else {
                if response.status == .unauthorized || response.status == .forbidden {
                    throw fail("\(statusText(response.status)) from the token service (\(credentialsNote()))")
                }
                throw fail("the token service answered \(statusText(response.status))")
            }
            guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                  let token = (json["token"] as? String) ?? (json["access_token"] as? String) else {
                throw fail("the token service's answer has no token")
            }
            lock.withLock { authorization = "Bearer " + token }
        default:
            throw fail("401 Unauthorized with an unsupported authentication scheme '\(challenge.scheme)'")
        }
    }

    /// Fetches a manifest or index by tag or digest and checks its digest.
    func manifest(_ ref: String, expected: String?) async throws -> (mediaType: String, bytes: [UInt8], digest: String) {
        let response = try await get(base + "/manifests/" + ref, accept: Self.manifestTypes, deadline: .seconds(60))
        let contentType = response.headers.first(name: "Content-Type")?.split(separator: ";").first.map { String($0).trimmingSpaces() }
        let body: [UInt8]
        do { body = try await collect(response, limit: 8 << 20) } catch let e as TooLarge {
            throw fail("manifest \(ref): \(e.description)")
        } catch {
            throw fail("manifest \(ref): \(describeTransportError(error))")
        }
        guard response.status == .ok else {
            if response.status == .notFound {
                throw fail("not found in \(reference.registry) (\(statusText(response.status))\(errorDetail(body, contentType: contentType).map { ": " + $0 } ?? ""))")
            }
            throw fail("manifest \(ref): \(statusText(response.status))\(errorDetail(body, contentType: contentType).map { " (" + $0 + ")" } ?? "")")
        }
        if contentType?.contains("html") == true || body.first(where: { !$0.isWhitespaceByte }) == UInt8(ascii: "<") {
            throw fail("\(reference.apiHost) answered with an HTML page, not a registry manifest (is it a registry?)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw fail("manifest \(ref) is not JSON (\(contentType ?? "no content type"))")
        }
        let digest = sha256Digest(body)
        let stated = expected ?? response.headers.first(name: "Docker-Content-Digest")
        if let stated, stated.hasPrefix("sha256:"), stated != digest {
            throw fail("manifest digest mismatch: the registry sent \(digest), expected \(stated)")
        }
        var mediaType = (json["mediaType"] as? String) ?? contentType ?? ""
        if !Self.manifestTypes.contains(mediaType) {
            if json["manifests"] != nil { mediaType = Self.manifestTypes[0] }
            else if json["layers"] != nil { mediaType = Self.manifestTypes[2] }
            else if (json["schemaVersion"] as? Int) == 1 { throw fail("schema 1 manifests are not supported") }
            else { throw fail("manifest \(ref) has an unknown media type '\(mediaType)'") }
        }
        return (mediaType, body, digest)
    }

    /// A small blob (the config), checked against its digest.
    func smallBlob(_ digest: String, what: String) async throws -> [UInt8] {
        let response = try await get(base + "/blobs/" + digest)
        let body: [UInt8]
        do { body = try await collect(response, limit: 64 << 20) } catch {
            throw fail("\(what) \(digest): \(describeTransportError(error))")
        }
        guard response.status == .ok else {
            throw fail("\(what) \(digest): \(statusText(response.status))\(errorDetail(body, contentType: response.headers.first(name: "Content-Type")).map { " (" + $0 + ")" } ?? "")")
        }
        let computed = sha256Digest(body)
        if computed != digest { throw fail("\(what) digest mismatch: expected \(digest), received \(computed)") }
        return body
    }

    /// Starts the download of a layer blob; the body streams into the returned pipe.
    func openBlob(_ digest: String, size: Int64?, index: Int, meter: FetchMeter) throws -> BlockSource {
        let display = display
        let response = try runBlocking { try await self.get(self.base + "/blobs/" + digest, deadline: .hours(24)) }
        guard response.status == .ok else {
            let body = (try? runBlocking { try await collect(response, limit: 1 << 16) }) ?? []
            throw fail("layer \(index) (\(digest)): \(statusText(response.status))\(errorDetail(body, contentType: response.headers.first(name: "Content-Type")).map { " (" + $0 + ")" } ?? "")")
        }
        let pipe = BlockPipe(onBytes: { meter.add(bytes: $0) })
        let expected = size ?? response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        stream(response, into: pipe, expectedBytes: expected) { error, got in
            let of = expected.map { " of \($0)" } ?? ""
            let why = error.map { describeTransportError($0) + ", " } ?? ""
            return SourceError(display, "layer \(index) (\(digest)) was cut short (\(why)\(got)\(of) bytes received)")
        }
        return MeteredSource(pipe, onClose: { meter.layerDone() })
    }

    // MARK: the image

    func load(options: LoadOptions, concurrency: Int) throws -> Image {
        let top = try runBlocking { try await self.manifest(self.reference.manifestReference, expected: self.reference.digest) }
        var chosen = top
        var platform: [String: String]? = nil
        if Self.indexTypes.contains(top.mediaType) {
            let index = try decode(Index.self, top.bytes, what: "index")
            let usable = index.manifests.filter { d in
                d.annotations?["vnd.docker.reference.type"] != "attestation-manifest"
                    && d.platform?.os != "unknown" && d.platform?.architecture != "unknown"
                    && !Self.indexTypes.contains(d.mediaType ?? "")
            }
            guard !usable.isEmpty else { throw fail("the index lists no image manifest") }
            let platforms = usable.map { d in d.platform.flatMap { p in p.os.flatMap { os in p.architecture.map { Platform(os: os, architecture: $0, variant: p.variant) } } } }
            let at = try Platform.choose(platforms, wanted: options.platform, archive: display)
            let d = usable[at]
            chosen = try runBlocking { try await self.manifest(d.digest, expected: d.digest) }
            if let p = platforms[at] {
                platform = ["os": p.os, "architecture": p.architecture]
                if let v = p.variant { platform?["variant"] = v }
            }
        }
        let manifest = try decode(Manifest.self, chosen.bytes, what: "manifest")
        let configBytes = try runBlocking { try await self.smallBlob(manifest.config.digest, what: "config") }

        var descriptor: [String: Any] = ["mediaType": chosen.mediaType, "digest": chosen.digest, "size": chosen.bytes.count,
                                         "annotations": ["io.containerd.image.name": reference.description]]
        if let platform { descriptor["platform"] = platform }
        let index: [String: Any] = ["schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                    "manifests": [descriptor]]
        var documents: [String: [UInt8]] = [
            "oci-layout": Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8),
            "index.json": Array(try JSONSerialization.data(withJSONObject: index)),
        ]
        documents[blobPath(chosen.digest)] = chosen.bytes
        documents[blobPath(manifest.config.digest)] = configBytes

        let meter = FetchMeter(layers: manifest.layers.count, progress: progress)
        var layers: [RemoteLayer] = []
        for (i, d) in manifest.layers.enumerated() {
            if d.mediaType?.contains("foreign") == true {
                throw fail("layer \(i) is a foreign layer (\(d.mediaType!)), which fathom does not fetch")
            }
            let size = d.size
            layers.append(RemoteLayer(digest: d.digest) { [self] in
                try self.openBlob(d.digest, size: size, index: i, meter: meter)
            })
        }
        defer { meter.finish() }
        return try ImageLoader.load(documents: documents, layers: layers, name: display, concurrency: concurrency, options: options)
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch {
            throw fail("the \(what) is not a valid image \(what) (\(oneLine(String(describing: error), limit: 120)))")
        }
    }

    func blobPath(_ digest: String) -> String {
        let parts = digest.split(separator: ":", maxSplits: 1)
        return parts.count == 2 ? "blobs/\(parts[0])/\(parts[1])" : "blobs/\(digest)"
    }

    struct Descriptor: Decodable {
        var mediaType: String?
        var digest: String
        var size: Int64?
        var annotations: [String: String]?
        var platform: PlatformField?
        struct PlatformField: Decodable { var os: String?; var architecture: String?; var variant: String? }
    }
    struct Index: Decodable { var manifests: [Descriptor] }
    struct Manifest: Decodable { var config: Descriptor; var layers: [Descriptor] }
}

extension UInt8 {
    var isWhitespaceByte: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}

/// `sha256:<hex>` of `bytes`.
func sha256Digest(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out = Array("sha256:".utf8)
    for b in SHA256.hash(data: bytes) { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
