/// One entry of a `docker save` `manifest.json` (moby image/tarexport; go-containerregistry tarball.Descriptor).
struct DockerManifestEntry: Decodable {
    var Config: String
    var RepoTags: [String]?
    var Layers: [String]
}

/// An OCI content descriptor (OCI image-spec descriptor.md).
struct Descriptor: Decodable {
    var mediaType: String?
    var digest: String
    var size: Int64?
    var annotations: [String: String]?
    var platform: DescriptorPlatform?

    struct DescriptorPlatform: Decodable {
        var os: String?
        var architecture: String?
        var variant: String?
    }
}

/// An OCI image index or Docker manifest list; `manifests` may be null (Docker 25+ index.json).
struct ImageIndex: Decodable {
    var mediaType: String?
    var manifests: [Descriptor]?
}

/// An OCI image manifest or Docker v2 schema 2 manifest.
struct ImageManifest: Decodable {
    var mediaType: String?
    var config: Descriptor
    var layers: [Descriptor]
}

/// Media types fathom knows (OCI image-spec media-types.md; Docker distribution).
enum MediaType {
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
}
