import JSONRPC
import Domain
import Transport

/// Handles decoded messages in arrival order: lifecycle, dispatch, params validation, answers.
///
/// Transport-free: it reads `IncomingPayload`s and writes to an `Outbox`, so tests drive it
/// in-process and the stdio runtime drives it from its worker thread.
/// Threading: used by one thread at a time (the worker). It is `@unchecked Sendable`, without a lock,
/// because it is created on the main thread and handed to the worker, its only user from then on
/// (`StdioRuntime.run`); the reader thread never touches it (it reaches cancellations through the
/// locked `CancellationRegistry`).
public final class MessageProcessor: @unchecked Sendable {
    /// What the runtime should do after a message.
    public enum Control: Sendable, Equatable {
        case proceed
        case exit(Int32)
    }

    /// Callbacks into the process around the processor.
    public struct Hooks: Sendable {
        /// Called after `initialize` with the client's process id, to exit when it is gone.
        public var watchClientProcess: @Sendable (Int32) -> Void
        /// Notifications (`[method, params]`) to send once the session is initialized.
        public var afterInitialized: @Sendable (Session) -> [(String, JSONValue)]
        /// Hooks that do nothing.
        public init(
            watchClientProcess: @escaping @Sendable (Int32) -> Void = { _ in },
            afterInitialized: @escaping @Sendable (Session) -> [(String, JSONValue)] = { _ in [] }
        ) {
            self.watchClientProcess = watchClientProcess
            self.afterInitialized = afterInitialized
        }
    }

    /// The session: its phase and its actor.
    public private(set) var session = Session()
    /// Whether the last message ran a handler that may have blocked (see `MethodSpec.mayBlock`).
    public private(set) var lastRequestWasSlow = false
    private let table: MethodTable
    private let outbox: Outbox
    private let cancellation: CancellationRegistry
    private let hooks: Hooks
    private let log: Logger
    private let serverInfo: ServerInfo
    /// Validates the actor of `initialize` against the store (tenant exists); nil accepts any.
    private let actorValidator: (@Sendable (ActorIdentity) -> ParamsError?)?
    /// Shared by requests without a `workDoneToken` (it sends nothing): no allocation per request.
    private let silentProgress = WorkDoneProgress(token: nil, outbox: nil, gate: nil)
    /// Asked before a request sends anything (one for every request: they run one at a time).
    private let gate = EmissionGate()
    private lazy var discoveryDocument: JSONValue = OpenRPCDocument.build(table: table, info: serverInfo)
    /// Whether every result is checked against the schema the method publishes before it is sent
    /// (tests run with it; a mismatch is answered as an internal error naming the member).
    private let checksResults: Bool

    /// A processor of `table`'s methods writing to `outbox`.
    public init(
        table: MethodTable, outbox: Outbox, cancellation: CancellationRegistry = CancellationRegistry(),
        serverInfo: ServerInfo = .current, hooks: Hooks = Hooks(), log: Logger = .silent,
        actorValidator: (@Sendable (ActorIdentity) -> ParamsError?)? = nil, checksResults: Bool = false
    ) {
        var t = table
        for spec in LifecycleMethods.specs { t.registerBuiltin(spec) }
        for spec in LifecycleMethods.serverNotifications { t.registerServerNotification(spec) }
        self.table = t
        self.outbox = outbox
        self.cancellation = cancellation
        self.serverInfo = serverInfo
        self.hooks = hooks
        self.log = log
        self.actorValidator = actorValidator
        self.checksResults = checksResults
    }

    /// The OpenRPC document of every registered method (what `rpc.discover` returns).
    public var openRPCDocument: JSONValue { discoveryDocument }

    /// Handles one frame's payload.
    public func process(_ payload: IncomingPayload) -> Control {
        lastRequestWasSlow = false
        switch payload {
        case .unreadable(let error):
            outbox.send(OutgoingMessage.error(id: .null, error))
            return .proceed
        case .single(let message):
            var control = Control.proceed
            if let response = handle(message, control: &control) { outbox.send(response) }
            return control
        case .batch(let messages):
            var responses: [JSONValue] = []
            var control = Control.proceed
            for m in messages {
                if let r = handle(m, control: &control) { responses.append(r) }
                if case .exit = control { break }
            }
            if !responses.isEmpty { outbox.send(.array(responses)) }
            return control
        }
    }

    /// Runs one request in-process as if it had arrived (session rules, authorization, params
    /// validation, the handler), without framing or an answer: for the command-line tools that
    /// drive the handlers (`import`).
    public func call(_ request: Request) -> Result<JSONValue, ServerError> {
        defer { cancellation.finish(request.id) }
        return runRequest(request)
    }

    /// Answers a body that the framing layer skipped (id null: the body was never read).
    public func process(rejected: RejectedBody) {
        let error: ResponseError
        switch rejected {
        case .unsupportedCharset(let charset):
            error = .parseError("unsupported charset \"\(charset)\": only utf-8 is accepted; the body was skipped")
        case .tooLarge(let length, let limit):
            error = ResponseError(
                code: .invalidRequest, message: "Invalid Request",
                data: [
                    "reason": .string(
                        "message of \(length) bytes exceeds the limit of \(limit) bytes (--max-message-bytes); the body was skipped"
                    ),
                    "limit": .int(limit),
                ])
        }
        outbox.send(OutgoingMessage.error(id: .null, error))
    }

    private func handle(_ message: IncomingMessage, control: inout Control) -> JSONValue? {
        switch message {
        case .response:
            return nil
        case .invalid(let id, let error):
            return OutgoingMessage.error(id: id, error)
        case .notification(let n):
            runNotification(n, control: &control)
            return nil
        case .request(let r):
            defer { cancellation.finish(r.id) }
            switch runRequest(r) {
            case .success(let result): return OutgoingMessage.result(id: r.id, result)
            case .failure(let error): return OutgoingMessage.error(id: r.id, ErrorMapping.responseError(for: error))
            }
        }
    }

    /// Sends again the notifications of an initialized session (`Hooks.afterInitialized`) whose
    /// content changed since they were last sent (the store or the catalog moved on: another
    /// process migrated, flagged or retired a model). Called between messages when the store
    /// announces a commit and at every tick; sends nothing when nothing changed.
    public func renewNotices() {
        guard session.phase == .running, session.clientReady else { return }
        let now = hooks.afterInitialized(session)
        // One that has nothing to say now is sent again when it has, even if as before.
        for method in gate.lastSent.keys where !now.contains(where: { $0.0 == method }) {
            gate.lastSent[method] = nil
        }
        for (method, params) in now where gate.lastSent[method] != params {
            gate.lastSent[method] = params
            outbox.send(OutgoingMessage.notification(method: method, params: params))
        }
        outbox.flush()
    }

    private func runNotification(_ n: Notification, control: inout Control) {
        switch session.admit(method: n.method, isRequest: false) {
        case .drop, .reject: return
        case .handle: break
        }
        switch n.method {
        case "exit":
            control = .exit(session.exitCode)
        case "initialized":
            session.didReceiveInitialized()
            sendLog(.info, "\(serverInfo.name) \(serverInfo.version) ready")
            for (method, params) in hooks.afterInitialized(session) {
                gate.lastSent[method] = params
                outbox.send(OutgoingMessage.notification(method: method, params: params))
            }
        case "$/cancelRequest":
            if let id = n.params?["id"].flatMap(RequestID.init(json:)) { cancellation.cancel(id) }
        case "window/workDoneProgress/cancel":
            if let token = n.params?["token"] { cancellation.cancel(token: token) }
        default:
            guard let entry = table[n.method], let handler = entry.handler else { return }
            guard case .success(let object) = entry.spec.validate(n.params) else { return }
            let ctx = context(id: nil, params: Params(object: object, raw: n.params), token: nil)
            _ = try? handler(ctx)
        }
    }

    private func runRequest(_ r: Request) -> Result<JSONValue, ServerError> {
        switch session.admit(method: r.method, isRequest: true) {
        case .drop: return .failure(.invalidRequest("not accepted now"))
        case .reject(let why): return .failure(why.error)
        case .handle: break
        }
        guard let entry = table[r.method] else { return .failure(.methodNotFound(r.method)) }
        if entry.spec.mayBlock { lastRequestWasSlow = true }
        if entry.spec.kind == .notification {
            return .failure(.invalidRequest("\(r.method) is a notification and must be sent without an id"))
        }
        if let authorize = entry.spec.authorize, let refusal = authorize(session) { return .failure(refusal) }
        let object: JSONObject
        switch entry.spec.validate(r.params) {
        case .failure(let e): return .failure(.invalidParams(e))
        case .success(let o): object = o
        }
        if cancellation.isCancelled(r.id) { return .failure(.cancelled) }
        let params = Params(object: object, raw: r.params)
        guard let handler = entry.handler else { return runLifecycleRequest(r.method, params) }
        let ctx = context(id: r.id, params: params, token: object["workDoneToken"])
        do throws(ServerError) {
            let result = try handler(ctx)
            if checksResults, let schema = entry.spec.result, let e = schema.validate(result) {
                let reason = "the result of \(r.method) does not match its published schema at \(e.field): \(e.reason)"
                log.error(reason)
                return .failure(.internalError(reason))
            }
            return .success(result)
        } catch {
            if case .internalError(let reason) = error { log.error("\(r.method) failed: \(reason)") }
            return .failure(error)
        }
    }

    private func context(id: RequestID?, params: Params, token: JSONValue?) -> RequestContext {
        RequestContext(
            id: id, params: params, session: session,
            cancellation: id.map { CancellationToken(registry: cancellation, id: $0) } ?? .none,
            progress: token.map { WorkDoneProgress(token: $0, outbox: outbox, gate: gate) } ?? silentProgress,
            outbox: outbox, gate: gate)
    }

    private func runLifecycleRequest(_ method: String, _ params: Params) -> Result<JSONValue, ServerError> {
        switch method {
        case "initialize":
            let actor: ActorIdentity?
            switch LifecycleMethods.actor(from: params) {
            case .failure(let e): return .failure(.invalidParams(e))
            case .success(let a): actor = a
            }
            if let actor, let validate = actorValidator, let e = validate(actor) { return .failure(.invalidParams(e)) }
            let pid = params.optionalInt("processId")
            session.didInitialize(actor: actor, clientProcessId: pid)
            if let pid, pid > 0, pid <= Int(Int32.max) { hooks.watchClientProcess(Int32(pid)) }
            return .success(LifecycleMethods.initializeResult(methods: table.names, info: serverInfo))
        case "shutdown":
            session.didShutDown()
            return .success(.null)
        case "rpc.discover":
            return .success(discoveryDocument)
        default:
            return .failure(.methodNotFound(method))
        }
    }

    /// Sends `window/logMessage` (and mirrors it to stderr).
    public func sendLog(_ level: Logger.Level, _ message: String) {
        log.log(level, message)
        let type: Int
        switch level {
        case .error: type = 1
        case .warning: type = 2
        case .info: type = 3
        case .debug: type = 4
        }
        outbox.send(
            OutgoingMessage.notification(
                method: "window/logMessage", params: ["type": .int(type), "message": .string(message)]))
    }
}

/// The server's name and version as reported by `initialize` and `--version`.
public struct ServerInfo: Sendable {
    /// The server's name in `initialize`'s `serverInfo`.
    public var name: String
    /// Its version.
    public var version: String
    /// This build.
    public static let current = ServerInfo(name: "model-lifecycle", version: "0.1.0")
}
