import FathomCore
import Foundation
import Testing
@testable import FathomSources

/// Which engine fathom talks to: Docker's context store and Podman's connections, read from files
/// written the way `docker context create` and `podman system connection add` write them.
@Suite struct EndpointTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-endpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func context(_ config: URL, _ name: String, host: String) throws {
        let dir = config.appendingPathComponent("contexts/meta/" + Digest(sha256Of: Array(name.utf8)).hex)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(#"{"Name":"\#(name)","Metadata":{},"Endpoints":{"docker":{"Host":"\#(host)","SkipTLSVerify":false}}}"#.utf8)
            .write(to: dir.appendingPathComponent("meta.json"))
    }

    @Test func dockerHostThenDockerContextThenCurrentContext() throws {
        let config = try Self.folder()
        defer { try? FileManager.default.removeItem(at: config) }
        try Self.context(config, "colima", host: "unix:///home/u/.colima/docker.sock")
        try Self.context(config, "remote", host: "ssh://builder@host")
        try Data(#"{"auths":{},"currentContext":"colima"}"#.utf8).write(to: config.appendingPathComponent("config.json"))
        let env = ["DOCKER_CONFIG": config.path]
        #expect(try EngineEndpoint.docker(env) == .init(socket: "/home/u/.colima/docker.sock", origin: "Docker context 'colima'"))
        #expect(try EngineEndpoint.docker(env.merging(["DOCKER_CONTEXT": "default"]) { $1 }).socket == "/var/run/docker.sock")
        #expect(try EngineEndpoint.docker(env.merging(["DOCKER_HOST": "unix:///d.sock", "DOCKER_CONTEXT": "remote"]) { $1 }).socket == "/d.sock")
        #expect(throws: SourceError.self) { try EngineEndpoint.docker(env.merging(["DOCKER_CONTEXT": "remote"]) { $1 }) }
        #expect(throws: SourceError.self) { try EngineEndpoint.docker(env.merging(["DOCKER_CONTEXT": "absent"]) { $1 }) }
    }

    @Test func podmanConnectionsFromContainersConfAndPodman5sFile() throws {
        let home = try Self.folder()
        defer { try? FileManager.default.removeItem(at: home) }
        let conf = home.appendingPathComponent("containers.conf")
        try Data("""
            [engine]
              active_service = "machine"
              [engine.service_destinations]
                [engine.service_destinations.machine]
                  uri = "unix:///run/user/1000/podman/podman.sock"
                [engine.service_destinations.far]
                  uri = "ssh://core@10.0.0.2:22/run/podman/podman.sock"
            """.utf8).write(to: conf)
        let env = ["HOME": home.path, "CONTAINERS_CONF": conf.path]
        #expect(try EngineEndpoint.podman(env).first == "/run/user/1000/podman/podman.sock")
        #expect(throws: SourceError.self) { try EngineEndpoint.podman(env.merging(["CONTAINER_CONNECTION": "far"]) { $1 }) }
        #expect(throws: SourceError.self) { try EngineEndpoint.podman(env.merging(["CONTAINER_CONNECTION": "none"]) { $1 }) }
        #expect(try EngineEndpoint.podman(env.merging(["CONTAINER_HOST": "unix:///p.sock"]) { $1 }) == ["/p.sock"])
        // Podman 5's podman-connections.json wins over containers.conf
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".config/containers"), withIntermediateDirectories: true)
        try Data(#"{"Connection":{"Default":"five","Connections":{"five":{"URI":"unix:///five.sock"}}}}"#.utf8)
            .write(to: home.appendingPathComponent(".config/containers/podman-connections.json"))
        #expect(try EngineEndpoint.podman(env).first == "/five.sock")
    }

    @Test func containerdNamesImagesInFull() throws {
        #expect(try ContainerdSource.fullName("app:1", display: "x") == "docker.io/library/app:1")
        #expect(try ContainerdSource.fullName("app", display: "x") == "docker.io/library/app:latest")
        #expect(try ContainerdSource.fullName("registry.k8s.io/pause:3.9", display: "x") == "registry.k8s.io/pause:3.9")
        #expect(throws: SourceError.self) { try ContainerdSource.fullName("../../etc", display: "x") }
    }
}

/// A command whose output fathom stops reading early (`fathom cat` reads `podman save` again only up to
/// the file's layer) runs to its end: closing its pipe at once killed podman with SIGPIPE, which left its
/// temporary files in $TMPDIR.
@Suite struct CommandSourceTests {
    @Test func aCommandReadInPartRunsToItsEnd() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-command-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        let command = try CommandSource("/bin/sh", ["-c", "head -c 8000000 /dev/zero && touch '\(marker.path)'"], label: "test")
        #expect(try command.next().count > 0)
        command.close()
        #expect(command.failure() == nil, "it was not killed by a closed pipe")
        #expect(FileManager.default.fileExists(atPath: marker.path), "it ran to its end")
        #expect(!command.readToEnd, "the reader still stopped early")
    }
}
