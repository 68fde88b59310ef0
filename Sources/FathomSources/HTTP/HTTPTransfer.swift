import CCurl
import FathomCore
import Foundation

/// One HTTP request, performed by libcurl on a thread of its own.
///
/// The caller waits for the response's status and headers (`waitForResponse`), then reads the body
/// as a `BlockSource`: blocks arrive in a bounded queue, and the curl thread waits while the queue
/// is full (backpressure), so at most about `queueBytes` of a body is in memory. The transfer ends
/// with an error, never a hang, when the server sends fewer bytes than `TransferLimits` ask for in a
/// window, passes a deadline, or sends more than `maximumBytes`.
final class HTTPTransfer: BlockSource, @unchecked Sendable {
    let request: HTTPRequest
    /// Turns a failure seen while the body is read into the error the reader sees (a `SourceError`).
    var describeFailure: (@Sendable (TransferFailure, _ receivedBytes: Int64) -> Error)?

    private let condition = NSCondition()
    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private var headerBytes = 0
    private var headersComplete = false
    private var queue = BlockFIFO()
    private var current: [UInt8] = []
    private let queueBytes = 4 << 20
    private var performed = false
    private var outcome = CURLE_OK
    private var curlMessage = ""
    private var osErrno: Int = 0
    private var abortReason: TransferFailure?
    private var closed = false
    private(set) var receivedBytes: Int64 = 0
    private let onBytes: (@Sendable (Int) -> Void)?
    // the rate watch: bytes since `windowStart` (monotonic nanoseconds); time spent waiting for the
    // reader moves the window's start, so that a slow reader never looks like a slow server
    private var windowStart: UInt64 = 0
    private var windowBytes: Int64 = 0
    private var deadline: UInt64 = .max

    /// Headers beyond this many bytes are an error (libcurl takes up to 100 KiB a line).
    static let maximumHeaderBytes = 256 << 10

    init(_ request: HTTPRequest, onBytes: (@Sendable (Int) -> Void)? = nil) {
        self.request = request
        self.onBytes = onBytes
    }

    /// Starts the request on its own thread.
    func start() {
        let now = Self.now()
        windowStart = now
        if let seconds = request.limits.deadlineSeconds { deadline = now + UInt64(seconds * 1e9) }
        let thread = Thread { [self] in perform() }
        thread.name = "fathom-http"
        thread.start()
    }

    /// Waits for the status line and headers of the final response (not a 1xx).
    /// - Throws: `TransferFailure` when the transfer ended before them (refused, TLS, timed out…).
    func waitForResponse() throws -> HTTPResponse {
        condition.lock()
        defer { condition.unlock() }
        while !headersComplete && !performed { condition.wait() }
        if headersComplete { return HTTPResponse(status: status, headers: headers) }
        throw failureLocked() ?? .closedEarly
    }

    // MARK: the body

    func next() throws -> UnsafeRawBufferPointer {
        condition.lock()
        while queue.isEmpty && !performed && !closed { condition.wait() }
        if let block = queue.popFirst() {
            current = block
            condition.broadcast()
            condition.unlock()
            return current.withUnsafeBytes { $0 }
        }
        var failure = closed ? nil : failureLocked()
        if failure == nil, !closed, let expected = request.expectedBytes, receivedBytes != expected {
            failure = .shortBody(expected: expected)
        }
        let received = receivedBytes
        condition.unlock()
        if let failure { throw describeFailure?(failure, received) ?? failure }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    func close() {
        condition.lock()
        closed = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Reads the whole body (it must fit `request.maximumBytes`).
    func readAll() throws -> [UInt8] {
        defer { close() }
        var bytes: [UInt8] = []
        while true {
            let block = try next()
            if block.isEmpty { return bytes }
            bytes.append(contentsOf: block)
        }
    }

    /// Reads at most `limit` bytes of the body (an error answer, for its message), then closes the
    /// transfer; a failure only ends the bytes early.
    func readPrefix(_ limit: Int) -> [UInt8] {
        defer { close() }
        var bytes: [UInt8] = []
        while bytes.count < limit, let block = try? next(), !block.isEmpty {
            bytes.append(contentsOf: block.prefix(limit - bytes.count))
        }
        return bytes
    }

    // MARK: the curl thread

    private func perform() {
        guard fathom_curl_load() != 0 else {
            condition.lock()
            performed = true
            abortReason = .other(String(cString: fathom_curl_error()))
            condition.broadcast()
            condition.unlock()
            return
        }
        let handle = CurlHandlePool.shared.take()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in request.headers { headerList = fathom_curl_slist_append(headerList, "\(name): \(value)") }
        let me = Unmanaged.passUnretained(self).toOpaque()

        fathom_curl_set_string(handle, CURLOPT_URL, request.url)
        fathom_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        fathom_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        fathom_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        fathom_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(request.limits.windowSeconds, 10) * 1000))
        fathom_curl_set_long(handle, CURLOPT_BUFFERSIZE, 256 << 10)
        fathom_curl_set_long(handle, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        fathom_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        fathom_curl_set_slist(handle, CURLOPT_HTTPHEADER, headerList)
        fathom_curl_set_string(handle, CURLOPT_USERAGENT, "fathom/\(FathomVersion.current)")
        // fathom chose (ProxySettings): curl must not look at the environment's proxy variables itself
        fathom_curl_set_string(handle, CURLOPT_PROXY, request.proxy?.url ?? "")
        fathom_curl_set_string(handle, CURLOPT_NOPROXY, "")
        if let socket = request.unixSocketPath { fathom_curl_set_string(handle, CURLOPT_UNIX_SOCKET_PATH, socket) }
        if request.method == "POST" {
            fathom_curl_set_long(handle, CURLOPT_POST, 1)
            // COPYPOSTFIELDS: curl keeps its own copy (the Swift buffer lives only for the call)
            var body = request.body ?? []
            fathom_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            body.append(0)
            _ = body.withUnsafeMutableBytes { fathom_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
        }
        fathom_curl_set_write(handle, CURLOPT_HEADERFUNCTION) { data, size, count, me in
            Unmanaged<HTTPTransfer>.fromOpaque(me!).takeUnretainedValue().header(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        fathom_curl_set_pointer(handle, CURLOPT_HEADERDATA, me)
        fathom_curl_set_write(handle, CURLOPT_WRITEFUNCTION) { data, size, count, me in
            Unmanaged<HTTPTransfer>.fromOpaque(me!).takeUnretainedValue().body(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        fathom_curl_set_pointer(handle, CURLOPT_WRITEDATA, me)
        fathom_curl_set_long(handle, CURLOPT_NOPROGRESS, 0)
        fathom_curl_set_xferinfo(handle) { me, _, _, _, _ in
            Unmanaged<HTTPTransfer>.fromOpaque(me!).takeUnretainedValue().tick()
        }
        fathom_curl_set_pointer(handle, CURLOPT_XFERINFODATA, me)

        let code = fathom_curl_easy_perform(handle)
        var osError: Int = 0
        _ = withUnsafeMutablePointer(to: &osError) { fathom_curl_os_errno(handle, $0) }
        condition.lock()
        performed = true
        outcome = code
        osErrno = osError
        curlMessage = String(cString: errorBuffer)
        condition.broadcast()
        condition.unlock()
        fathom_curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        CurlHandlePool.shared.give(handle)
    }

    /// One header line of a response (curl calls this for interim and final responses alike).
    private func header(_ line: UnsafeRawBufferPointer) -> Int {
        condition.lock()
        defer { condition.unlock() }
        if closed { return 0 }
        headerBytes += line.count
        windowBytes += Int64(line.count)
        if headerBytes > Self.maximumHeaderBytes { abortReason = .headersTooLarge(Self.maximumHeaderBytes); return 0 }
        switch HeaderLine(line) {
        case let .status(code):
            status = code
            headers = []
        case .end:
            if status >= 200 { headersComplete = true; condition.broadcast() }
        case let .field(name, value):
            headers.append((name, value))
        case .other:
            break
        }
        return line.count
    }

    /// Body bytes: queued for the reader; waits while the queue is full.
    private func body(_ bytes: UnsafeRawBufferPointer) -> Int {
        condition.lock()
        defer { condition.unlock() }
        if closed { return 0 }
        if let maximum = request.maximumBytes, receivedBytes + Int64(bytes.count) > maximum {
            abortReason = .tooLarge(maximum)
            return 0
        }
        receivedBytes += Int64(bytes.count)
        windowBytes += Int64(bytes.count)
        queue.append(Array(bytes))
        condition.broadcast()
        if queue.queuedBytes >= queueBytes {
            let waitStart = Self.now()
            while queue.queuedBytes >= queueBytes && !closed { condition.wait() }
            windowStart += Self.now() - waitStart
        }
        onBytes?(bytes.count)
        return closed ? 0 : bytes.count
    }

    /// curl's progress callback, at least once a second: the rate watch and the deadline. Non-zero aborts.
    private func tick() -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        if closed { return 1 }
        let now = Self.now()
        if now > deadline {
            abortReason = .deadline(request.limits.deadlineSeconds ?? 0)
            return 1
        }
        let window = request.limits.windowSeconds
        if now - windowStart >= UInt64(window * 1e9) {
            if windowBytes < request.limits.minimumBytes {
                abortReason = .tooSlow(bytes: windowBytes, seconds: window, minimumBytes: request.limits.minimumBytes)
                return 1
            }
            windowStart = now
            windowBytes = 0
        }
        return 0
    }

    /// What went wrong, once the transfer is over (nil: it completed).
    private func failureLocked() -> TransferFailure? {
        if let abortReason { return abortReason }
        guard performed, outcome != CURLE_OK else { return nil }
        return TransferFailure(code: outcome, message: curlMessage, osErrno: osErrno, proxy: request.proxy?.url)
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// One line of a response's header block, as libcurl hands it over (with its line ending).
enum HeaderLine: Equatable {
    /// `HTTP/1.1 404 Not Found`, `HTTP/2 200`: the status code (0 when unreadable).
    case status(Int)
    /// The empty line that ends a header block.
    case end
    /// `Name: value`, the name lowercased, the value trimmed.
    case field(String, String)
    case other

    init(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        while end > 0 && (line[end - 1] == 0x0A || line[end - 1] == 0x0D) { end -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<end]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            let fields = text.split(separator: " ", maxSplits: 2)
            self = .status(fields.count > 1 ? Int(fields[1].prefix(3)) ?? 0 : 0)
        } else if text.isEmpty {
            self = .end
        } else if let colon = text.firstIndex(of: ":") {
            self = .field(text[..<colon].lowercased(), String(text[text.index(after: colon)...]).trimmingSpaces())
        } else {
            self = .other
        }
    }
}

/// libcurl easy handles kept for reuse: a handle keeps its connections, DNS answers and TLS
/// sessions, so the requests of one image reuse them.
final class CurlHandlePool: @unchecked Sendable {
    static let shared = CurlHandlePool()
    private let lock = NSLock()
    private var idle: [UnsafeMutableRawPointer] = []

    private init() { fathom_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }

    func take() -> UnsafeMutableRawPointer {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? fathom_curl_easy_init()
    }

    func give(_ handle: UnsafeMutableRawPointer) {
        fathom_curl_easy_reset(handle)
        lock.lock()
        defer { lock.unlock() }
        if idle.count < 8 { idle.append(handle) } else { fathom_curl_easy_cleanup(handle) }
    }
}
