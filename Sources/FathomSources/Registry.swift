import FathomCore
import Foundation

/// Fetches an image from a registry with the OCI distribution API: the manifest or index (the
/// platform is chosen from the index, then only that manifest is fetched), the config, and the
/// layer blobs, streamed several at once into the layer reader and checked against their digests.
/// The parts go to `ImageLoader` as an OCI layout, so history, warnings and `--verify` work as for archives.
final class RegistrySource: @unchecked Sendable {
    let reference: ImageReference
    /// The image as the user named it, for messages.
    let display: String
    let insecure: Bool
    let credentials: CredentialStore
    let progress: FetchProgress?
    let proxies: ProxySettings
    /// `--timeout`: the window of the transfer rate rule, in seconds.
    let window: Double
    private let lock = NSLock()
    private var authorization: String?

    /// A manifest or index larger than this is refused (distribution spec: registries SHOULD accept 4 MiB).
    static let maximumManifestBytes: Int64 = 8 << 20
    /// A token answer or an error body larger than this is refused.
    static let maximumAnswerBytes: Int64 = 1 << 20

    static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
    static let indexTypes: Set<String> = ["application/vnd.oci.image.index.v1+json",
                                          "application/vnd.docker.distribution.manifest.list.v2+json"]

    init(reference: ImageReference, display: String, insecure: Bool, credentials: CredentialStore, progress: FetchProgress?,
         environment: [String: String], timeoutSeconds: Double) {
        self.reference = reference
        self.display = display
        self.insecure = insecure
        self.credentials = credentials
        self.progress = progress
        self.proxies = ProxySettings(environment: environment)
        self.window = timeoutSeconds
    }

    var base: String { (insecure ? "http://" : "https://") + reference.apiHost + "/v2/" + reference.repository }

    func fail(_ message: String) -> SourceError { SourceError(display, message) }

    // MARK: requests

    /// GETs `url`, answering one authentication challenge (anonymous or with the config's credentials).
    /// - Returns: The transfer (its body still to be read or closed) and the response; never a 401 or 403.
    /// - Parameter from: Ask for the body from this byte on (`Range: bytes=N-`, RFC 9110 §14.2); the
    ///   answer may still be the whole body (200) where the registry ignores ranges.
    func get(_ url: String, accept: [String] = [], limits: TransferLimits, maximumBytes: Int64?, expectedBytes: Int64? = nil,
             from: Int64? = nil, onBytes: (@Sendable (Int) -> Void)? = nil) throws -> (HTTPTransfer, HTTPResponse) {
        var retried = false
        while true {
            var request = HTTPRequest(url: url, limits: limits, maximumBytes: maximumBytes)
            request.expectedBytes = expectedBytes
            if !accept.isEmpty { request.headers.append(("Accept", accept.joined(separator: ", "))) }
            if let from { request.headers.append(("Range", "bytes=\(from)-")) }
            if let auth = lock.withLock({ authorization }) { request.headers.append(("Authorization", auth)) }
            let (transfer, response): (HTTPTransfer, HTTPResponse)
            do { (transfer, response) = try HTTPClient.send(request, proxies: proxies, onBytes: onBytes) } catch {
                throw fail(Self.reaching(reference.apiHost, error))
            }
            if response.status == 401 && !retried {
                transfer.close()
                guard let header = response.header("www-authenticate"), let challenge = AuthChallenge.parse(header) else {
                    throw fail("\(response.statusText) without an authentication challenge")
                }
                try answer(challenge)
                retried = true
                continue
            }
            if response.status == 401 || response.status == 403 {
                transfer.close()
                throw fail("\(response.statusText) (\(credentialsNote()))")
            }
            return (transfer, response)
        }
    }

    /// Why a registry refused: the credentials it was given and where they came from, or where none were found.
    func credentialsNote() -> String {
        if let found = try? credentials.credentials(registry: reference.registry, repository: reference.repository) {
            return "the credentials for \(reference.registry) \(found.origin) were refused"
        }
        return credentials.missingNote(registry: reference.registry, repository: reference.repository)
    }

    /// The `WWW-Authenticate` flow: Basic sends the credentials; Bearer fetches a token from the realm.
    ///
    /// A realm must be an `https` URL of a network host (distribution spec "Token Authentication");
    /// plain `http` only with `--insecure` and on the registry's own host. Anything else (another
    /// scheme, a Unix socket) is refused before the credentials go anywhere.
    func answer(_ challenge: AuthChallenge) throws {
        let found: CredentialStore.Found?
        do { found = try credentials.credentials(registry: reference.registry, repository: reference.repository) } catch {
            throw fail("\(error)")
        }
        let identityToken = found.flatMap { $0.credentials.isIdentityToken ? $0.credentials.password : nil }
        let basic = found.flatMap { f in f.credentials.isIdentityToken ? nil
            : "Basic " + Data("\(f.credentials.username):\(f.credentials.password)".utf8).base64EncodedString() }
        switch challenge.scheme {
        case "basic":
            if identityToken != nil {
                throw fail("401 Unauthorized: the registry asks for a password, and the credentials for \(reference.registry) \(found!.origin) are an identity token")
            }
            guard let basic else { throw fail("401 Unauthorized (\(credentialsNote()))") }
            lock.withLock { authorization = basic }
        case "bearer":
            guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm) else {
                throw fail("401 Unauthorized with a Bearer challenge that has no realm")
            }
            try checkRealm(components, realm: realm)
            var query = components.queryItems ?? []
            if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
            query.append(URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? "repository:\(reference.repository):pull"))
            components.queryItems = query
            guard let url = components.string else { throw fail("bad token realm '\(oneLine(realm, limit: 120))'") }
            var request = HTTPRequest(url: url, limits: .document(window: window), maximumBytes: Self.maximumAnswerBytes)
            if let identityToken {
                // distribution spec, OAuth2 token authentication: the refresh token is exchanged by a POST
                request = HTTPRequest(url: realm, limits: .document(window: window), maximumBytes: Self.maximumAnswerBytes)
                request.method = "POST"
                request.headers.append(("Content-Type", "application/x-www-form-urlencoded"))
                var form = URLComponents()
                form.queryItems = [URLQueryItem(name: "grant_type", value: "refresh_token"),
                                   URLQueryItem(name: "service", value: challenge.parameters["service"] ?? ""),
                                   URLQueryItem(name: "client_id", value: "fathom"),
                                   URLQueryItem(name: "scope", value: challenge.parameters["scope"] ?? "repository:\(reference.repository):pull"),
                                   URLQueryItem(name: "refresh_token", value: identityToken)]
                request.body = Self.formEncoded(form.queryItems!)
            }
            if let basic { request.headers.append(("Authorization", basic)) }
            let body: [UInt8]
            let response: HTTPResponse
            do {
                let (transfer, r) = try HTTPClient.send(request, proxies: proxies)
                response = r
                body = try transfer.readAll()
            } catch {
                throw fail(Self.reaching("the token service \(components.host ?? "")", error))
            }
            guard response.status == 200 else {
                if response.status == 401 || response.status == 403 {
                    throw fail("\(response.statusText) from the token service (\(credentialsNote()))")
                }
                throw fail("the token service answered \(response.statusText)")
            }
            guard let token = Self.token(from: body) else {
                throw fail("the token service's answer has no token (or one with characters a header cannot carry)")
            }
            lock.withLock { authorization = "Bearer " + token }
        default:
            throw fail("401 Unauthorized with an unsupported authentication scheme '\(oneLine(challenge.scheme, limit: 40))'")
        }
    }

    /// `application/x-www-form-urlencoded`: every byte but unreserved ones percent-encoded.
    static func formEncoded(_ items: [URLQueryItem]) -> [UInt8] {
        func encode(_ s: String) -> String {
            s.utf8.map { b -> String in
                let c = Character(Unicode.Scalar(b))
                return c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) ? String(c) : String(format: "%%%02X", b)
            }.joined()
        }
        return Array(items.map { encode($0.name) + "=" + encode($0.value ?? "") }.joined(separator: "&").utf8)
    }

    /// `cannot reach HOST: why` when no connection was made, else `HOST: why` (it answered, badly).
    static func reaching(_ host: String, _ error: Error) -> String {
        if let failure = error as? TransferFailure, !failure.isConnectionFailure { return "\(host): \(failure)" }
        return "cannot reach \(host): \(error)"
    }

    /// The token of a token service's answer (`token`, else `access_token`; distribution spec "Token
    /// Response Fields"); nil when there is none, or when it holds anything but printable ASCII (it goes
    /// into a header line).
    static func token(from body: [UInt8]) -> String? {
        guard JSONObjectCount.isWithinLimit(body), let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let token = (json["token"] as? String) ?? (json["access_token"] as? String), !token.isEmpty,
              token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return token
    }

    /// Refuses a token realm that is not `https` to a network host (`http` only under `--insecure`, same host).
    func checkRealm(_ components: URLComponents, realm: String) throws {
        let scheme = components.scheme?.lowercased() ?? ""
        let host = components.host?.lowercased() ?? ""
        let registryHost = URLComponents(string: "http://" + reference.apiHost)?.host?.lowercased() ?? ""
        let shown = oneLine(realm, limit: 120)
        guard !host.isEmpty, scheme == "https" || scheme == "http" else {
            throw fail("the registry's token realm '\(shown)' is not an https URL; no credentials were sent")
        }
        if scheme == "http" && !(insecure && host == registryHost) {
            throw fail("the registry's token realm '\(shown)' is plain http\(insecure ? " on another host" : " (allowed only with --insecure)"); no credentials were sent")
        }
    }

    /// Reads the body of a response that is not a success, for its message.
    func errorBody(_ transfer: HTTPTransfer) -> [UInt8] {
        transfer.readPrefix(Int(Self.maximumAnswerBytes))
    }

    /// Fetches a manifest or index by tag or digest and checks its digest (and size, when a descriptor gave it).
    func manifest(_ ref: String, expected: String?, size: Int64? = nil) throws -> (mediaType: String, bytes: [UInt8], digest: String) {
        let (transfer, response) = try get(base + "/manifests/" + ref, accept: Self.manifestTypes, limits: .document(window: window),
                                           maximumBytes: Self.maximumManifestBytes)
        let contentType = response.contentType
        let body: [UInt8]
        do { body = try transfer.readAll() } catch {
            throw fail("manifest \(oneLine(ref)): \(error)")
        }
        guard response.status == 200 else {
            if response.status == 404 {
                throw fail("not found in \(reference.registry) (\(response.statusText)\(errorDetail(body, contentType: contentType).map { ": " + $0 } ?? ""))")
            }
            throw fail("manifest \(oneLine(ref)): \(response.statusText)\(errorDetail(body, contentType: contentType).map { " (" + $0 + ")" } ?? "")")
        }
        if contentType?.contains("html") == true || body.first(where: { !$0.isWhitespaceByte }) == UInt8(ascii: "<") {
            throw fail("\(reference.apiHost) answered with an HTML page, not a registry manifest (is it a registry?)")
        }
        let mediaType: String
        do { mediaType = try Self.mediaType(of: body, contentType: contentType) } catch {
            throw fail("manifest \(oneLine(ref)) \(error)")
        }
        let digest = Digest(sha256Of: body).value
        let stated = expected ?? response.header("docker-content-digest")
        if let stated, stated.hasPrefix("sha256:"), stated != digest {
            throw fail("manifest digest mismatch: the registry sent \(digest), expected \(oneLine(stated, limit: 80))")
        }
        if let size, size != Int64(body.count) {
            throw fail("manifest \(oneLine(ref)) is \(body.count) bytes, its descriptor says \(size)")
        }
        return (mediaType, body, digest)
    }

    /// What a manifest answer is: its `mediaType`, else its `Content-Type`, else guessed from its fields.
    /// - Throws: `DocumentProblem` ("is not JSON", "is a schema 1 manifest", an unknown media type).
    static func mediaType(of body: [UInt8], contentType: String?) throws(DocumentProblem) -> String {
        guard JSONObjectCount.isWithinLimit(body) else {
            throw DocumentProblem("holds more than \(Limits.documentObjects) JSON objects (fathom's limit)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw DocumentProblem("is not JSON (\(oneLine(contentType ?? "no content type", limit: 60)))")
        }
        let mediaType = (json["mediaType"] as? String) ?? contentType ?? ""
        if manifestTypes.contains(mediaType) { return mediaType }
        if json["manifests"] != nil { return manifestTypes[0] }
        if json["layers"] != nil { return manifestTypes[2] }
        if (json["schemaVersion"] as? Int) == 1 { throw DocumentProblem("is a schema 1 manifest, which is not supported") }
        throw DocumentProblem("has an unknown media type '\(oneLine(mediaType, limit: 80))'")
    }

    struct DocumentProblem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A small blob (the config), checked against its descriptor's size and digest.
    func smallBlob(_ digest: String, size: Int64, what: String) throws -> [UInt8] {
        let (transfer, response) = try get(base + "/blobs/" + digest, limits: .document(window: window),
                                           maximumBytes: size, expectedBytes: size)
        guard response.status == 200 else {
            let body = errorBody(transfer)
            throw fail("\(what) \(digest): \(response.statusText)\(errorDetail(body, contentType: response.contentType).map { " (" + $0 + ")" } ?? "")")
        }
        let body: [UInt8]
        do { body = try transfer.readAll() } catch {
            throw fail("\(what) \(digest): \(error)")
        }
        let computed = Digest(sha256Of: body).value
        if computed != digest { throw fail("\(what) digest mismatch: expected \(digest), received \(computed)") }
        return body
    }

    /// Starts the download of a layer blob; the body streams into the returned source, which fails
    /// when the registry sends more or fewer bytes than the descriptor's `size`.
    func openBlob(_ digest: String, size: Int64, index: Int, meter: FetchMeter) throws -> BlockSource {
        let display = display
        let (transfer, response) = try get(base + "/blobs/" + digest, limits: .stream(window: window), maximumBytes: size,
                                           expectedBytes: size, onBytes: { meter.add(bytes: $0) })
        guard response.status == 200 else {
            let body = errorBody(transfer)
            throw fail("layer \(index) (\(digest)): \(response.statusText)\(errorDetail(body, contentType: response.contentType).map { " (" + $0 + ")" } ?? "")")
        }
        transfer.describeFailure = { failure, received in
            switch failure {
            case .tooLarge:
                SourceError(display, "layer \(index) (\(digest)) is larger than the \(size) bytes its descriptor states")
            case .shortBody:
                SourceError(display, "layer \(index) (\(digest)): the registry sent \(received) bytes, its descriptor states \(size)")
            case .closedEarly:
                SourceError(display, "layer \(index) (\(digest)) was cut short (\(received) of \(size) bytes received)")
            default:
                SourceError(display, "layer \(index) (\(digest)): \(failure) after \(received) of \(size) bytes")
            }
        }
        return MeteredSource(transfer, onClose: { meter.layerDone() })
    }

    /// The blob from byte `offset` to its end, for reading files after the analysis: a Range request
    /// (distribution spec: registries may serve blob ranges); a registry that answers with the whole
    /// blob (200) has the bytes before `offset` skipped.
    /// - Throws: `SourceError` for an error status or a range other than the one asked for.
    func openBlob(_ digest: String, size: Int64, index: Int, from offset: Int64) throws -> BlockSource {
        guard offset > 0 else { return try openBlob(digest, size: size, index: index, meter: FetchMeter(layers: 1, progress: nil)) }
        let (transfer, response) = try get(base + "/blobs/" + digest, limits: .stream(window: window), maximumBytes: size,
                                           from: offset)
        switch response.status {
        case 206:
            guard let range = response.header("content-range"), range.hasPrefix("bytes \(offset)-\(size - 1)/") else {
                transfer.close()
                throw fail("layer \(index) (\(digest)): the registry answered a request for bytes \(offset)- with the range '\(oneLine(response.header("content-range") ?? "", limit: 60))'")
            }
            return transfer
        case 200:
            return SkippedPrefixSource(transfer, skipBytes: offset)
        default:
            let body = errorBody(transfer)
            throw fail("layer \(index) (\(digest)): \(response.statusText)\(errorDetail(body, contentType: response.contentType).map { " (" + $0 + ")" } ?? "")")
        }
    }

    // MARK: the image

    func load(options: LoadOptions, concurrency: Int) throws -> Image {
        let top = try manifest(reference.manifestReference, expected: reference.digest)
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
            _ = try size(of: d, what: "the index's manifest")
            chosen = try manifest(d.digest, expected: d.digest, size: d.size)
            if let p = platforms[at] {
                platform = ["os": p.os, "architecture": p.architecture]
                if let v = p.variant { platform?["variant"] = v }
            }
        }
        let manifest = try decode(Manifest.self, chosen.bytes, what: "manifest")
        let configBytes = try smallBlob(manifest.config.digest, size: try size(of: manifest.config, what: "the config"), what: "config")

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

        let meter = FetchMeter(layers: Set(manifest.layers.map(\.digest)).count, progress: progress)
        var layers: [RemoteLayer] = []
        for (i, d) in manifest.layers.enumerated() {
            if d.mediaType?.contains("foreign") == true {
                throw fail("layer \(i) is a foreign layer (\(oneLine(d.mediaType!, limit: 80))), which fathom does not fetch")
            }
            let size = try size(of: d, what: "layer \(i)")
            layers.append(RemoteLayer(digest: d.digest, open: { [self] in
                try self.openBlob(d.digest, size: size, index: i, meter: meter)
            }, openFrom: { [self] offset in
                try self.openBlob(d.digest, size: size, index: i, from: offset)
            }))
        }
        defer { meter.finish() }
        return try ImageLoader.load(documents: documents, layers: layers, name: display, concurrency: concurrency, options: options)
    }

    /// A descriptor's `size` (required by the OCI image spec, descriptor.md), which bounds the download.
    func size(of descriptor: Descriptor, what: String) throws -> Int64 {
        guard Digest.isSHA256(descriptor.digest) else {
            throw fail("\(what) has the digest '\(oneLine(descriptor.digest, limit: 80))', not sha256:<64 hex>")
        }
        guard let size = descriptor.size else { throw fail("\(what) (\(oneLine(descriptor.digest, limit: 80))) has no size in the manifest") }
        guard size >= 0 else { throw fail("\(what) (\(oneLine(descriptor.digest, limit: 80))) has a negative size (\(size))") }
        return size
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws -> T {
        guard JSONObjectCount.isWithinLimit(bytes) else {
            throw fail("the \(what) holds more than \(Limits.documentObjects) JSON objects (fathom's limit)")
        }
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
