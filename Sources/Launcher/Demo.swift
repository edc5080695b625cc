import Foundation
import JSONRPC
import Domain
import Store
import Server
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `model-lifecycle demo`: builds a realistic platform from the real catalog, starts the server
/// as a child process, and walks through the product over the real protocol, printing each
/// exchange (colour only on a terminal). Runs unattended; exit 0 when every step behaved.
enum Demo {
    static func run(_ o: DemoOptions) -> Int32 {
        let style = Style(enabled: isatty(1) == 1)
        let env = ProcessInfo.processInfo.environment
        let dir = o.store ?? (NSTemporaryDirectory() + "model-lifecycle-demo-" + String(getpid()))
        let temporary = o.store == nil
        defer { if temporary { try? FileManager.default.removeItem(atPath: dir) } }
        // The real catalog, found as every command finds it (CatalogLoader.discover).
        var source = CatalogLoader.discover(flag: o.catalog, environment: env)
        var sampleCatalog: String? = nil
        defer { if let sampleCatalog { try? FileManager.default.removeItem(atPath: sampleCatalog) } }
        if source.path == nil {
            // No LiteLLM map on this machine: a small sample in its format, dated around today.
            let path = NSTemporaryDirectory() + "model-lifecycle-demo-catalog-" + String(getpid()) + ".json"
            do {
                try Data(sample(today: Int(Platform.systemClock() / 86_400_000)).utf8).write(
                    to: URL(fileURLWithPath: path))
            } catch {
                Launcher.writeStderr("model-lifecycle: cannot write a sample catalog: \(error)\n")
                return 1
            }
            sampleCatalog = path
            source = CatalogSource(path: path, origin: "built-in-sample")
            say(
                "No LiteLLM catalog found (--catalog, $MODEL_LIFECYCLE_CATALOG, an installed litellm): using a small built-in sample."
            )
        }
        let catalogPath = source.path!
        let catalog: Catalog
        switch CatalogLoader.load(path: catalogPath) {
        case .success(let c): catalog = c
        case .failure(let e):
            Launcher.writeStderr("model-lifecycle: catalog \(catalogPath): \(e.description)\n")
            return ExitCode.usage.rawValue
        }

        // 1. Seed.
        let now = Platform.systemClock()
        let today = Int(now / 86_400_000)
        say(
            style.title("model-lifecycle demo") + "  store \(PostgresStore<PlatformState>.redacted(dir))"
                + (temporary ? " (temporary)" : "")
                + ", catalog \(catalogPath) (\(catalog.modelCount) models)\n")
        let demo: DemoPlatform
        do {
            let store = try Launcher.openPlatformStore(dir, mode: .serve, environment: env)
            if let held = try? store.read(), !held.allTenants.isEmpty || held.meta != nil {
                Launcher.writeStderr(
                    "model-lifecycle: demo needs a new store; \(store.location) already holds one\n")
                return ExitCode.usage.rawValue
            }
            let ids = Platform(
                store: store, catalog: catalog, catalogSource: source,
                calendar: LifecycleCalendar(today: today))
            let showProgress = isatty(2) == 1
            demo = try DemoPlatform.seed(store: store, catalog: catalog, today: today, now: now, newID: ids.newID) {
                done, total in
                if showProgress {
                    Launcher.writeStderr("\r\u{1B}[2Kimporting the demo platform… \(100 * done / max(total, 1))%")
                }
            }
            if showProgress { Launcher.writeStderr("\r\u{1B}[2K") }
        } catch {
            Launcher.writeStderr("model-lifecycle: cannot build the demo store: \(error)\n")
            return ExitCode.storeUnavailable.rawValue
        }
        say(
            "Seeded two tenants (Acme Health with security classifications, Globex Retail without) from "
                + (sampleCatalog == nil ? "real catalog entries:" : "the built-in sample catalog's entries:")
        )
        for (t, n) in demo.counts.sorted(by: { $0.key < $1.key }) {
            say("  \(t): \(n) assistants, apps and services; thousands of questions")
        }
        say()

        // 2. Talk to a real server process.
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let admin: ChildSession
        let root: ChildSession
        do {
            admin = try ChildSession(
                executable: exe, arguments: ["--store", dir, "--catalog", catalogPath, "--log-level", "warning"],
                actor: ["userId": "ada", "name": "Ada (Acme admin)", "tenantId": .string(demo.acme), "role": "admin"])
            root = try ChildSession(
                executable: exe, arguments: ["--store", dir, "--catalog", catalogPath, "--log-level", "warning"],
                actor: ["userId": "root", "name": "Platform operator", "role": "sysadmin"])
        } catch {
            Launcher.writeStderr("model-lifecycle: cannot start the server: \(error)\n")
            return 1
        }
        var walk = Walkthrough(style: style, admin: admin, root: root, demo: demo)
        let ok = walk.run()
        admin.close()
        root.close()
        say(
            ok
                ? style.ok("\nEvery step behaved as the contract says.")
                : style.bad("\nA step did not behave as expected (see above)."))
        return ok ? 0 : 1
    }
}

extension Demo {
    /// A LiteLLM-format sample for machines without the real map: two providers' lines of chat
    /// models, one deprecated and one retiring relative to `today`, with successors.
    static func sample(today: Int) -> String {
        func date(_ offset: Int) -> String { Formats.formatDate(today + offset) }
        let rows: [(String, String, Int, Int?, String?, Bool, Bool)] = [
            ("sample-gpt-legacy", "openai", 8_192, -30, "sample-gpt-2", false, false),
            ("sample-gpt-1", "openai", 128_000, 20, "sample-gpt-2", true, false),
            ("sample-gpt-1-mini", "openai", 128_000, 45, "sample-gpt-2-mini", false, false),
            ("sample-gpt-2", "openai", 400_000, nil, nil, true, true),
            ("sample-gpt-2-mini", "openai", 400_000, nil, nil, true, true),
            ("sample-gpt-3", "openai", 1_000_000, nil, nil, true, true),
            ("sample-claude-1", "anthropic", 200_000, -10, "sample-claude-2", true, false),
            ("sample-claude-2", "anthropic", 200_000, nil, nil, true, true),
            ("sample-claude-2-haiku", "anthropic", 200_000, nil, nil, true, false),
            ("sample-claude-3", "anthropic", 500_000, nil, nil, true, true),
        ]
        var o = JSONObject()
        for (name, provider, tokens, offset, successor, vision, reasoning) in rows {
            var e: JSONObject = [
                "litellm_provider": .string(provider), "mode": "chat", "max_input_tokens": .int(tokens),
                "max_output_tokens": 16_384, "supports_vision": .bool(vision), "supports_reasoning": .bool(reasoning),
                "supports_function_calling": true,
            ]
            if let offset { e["deprecation_date"] = .string(date(offset)) }
            if let successor { e["successor_model"] = .string(successor) }
            o[name] = .object(e)
        }
        return JSONWriter.string(.object(o), pretty: true)
    }
}

/// One line of the demo's output on stdout (the demo speaks to a person, not the protocol).
func say(_ line: String = "") { Launcher.writeStdout(line + "\n") }

/// ANSI styling, only on a terminal.
struct Style {
    let enabled: Bool
    func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func title(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func ok(_ s: String) -> String { wrap(s, "32") }
    func bad(_ s: String) -> String { wrap(s, "31") }
    func warn(_ s: String) -> String { wrap(s, "33") }
}

/// A server child process with a session open.
final class ChildSession {
    private let process = Process()
    private let input: FileHandle
    private let outputFD: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    /// Notifications received (method, params), oldest first.
    private(set) var notifications: [(String, JSONValue)] = []

    init(executable: String, arguments: [String], actor: JSONValue) throws {
        let inPipe = Pipe()
        let outPipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = FileHandle.standardError
        try process.run()
        input = inPipe.fileHandleForWriting
        outputFD = outPipe.fileHandleForReading.fileDescriptor
        let r = call(
            "initialize",
            ["processId": .int(Int(getpid())), "capabilities": [:], "initializationOptions": ["actor": actor]])
        if r["error"] != nil { throw DemoError("initialize refused: \(r)") }
        notify("initialized", [:])
    }

    func notify(_ method: String, _ params: JSONValue) {
        var m: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if params != .null { m["params"] = params }
        send(.object(m))
    }

    private func send(_ message: JSONValue) {
        input.write(Data(FrameEncoder.frame(JSONWriter.serialize(message))))
    }

    /// One request; returns `{result}` or `{error}` (the response without its envelope).
    func call(_ method: String, _ params: JSONValue) -> JSONValue {
        nextID += 1
        let id = nextID
        var m: JSONObject = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if params != .null { m["params"] = params }
        send(.object(m))
        while let message = nextMessage() {
            if let m = message["method"]?.stringValue {
                notifications.append((m, message["params"] ?? .null))
                continue
            }
            if message["id"] == .int(id) {
                if let e = message["error"] { return ["error": e] }
                return ["result": message["result"] ?? .null]
            }
        }
        return ["error": ["message": "the server closed its output"]]
    }

    private func nextMessage() -> JSONValue? {
        while true {
            if let end = headerEnd(), let length = contentLength(end), buffer.count >= end + 4 + length {
                let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return try? JSONParser.parse(body, options: .answers)
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress!, $0.count) }
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
        }
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4)
        where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }

    private func contentLength(_ end: Int) -> Int? {
        let header = String(decoding: buffer[0..<end], as: UTF8.self)
        return header.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) }
    }

    func takeNotifications() -> [(String, JSONValue)] {
        defer { notifications = [] }
        return notifications
    }

    func close() {
        _ = call("shutdown", .null)
        notify("exit", .null)
        try? input.close()
        process.waitUntilExit()
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
