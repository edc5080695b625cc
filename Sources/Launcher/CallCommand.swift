import Foundation
import JSONRPC
import Server
import Domain
#if canImport(Glibc)
import Glibc
#endif

/// `model-lifecycle call METHOD [PARAMS_JSON]`: one request through the same processor a serving
/// process uses, for a person or a shell script.
///
/// stdout gets the result (indented on a terminal, compact JSON when piped); a failed request
/// prints the error object on stderr and exits 1. On a terminal, `$/progress` and lifecycle
/// notices are shown on stderr as they arrive.
enum CallCommand {
    static func run(_ o: CallOptions) -> Int32 {
        var params: JSONValue? = nil
        if let text = o.params {
            do { params = try JSONParser.parse(Array(text.utf8)) } catch {
                Launcher.writeStderr("model-lifecycle: PARAMS_JSON is not JSON: \(error)\n")
                return ExitCode.usage.rawValue
            }
            guard case .object = params else {
                Launcher.writeStderr("model-lifecycle: PARAMS_JSON must be a JSON object (named params)\n")
                return ExitCode.usage.rawValue
            }
        }
        let platform: Platform
        switch Launcher.openPlatform(o.serve) {
        case .success(let p): platform = p
        case .failure(let f):
            Launcher.writeStderr(f.message)
            return f.exitCode
        }
        let table = Launcher.methodTable(platform: platform, conformanceFixtures: false)
        let terminal = isatty(2) == 1
        let outbox = TerminalOutbox(showProgress: terminal)
        let processor = MessageProcessor(
            table: table, outbox: outbox, actorValidator: DomainMethods.actorValidator(platform: platform))

        var actor: JSONObject = ["userId": .string(o.user), "role": .string(o.role)]
        if let t = o.tenant { actor["tenantId"] = .string(t) }
        if let n = o.name { actor["name"] = .string(n) }
        _ = processor.process(
            .single(
                .request(
                    Request(
                        id: .number(JSONNumber(0)), method: "initialize",
                        params: [
                            "processId": .null, "capabilities": [:], "initializationOptions": ["actor": .object(actor)],
                        ]))))
        if let e = outbox.takeResponse()?["error"] {
            // Say it in the flags the user typed, not in initialize's JSON pointers.
            let flags = [
                "/initializationOptions/actor/tenantId": "--tenant", "/initializationOptions/actor/userId": "--user",
                "/initializationOptions/actor/role": "--as", "/initializationOptions/actor/name": "--name",
            ]
            if let field = e["data"]?["field"]?.stringValue, let flag = flags[field],
                let reason = e["data"]?["reason"]?.stringValue
            {
                Launcher.writeStderr("model-lifecycle: \(flag): \(reason)\n")
            } else {
                Launcher.writeStderr("model-lifecycle: the actor was refused: \(JSONWriter.string(e))\n")
            }
            return 1
        }
        _ = processor.process(.single(.notification(Notification(method: "initialized", params: [:]))))

        // A sysadmin's --tenant is the tenant a tenant-scoped method acts in (params may still name one).
        if o.role == "sysadmin", let t = o.tenant, var p = params?.objectValue ?? (params == nil ? JSONObject() : nil),
            let spec = table.specs.first(where: { $0.name == o.method }), case .named(let fields) = spec.params,
            fields.contains(where: { $0.name == "tenantId" }), p["tenantId"] == nil
        {
            p["tenantId"] = .string(t)
            params = .object(p)
        }
        // Ask for progress when a person watches and the method reports it.
        if terminal, var p = params?.objectValue ?? (params == nil ? JSONObject() : nil),
            let spec = table.specs.first(where: { $0.name == o.method }), case .named(let fields) = spec.params,
            fields.contains(where: { $0.name == "workDoneToken" }), p["workDoneToken"] == nil
        {
            p["workDoneToken"] = "cli"
            params = .object(p)
        }
        _ = processor.process(.single(.request(Request(id: .number(JSONNumber(1)), method: o.method, params: params))))
        outbox.endProgressLine()
        guard let response = outbox.takeResponse() else {
            Launcher.writeStderr("model-lifecycle: no answer to \(o.method)\n")
            return 1
        }
        let pretty = isatty(1) == 1
        if let error = response["error"] {
            Launcher.writeStderr(JSONWriter.string(error, pretty: isatty(2) == 1) + "\n")
            return 1
        }
        Launcher.writeStdout(JSONWriter.string(response["result"] ?? .null, pretty: pretty) + "\n")
        return 0
    }
}

/// Keeps the response; shows progress and notices on stderr when asked to.
final class TerminalOutbox: Outbox {
    private let showProgress: Bool
    private var responses: [JSONValue] = []
    private var progressShown = false

    init(showProgress: Bool) { self.showProgress = showProgress }

    func send(_ message: JSONValue) {
        guard let method = message["method"]?.stringValue else {
            responses.append(message)
            return
        }
        guard showProgress else { return }
        switch method {
        case "$/progress":
            let v = message["params"]?["value"]
            let pct = v?["percentage"]?.numberValue?.text ?? ""
            let text = v?["message"]?.stringValue ?? v?["title"]?.stringValue ?? ""
            Launcher.writeStderr("\r\u{1B}[2K" + (pct.isEmpty ? "" : "[\(pct)%] ") + text)
            progressShown = true
        case LifecycleNotice.method:
            for m in message["params"]?["models"]?.arrayValue ?? [] {
                Launcher.writeStderr(
                    "notice: \(m["name"]?.stringValue ?? "?") is \(m["status"]?.stringValue ?? "?")"
                        + " with \(m["activeReferences"]?.numberValue?.text ?? "?") active references\n")
            }
        default:
            break
        }
    }

    func flush() {}

    func endProgressLine() {
        if progressShown {
            Launcher.writeStderr("\r\u{1B}[2K")
            progressShown = false
        }
    }

    func takeResponse() -> JSONValue? { responses.isEmpty ? nil : responses.removeFirst() }
}
