import Foundation
import Testing
@testable import FathomSources

/// Where registry credentials come from: containers auth files before Docker's config, namespace keys
/// before host keys, credential helpers run by their protocol (helper scripts written by the test).
@Suite struct CredentialTests {
    /// A temporary home with the given files (path relative to it → contents), and helper scripts in `bin/`.
    final class Home {
        let root: URL
        init(_ files: [String: String], helpers: [String: String] = [:]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-cred-\(UUID().uuidString)")
            for (path, text) in files { try write(path, text) }
            for (name, body) in helpers {
                try write("bin/docker-credential-\(name)", "#!/bin/sh\n" + body + "\n")
                chmod(root.appendingPathComponent("bin/docker-credential-\(name)").path, 0o755)
            }
        }
        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        var environment: [String: String] { ["HOME": root.path, "PATH": root.path + "/bin:/usr/bin:/bin"] }
        func store(_ extra: [String: String] = [:], timeout: Double = 10) throws -> CredentialStore {
            try CredentialStore(environment: environment.merging(extra) { $1 }, timeoutSeconds: timeout)
        }
        deinit { try? FileManager.default.removeItem(at: root) }
    }

    static func auth(_ user: String, _ password: String) -> String { Data("\(user):\(password)".utf8).base64EncodedString() }

    @Test func containersFilesComeFirstAndNamespacesBeforeHosts() throws {
        let home = try Home([
            ".config/containers/auth.json": """
                {"auths": {"quay.io/org/app": {"auth": "\(Self.auth("app", "1"))"}, "quay.io/org": {"auth": "\(Self.auth("org", "2"))"},
                           "quay.io": {"auth": "\(Self.auth("host", "3"))"}}}
                """,
            ".docker/config.json": """
                {"auths": {"quay.io": {"auth": "\(Self.auth("docker", "4"))"}, "ghcr.io": {"identitytoken": "refresh-me"}}}
                """,
            "run/containers/auth.json": #"{"auths": {"quay.io/org/app": {"auth": "\#(Self.auth("runtime", "5"))"}}}"#,
        ])
        let store = try home.store()
        #expect(try store.credentials(registry: "quay.io", repository: "org/app/sub")?.credentials.username == "app")
        #expect(try store.credentials(registry: "quay.io", repository: "org/other")?.credentials.username == "org")
        #expect(try store.credentials(registry: "quay.io", repository: "elsewhere/x")?.origin == "in ~/.config/containers/auth.json")
        #expect(try store.credentials(registry: "quay.io", repository: "elsewhere/x")?.credentials.username == "host")
        let token = try #require(try store.credentials(registry: "ghcr.io", repository: "a/b"))
        #expect(token.credentials.isIdentityToken && token.credentials.password == "refresh-me" && token.origin == "in ~/.docker/config.json")
        #expect(try store.credentials(registry: "127.0.0.1:5000", repository: "x") == nil)
        // XDG_RUNTIME_DIR's file is read first; REGISTRY_AUTH_FILE takes its place
        let runtime = try home.store(["XDG_RUNTIME_DIR": home.root.path + "/run"])
        #expect(try runtime.credentials(registry: "quay.io", repository: "org/app")?.credentials.username == "runtime")
        let explicit = try home.store(["XDG_RUNTIME_DIR": home.root.path + "/run", "REGISTRY_AUTH_FILE": home.root.path + "/.docker/config.json"])
        #expect(try explicit.credentials(registry: "quay.io", repository: "org/app")?.credentials.username == "docker",
                "REGISTRY_AUTH_FILE is read first, in place of the runtime file")
        #expect(try explicit.credentials(registry: "quay.io", repository: "org/app")?.origin == "in ~/.docker/config.json")
        #expect(CredentialStore.containersPaths(["HOME": "/h", "XDG_CONFIG_HOME": "/x"]) == ["/x/containers/auth.json"])
    }

    @Test func helpersByTheirProtocol() throws {
        let home = try Home([
            ".docker/config.json": """
                {"auths": {"good.example": {"auth": "\(Self.auth("ignored", "x"))"}},
                 "credsStore": "good",
                 "credHelpers": {"fail.example": "fail", "slow.example": "slow", "garbage.example": "garbage",
                                 "missing.example": "missing", "none.example": "none", "hub": "good", "docker.io": "echo",
                                 "token.example": "token"}}
                """,
        ], helpers: [
            "good": #"read url; printf '{"ServerURL":"%s","Username":"fathom","Secret":"s3cret"}' "$url""#,
            "echo": #"url=$(cat); printf '{"ServerURL":"%s","Username":"%s","Secret":"x"}' "$url" "$url""#,
            "token": #"printf '{"ServerURL":"t","Username":"<token>","Secret":"refresh-123"}'"#,
            "fail": "echo 'error getting credentials - err: exit status 1, out: `GPG key locked`' >&2; exit 3",
            "none": "echo 'credentials not found in native keychain'; exit 1",
            "slow": "sleep 30",
            "garbage": "echo 'Username=fathom Secret=s3cret-in-garbage'",
        ])
        let store = try home.store(timeout: 1)
        let good = try #require(try store.credentials(registry: "good.example", repository: "a"))
        #expect(good.credentials == Credentials(username: "fathom", password: "s3cret"))
        #expect(good.origin == "from docker-credential-good (credsStore of ~/.docker/config.json)", "credsStore wins over auths, as in the Docker CLI")
        #expect(try store.credentials(registry: "docker.io", repository: "library/debian")?.credentials.username == "https://index.docker.io/v1/",
                "Docker Hub's key is https://index.docker.io/v1/")
        #expect(try store.credentials(registry: "token.example", repository: "a")?.credentials.isIdentityToken == true)
        #expect(try store.credentials(registry: "none.example", repository: "a") == nil, "not found: anonymous")
        #expect(store.missingNote(registry: "none.example", repository: "a")
            == "no credentials for none.example in ~/.docker/config.json; credential helper docker-credential-none (credHelpers of ~/.docker/config.json) has none for it")
        func failure(_ registry: String) -> String {
            do { _ = try store.credentials(registry: registry, repository: "a"); return "no error" } catch { return "\(error)" }
        }
        #expect(failure("fail.example") == "credential helper docker-credential-fail (credHelpers of ~/.docker/config.json) for fail.example: failed (exit status 3): error getting credentials - err: exit status 1, out: `GPG key locked`")
        #expect(failure("missing.example").hasSuffix("for missing.example: is not installed (no docker-credential-missing in PATH)"))
        let start = Date()
        #expect(failure("slow.example").hasSuffix("for slow.example: did not answer within 1 s (--timeout)"))
        #expect(Date().timeIntervalSince(start) < 10)
        let garbage = failure("garbage.example")
        #expect(garbage.hasSuffix(#"answered something that is not {"ServerURL", "Username", "Secret"} JSON"#))
        #expect(!garbage.contains("s3cret"), "a helper's output never reaches a message")
    }

    @Test func aHostileHelperNameIsRefused() throws {
        let home = try Home([".docker/config.json": #"{"credsStore": "../../bin/sh"}"#])
        #expect(throws: CredentialStore.HelperError.self) { try home.store().credentials(registry: "a.example", repository: "b") }
    }
}
