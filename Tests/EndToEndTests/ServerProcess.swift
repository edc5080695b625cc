import Foundation
import XCTest
import JSONRPC

/// The built `model-lifecycle` binary, spawned over pipes, with an independent frame reader.
///
/// stdout and stderr are drained concurrently on their own threads (waiting for exit before
/// reading deadlocks past 64 KiB of output).
final class ServerProcess: @unchecked Sendable {
    /// `$MODEL_LIFECYCLE_BINARY`, else the binary built next to this test executable.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("model-lifecycle")
    }

    let process = Process()
    private let stdinPipe = Pipe(), stdoutPipe = Pipe(), stderrPipe = Pipe()
    private let lock = NSCondition()
    private var outBuffer: [UInt8] = []
    private var messages: [JSONValue] = []
    private var stderrBytes: [UInt8] = []
    private var stdoutClosed = false
    private var stderrClosed = false
    private var allStdout: [UInt8] = []
    private(set) var framingViolation: String?

    /// The store directory the process serves (a fresh temporary one unless `--store` is given).
    let storeDirectory: String

    /// A fresh temporary store: a new database when `MODEL_LIFECYCLE_TEST_POSTGRES` names a
    /// server (the PostgreSQL runs of the suite), else a directory path (not created).
    static func temporaryStore() -> String {
        if let uri = TestDatabases.shared.fresh() { return uri }
        let path = NSTemporaryDirectory() + "model-lifecycle-test-" + UUID().uuidString.lowercased()
        TemporaryStores.shared.register(path)
        return path
    }

    init(
        _ arguments: [String] = ["--conformance-fixtures"], store: String? = nil, environment: [String: String]? = nil,
        currentDirectory: String? = nil, executable: String? = nil
    ) throws {
        signal(SIGPIPE, SIG_IGN)  // writing to a server that has exited must fail the write, not kill the tests
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Self.binary
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        var args = arguments
        if let i = args.firstIndex(of: "--store"), i + 1 < args.count {
            storeDirectory = args[i + 1]
        } else {
            storeDirectory = store ?? Self.temporaryStore()
            if executable == nil && !["--version", "--help", "openrpc", "verify"].contains(args.first ?? "") {
                args += ["--store", storeDirectory]
            }
        }
        process.arguments = args
        var env = environment ?? ProcessInfo.processInfo.environment
        // No catalog unless a test names one (by flag, or by the variable in `environment`): the
        // machine's (an installed litellm, ../shared beside the checkout) would change the answers.
        env["MODEL_LIFECYCLE_CATALOG"] = environment?["MODEL_LIFECYCLE_CATALOG"] ?? "none"
        env["MODEL_LIFECYCLE_STORE"] = nil
        // Nor provider exports a developer's shell names.
        env["MODEL_LIFECYCLE_SOURCES"] = environment?["MODEL_LIFECYCLE_SOURCES"]
        // Every result of every end-to-end test is checked against the schema openrpc.json publishes.
        env["MODEL_LIFECYCLE_CHECK_RESULTS"] = env["MODEL_LIFECYCLE_CHECK_RESULTS"] ?? "1"
        process.environment = env
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        startDraining(
            stdoutPipe.fileHandleForReading,
            stopWhen: { [self] in
                lock.lock()
                defer { lock.unlock() }
                return stdoutCloseRequested
            }
        ) { [self] chunk in
            lock.lock()
            if chunk.isEmpty {
                stdoutClosed = true
            } else {
                allStdout.append(contentsOf: chunk)
                outBuffer.append(contentsOf: chunk)
                parseFrames()
            }
            lock.broadcast()
            lock.unlock()
        }
        startDraining(stderrPipe.fileHandleForReading) { [self] chunk in
            lock.lock()
            if chunk.isEmpty { stderrClosed = true } else { stderrBytes.append(contentsOf: chunk) }
            lock.broadcast()
            lock.unlock()
        }
    }

    private func startDraining(
        _ handle: FileHandle, stopWhen: @escaping @Sendable () -> Bool = { false },
        _ sink: @escaping @Sendable ([UInt8]) -> Void
    ) {
        let fd = handle.fileDescriptor
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                if stopWhen() {
                    try? handle.close()
                    sink([])
                    return
                }
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    sink([])
                    return
                }
                sink(Array(buf[0..<n]))
            }
        }
    }

    /// Strict reading of what the server writes: only `Content-Length` headers, exact bodies.
    private func parseFrames() {
        while true {
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: outBuffer) else { return }
            let header = String(decoding: outBuffer[0..<headerEnd], as: UTF8.self)
            guard header.hasPrefix("Content-Length: "), let n = Int(header.dropFirst(16)) else {
                framingViolation = "bad header: \(header.prefix(80))"
                outBuffer.removeAll()
                return
            }
            guard outBuffer.count >= headerEnd + 4 + n else { return }
            let body = Array(outBuffer[(headerEnd + 4)..<(headerEnd + 4 + n)])
            outBuffer.removeFirst(headerEnd + 4 + n)
            do { messages.append(try JSONParser.parse(body, options: .answers)) } catch {
                framingViolation = "body is not JSON: \(error)"
            }
        }
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count)
        where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    // MARK: sending

    /// Writes to the server's stdin; a server that has exited makes this a no-op (Foundation's
    /// `FileHandle.write` would trap on EPIPE).
    func sendRaw(_ bytes: [UInt8]) {
        let fd = stdinPipe.fileHandleForWriting.fileDescriptor
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ json: JSONValue) { sendRaw(Self.frame(json)) }

    static func frame(_ json: JSONValue) -> [UInt8] {
        let body = JSONWriter.serialize(json)
        return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    func request(_ id: Int, _ method: String, _ params: JSONValue? = nil) {
        var o: JSONObject = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if let params { o["params"] = params }
        send(.object(o))
    }

    func notify(_ method: String, _ params: JSONValue? = nil) {
        var o: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { o["params"] = params }
        send(.object(o))
    }

    func closeStdin() { try? stdinPipe.fileHandleForWriting.close() }
    /// Stops reading the server's stdout: the drain thread closes the pipe after its next read
    /// (closing it under a blocked read would let the descriptor number be reused meanwhile).
    func closeStdout() {
        lock.lock()
        stdoutCloseRequested = true
        lock.unlock()
    }
    private var stdoutCloseRequested = false

    // MARK: receiving

    /// Waits for the response with this id; returns it with everything that came before it.
    func response(
        to id: JSONValue, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line
    ) -> (JSONValue, [JSONValue])? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let k = messages.firstIndex(where: { $0["id"] == id && $0["method"] == nil }) {
                let before = Array(messages[0..<k])
                let r = messages[k]
                messages.removeFirst(k + 1)
                return (r, before)
            }
            if stdoutClosed || !lock.wait(until: deadline) {
                XCTFail(
                    "no response to \(id) (stdout closed: \(stdoutClosed)); stderr: \(String(decoding: stderrBytes, as: UTF8.self))",
                    file: file, line: line)
                return nil
            }
        }
    }

    /// Waits until a message matching `predicate` has arrived (without taking it).
    @discardableResult
    func waitFor(timeout: TimeInterval = 20, _ predicate: (JSONValue) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !messages.contains(where: predicate) {
            if stdoutClosed || !lock.wait(until: deadline) { return false }
        }
        return true
    }

    /// Initializes the session (optionally with an actor) and sends `initialized`.
    func initialize(actor: JSONValue? = nil, processId: JSONValue = .null) {
        var params: JSONObject = ["processId": processId, "capabilities": [:]]
        if let actor { params["initializationOptions"] = ["actor": actor] }
        request(0, "initialize", .object(params))
        _ = response(to: 0)
        notify("initialized", [:])
    }

    /// Removes and returns the first received message matching `predicate`, leaving the others
    /// (a response that arrived right behind a notification must stay for `response(to:)`).
    func take(where predicate: (JSONValue) -> Bool) -> JSONValue? {
        lock.lock()
        defer { lock.unlock() }
        guard let k = messages.firstIndex(where: predicate) else { return nil }
        return messages.remove(at: k)
    }

    /// Everything received and not yet taken.
    func takeMessages() -> [JSONValue] {
        lock.lock()
        defer { lock.unlock() }
        let m = messages
        messages.removeAll()
        return m
    }

    /// Everything written to stdout (for commands that print rather than speak the protocol).
    var rawStdout: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return allStdout
    }

    var stderrText: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrBytes, as: UTF8.self)
    }

    /// Waits for the process to exit; nil on timeout (the process is then killed).
    /// On exit it also waits (briefly) until stdout and stderr have been drained to their
    /// ends, so `rawStdout` and `stderrText` are complete when this returns.
    func waitForExit(timeout: TimeInterval = 10) -> (status: Int32, bySignal: Bool)? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        lock.lock()
        let drained = Date().addingTimeInterval(5)
        while !(stderrClosed && stdoutClosed) && lock.wait(until: drained) {}
        lock.unlock()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    deinit { if process.isRunning { process.terminate() } }

    // MARK: domain helpers

    private var nextID = 1000

    /// Sends a request and waits for its response; returns `result` or `error`.
    @discardableResult
    func call(
        _ method: String, _ params: JSONValue = [:], file: StaticString = #filePath, line: UInt = #line
    ) -> JSONValue {
        nextID += 1
        let id = nextID
        request(id, method, params)
        guard let (r, _) = response(to: .int(id), file: file, line: line) else { return .null }
        return r["result"] ?? ["error": r["error"] ?? .null]
    }

    /// Shuts down cleanly and waits for exit code 0.
    func stop(file: StaticString = #filePath, line: UInt = #line) {
        call("shutdown")
        notify("exit")
        XCTAssertEqual(waitForExit()?.status, 0, file: file, line: line)
    }
}

extension JSONValue {
    /// The application error's `data.code`, or the JSON-RPC code as text, when this is `{error}`.
    var errorCode: String? {
        guard let e = self["error"] else { return nil }
        return e["data"]?["code"]?.stringValue ?? e["code"]?.numberValue?.text
    }
    var id: String { self["id"]?.stringValue ?? "" }
}

/// Removes the temporary stores of the test run when the bundle finishes.
final class TemporaryStores: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared: TemporaryStores = {
        let t = TemporaryStores()
        XCTestObservationCenter.shared.addTestObserver(t)
        return t
    }()
    private let lock = NSLock()
    private var paths: [String] = []

    func register(_ path: String) {
        lock.lock()
        paths.append(path)
        lock.unlock()
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        lock.lock()
        defer { lock.unlock() }
        for p in paths { try? FileManager.default.removeItem(atPath: p) }
        paths.removeAll()
    }
}

extension XCTestCase {
    /// A server on `store` with a sysadmin session open.
    func sysadminServer(_ store: String, environment: [String: String]? = nil) throws -> ServerProcess {
        let s = try ServerProcess([], store: store, environment: environment)
        s.initialize(actor: Actors.sysadmin)
        return s
    }

    /// Runs a command of the binary to its end: exit status, stdout, stderr.
    func runToEnd(
        _ arguments: [String], environment: [String: String]? = nil
    ) throws -> (status: Int32, out: String, err: String) {
        let p = try ServerProcess(arguments, environment: environment)
        let status = p.waitForExit(timeout: 60)?.status ?? -1
        return (status, String(decoding: p.rawStdout, as: UTF8.self), p.stderrText)
    }
}

extension ServerProcess {
    /// The names of every tenant a full list shows (up to 500).
    var tenantNames: Set<String> {
        Set(call("tenants/list", ["limit": 500])["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
    }
}
