import Foundation

/// A Docker credential helper, `docker-credential-NAME get`, run the way the Docker CLI runs it
/// (docker-credential-helpers' protocol): the server URL on standard input, one JSON object
/// `{"ServerURL","Username","Secret"}` on standard output; "credentials not found" and a non-zero
/// exit mean the helper has none.
struct CredentialHelper {
    /// The helper's name as configured (`pass`, `ecr-login`).
    var name: String
    var environment: [String: String]
    /// Longest the helper may take, in seconds (`--timeout`).
    var timeoutSeconds: Double

    /// The command's name, `docker-credential-NAME`.
    var command: String { "docker-credential-" + name }

    /// Answers larger than this are refused (a helper's answer is a few hundred bytes).
    static let maximumAnswerBytes = 64 << 10

    /// What went wrong, without anything the helper printed on success (its secret).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The key a helper stores a registry under: Docker Hub's is `https://index.docker.io/v1/`, any
    /// other registry's its host (and port).
    static func serverURL(registry: String) -> String {
        AuthFile.normalize(registry, .docker) == "docker.io" ? "https://index.docker.io/v1/" : registry
    }

    /// Runs `get` for a registry.
    /// - Returns: The credentials, or nil when the helper has none for it.
    /// - Throws: `Failure` when the helper is missing, fails, times out or answers something that
    ///   is not its protocol's JSON.
    func get(registry: String) throws -> Credentials? {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
            throw Failure(description: "is not a credential helper's name")
        }
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw Failure(description: "is not installed (no \(command) in PATH)") }

        // The server URL goes into the pipe before the helper starts: a helper that exits without
        // reading cannot make the write fail (or raise SIGPIPE).
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        func closeOnExec(_ fds: inout [Int32]) -> Bool {
            guard pipe(&fds) == 0 else { return false }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return true
        }
        guard closeOnExec(&input), closeOnExec(&output), closeOnExec(&errors) else {
            throw Failure(description: "could not be started: \(String(cString: strerror(errno)))")
        }
        let url = Array(Self.serverURL(registry: registry).utf8)
        _ = url.withUnsafeBytes { write(input[1], $0.baseAddress, $0.count) }
        close(input[1])
        let pid: pid_t
        do { pid = try Self.spawn(path, stdin: input[0], stdout: output[1], stderr: errors[1], environment: environment) } catch {
            for fd in [input[0], output[0], output[1], errors[0], errors[1]] { close(fd) }
            throw error
        }
        for fd in [input[0], output[1], errors[1]] { close(fd) }
        let stdout = BoundedReader(output[0], limit: Self.maximumAnswerBytes)
        let stderr = BoundedReader(errors[0], limit: Self.maximumAnswerBytes)
        let exited = DispatchSemaphore(value: 0)
        let status = ExitStatus()
        Thread.detachNewThread {
            var st: Int32 = 0
            while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
            status.value = st
            exited.signal()
        }
        if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(-pid, SIGKILL)   // the helper's process group: its children too
            _ = exited.wait(timeout: .now() + 5)
            throw Failure(description: "did not answer within \(Self.seconds(timeoutSeconds)) (--timeout)")
        }
        // a helper's own children may keep the pipes open: wait a little, not for them
        let answer = stdout.wait(seconds: 2), complaint = stderr.wait(seconds: 2)
        let st = status.value
        guard st & 0x7f == 0 else { throw Failure(description: "was killed by signal \(st & 0x7f)") }
        let exitStatus = (st >> 8) & 0xff
        let text = String(decoding: answer.bytes, as: UTF8.self)
        if exitStatus != 0 {
            if text.contains("credentials not found") { return nil }
            let said = [text, String(decoding: complaint.bytes, as: UTF8.self)]
                .flatMap { $0.split(whereSeparator: \.isNewline) }.last.map { ": " + oneLine(String($0), limit: 120) } ?? ""
            throw Failure(description: "failed (exit status \(exitStatus))\(said)")
        }
        guard !answer.truncated, let json = try? JSONSerialization.jsonObject(with: Data(answer.bytes)) as? [String: Any],
              let username = json["Username"] as? String, let secret = json["Secret"] as? String else {
            throw Failure(description: "answered something that is not {\"ServerURL\", \"Username\", \"Secret\"} JSON")
        }
        if secret.isEmpty { return nil }
        return Credentials(username: username, password: secret)
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }
}

extension CredentialHelper {
    /// Starts `path get` in a process group of its own, with the given descriptors as its standard streams.
    static func spawn(_ path: String, stdin: Int32, stdout: Int32, stderr: Int32, environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), strdup("get"), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Failure(description: "could not be started: \(String(cString: strerror(rc)))") }
        return pid
    }
}

private final class ExitStatus: @unchecked Sendable {
    var value: Int32 = 0
}

/// Reads a pipe to its end on a thread of its own, keeping at most `limit` bytes; closes it.
private final class BoundedReader: @unchecked Sendable {
    private var data = [UInt8]()
    private var overflow = false
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()

    init(_ fd: Int32, limit: Int) {
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 16 << 10)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                lock.withLock {
                    let room = max(0, limit - data.count)
                    data.append(contentsOf: chunk.prefix(min(n, room)))
                    if n > room { overflow = true }
                }
            }
            close(fd)
            done.signal()
        }
    }

    /// What was read so far, after waiting up to `seconds` for the end.
    func wait(seconds: Double) -> (bytes: [UInt8], truncated: Bool) {
        let finished = done.wait(timeout: .now() + seconds) == .success
        return lock.withLock { (data, overflow || !finished) }
    }
}
