import Foundation
import Testing
@testable import FathomSources

@Suite struct ReferenceTests {
    @Test func loopbackRegistryWithPortAndTag() throws {
        let r = try ImageReference.parse("127.0.0.1:5000/wasteful:latest")
        #expect(r == ImageReference(registry: "127.0.0.1:5000", repository: "wasteful", tag: "latest", digest: nil))
        #expect(r.manifestReference == "latest")
        #expect(r.isLoopback)
        #expect(r.apiHost == "127.0.0.1:5000")
    }

    @Test func dockerHubDefaults() throws {
        let r = try ImageReference.parse("nginx")
        #expect(r == ImageReference(registry: "docker.io", repository: "library/nginx", tag: "latest", digest: nil))
        #expect(r.apiHost == "registry-1.docker.io")
        #expect(try ImageReference.parse("bitnami/redis:7").repository == "bitnami/redis")
        #expect(try ImageReference.parse("index.docker.io/library/alpine:3").registry == "docker.io")
        #expect(!(try ImageReference.parse("ghcr.io/a/b")).isLoopback)
    }

    @Test func hostsAreRecognisedByDotColonOrLocalhost() throws {
        #expect(try ImageReference.parse("localhost/app").registry == "localhost")
        #expect(try ImageReference.parse("ghcr.io/org/team/app:v1.2").repository == "org/team/app")
        #expect(try ImageReference.parse("myhost:5000/app").registry == "myhost:5000")
        #expect(try ImageReference.parse("localhost:5000/app").isLoopback)
    }

    @Test func digests() throws {
        let hex = String(repeating: "ab", count: 32)
        let r = try ImageReference.parse("127.0.0.1:5000/wasteful@sha256:\(hex)")
        #expect(r.digest == "sha256:\(hex)")
        #expect(r.tag == nil)
        #expect(r.manifestReference == "sha256:\(hex)")
        let both = try ImageReference.parse("127.0.0.1:5000/wasteful:1@sha256:\(hex)")
        #expect(both.tag == "1" && both.manifestReference == "sha256:\(hex)")
        #expect(throws: ImageReference.Invalid.self) { try ImageReference.parse("app@sha256:abc") }
        #expect(throws: ImageReference.Invalid.self) { try ImageReference.parse("app@md5:\(hex)") }
    }

    @Test func badNames() {
        #expect(throws: ImageReference.Invalid.self) { try ImageReference.parse("") }
        #expect(throws: ImageReference.Invalid.self) { try ImageReference.parse("Upper/Case") }
        #expect(throws: ImageReference.Invalid.self) { try ImageReference.parse("app:") }
        #expect(throws: ImageReference.Invalid.self) { try ImageReference.parse("host:5000//app") }
    }

    @Test func sourceSpecPrefixes() throws {
        let none: (String) -> Bool = { _ in false }
        #expect(try SourceSpec.parse("registry://127.0.0.1:5000/w:1", exists: none) ==
                SourceSpec(kind: .registry, target: "127.0.0.1:5000/w:1", display: "registry://127.0.0.1:5000/w:1"))
        #expect(try SourceSpec.parse("oci-archive:x.tar", exists: none).kind == .ociArchive)
        #expect(try SourceSpec.parse("oci:dir", exists: none) == SourceSpec(kind: .oci, target: "dir", display: "oci:dir"))
        #expect(try SourceSpec.parse("docker-archive:a.tar", exists: none).target == "a.tar")
        #expect(try SourceSpec.parse("docker://app", exists: none).kind == .docker)
        #expect(try SourceSpec.parse("podman://app:2", exists: none).target == "app:2")
        // not a path: the engine, as dive does; a path-looking name stays a (missing) file
        #expect(try SourceSpec.parse("nginx:latest", exists: none) == SourceSpec(kind: .docker, target: "nginx:latest", display: "nginx:latest", implicit: true))
        #expect(try SourceSpec.parse("missing.tar", exists: none).kind == nil)
        #expect(try SourceSpec.parse("/no/such", exists: none).kind == nil)
        #expect(try SourceSpec.parse("-", exists: none).kind == nil)
        #expect(try SourceSpec.parse("nginx:latest", exists: { _ in true }).kind == nil)
        #expect(try SourceSpec.parse("x.tar", source: "docker-archive", exists: none).kind == .dockerArchive)
        #expect(throws: SourceError.self) { try SourceSpec.parse("x", source: "ftp", exists: none) }
        #expect(throws: SourceError.self) { try SourceSpec.parse("docker://x", source: "registry", exists: none) }
    }

    @Test func engineNamesDefaultToLatest() throws {
        #expect(ImageSources.engineName("wasteful") == "wasteful:latest")
        #expect(ImageSources.engineName("wasteful:1") == "wasteful:1")
        #expect(ImageSources.engineName("localhost:5000/app") == "localhost:5000/app:latest")
        #expect(ImageSources.engineName("app@sha256:00") == "app@sha256:00")
        #expect(try EngineEndpoint.docker(["DOCKER_HOST": "unix:///tmp/d.sock"]).socket == "/tmp/d.sock")
        #expect(try EngineEndpoint.docker(["HOME": "/nonexistent"]).socket == "/var/run/docker.sock")
        #expect(throws: SourceError.self) { try EngineEndpoint.docker(["DOCKER_HOST": "tcp://1.2.3.4:2375"]) }
    }
}

@Suite struct AuthTests {
    @Test func bearerChallenge() throws {
        let c = try #require(AuthChallenge.parse(#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#))
        #expect(c.scheme == "bearer")
        #expect(c.parameters == ["realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                                 "scope": "repository:library/nginx:pull"])
    }

    @Test func basicChallengeAndOddSpacing() throws {
        #expect(AuthChallenge.parse(#"Basic realm="Registry Realm""#) == AuthChallenge(scheme: "basic", parameters: ["realm": "Registry Realm"]))
        let c = try #require(AuthChallenge.parse(#"  Bearer realm = "http://127.0.0.1:1/t" , service=reg, error="insufficient_scope""#))
        #expect(c.parameters["realm"] == "http://127.0.0.1:1/t")
        #expect(c.parameters["service"] == "reg")
        #expect(c.parameters["error"] == "insufficient_scope")
        #expect(AuthChallenge.parse(#"Bearer realm="a\"b""#)?.parameters["realm"] == #"a"b"#)
        #expect(AuthChallenge.parse("") == nil)
    }

    @Test func dockerConfigAuths() throws {
        let json = """
        {"auths": {"127.0.0.1:5000": {"auth": "\(Data("fathom:s3cr:et".utf8).base64EncodedString())"},
                   "https://index.docker.io/v1/": {"auth": "\(Data("hub:pw".utf8).base64EncodedString())"},
                   "http://reg.example:8080/v2/": {"username": "u", "password": "p"}},
         "credHelpers": {"gcr.io": "gcloud"}}
        """
        let config = try AuthFile.parse(Data(json.utf8), path: "config.json", kind: .docker)
        #expect(config.credentials(for: "127.0.0.1:5000") == Credentials(username: "fathom", password: "s3cr:et"))
        #expect(config.credentials(for: "docker.io") == Credentials(username: "hub", password: "pw"))
        #expect(config.credentials(for: "reg.example:8080") == Credentials(username: "u", password: "p"))
        #expect(config.credentials(for: "127.0.0.1:5001") == nil)
        #expect(config.answer(registry: "gcr.io") == .helper("gcloud"))
        #expect(throws: AuthFile.Invalid.self) { try AuthFile.parse(Data(#"{"auths":{"h":{"auth":"!!"}}}"#.utf8), path: "c") }
        #expect(throws: AuthFile.Invalid.self) { try AuthFile.parse(Data("[]".utf8), path: "c") }
    }

    @Test func missingConfigIsEmpty() throws {
        #expect(try AuthFile.load(path: "/nonexistent/config.json", kind: .docker) == nil)
        #expect(AuthFile.dockerPath(environment: ["HOME": "/h"]) == "/h/.docker/config.json")
        #expect(AuthFile.dockerPath(environment: ["HOME": "/h", "DOCKER_CONFIG": "/d"]) == "/d/config.json")
    }
}
