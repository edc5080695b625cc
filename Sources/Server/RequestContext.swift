import JSONRPC
import Domain

/// Everything a handler may use while serving one message.
public struct RequestContext {
    /// The request id; nil for notifications.
    public let id: RequestID?
    /// The request's validated params.
    public let params: Params
    /// The session (phase and actor) as it was when the message arrived.
    public let session: Session
    /// Whether the client cancelled the request (check it between steps).
    public let cancellation: CancellationToken
    /// Reports `$/progress` when the request carried a `workDoneToken`; otherwise does nothing.
    public let progress: WorkDoneProgress
    let outbox: Outbox
    /// Asked before anything is sent (see `OptimisticPlatformStore`).
    let gate: EmissionGate

    /// Sends a notification to the client now (before the response).
    public func notify(_ method: String, _ params: JSONValue) {
        guard gate.mayEmit() else { return }
        gate.lastSent[method] = params
        outbox.send(OutgoingMessage.notification(method: method, params: params))
        outbox.flush()
    }
}

/// `$/progress` reporting for one request (LSP work done progress).
///
/// Guarantees for clients: `begin` comes first, `end` last, all before the response; reports in
/// between carry a percentage that never decreases.
public final class WorkDoneProgress {
    private let token: JSONValue?
    private weak var outbox: Outbox?
    private let gate: EmissionGate?
    private var state = 0  // 0 not begun, 1 begun, 2 ended
    private var lastPercentage = -1

    init(token: JSONValue?, outbox: Outbox?, gate: EmissionGate?) {
        self.token = token
        self.outbox = outbox
        self.gate = gate
    }

    /// True when the client asked for progress.
    public var isRequested: Bool { token != nil }

    /// Sends the `begin` progress notification (once; nothing without a `workDoneToken`).
    public func begin(title: String, message: String? = nil) {
        guard state == 0, mayEmit else { return }
        state = 1
        var v: JSONObject = ["kind": "begin", "title": .string(title), "cancellable": true, "percentage": 0]
        if let message { v["message"] = .string(message) }
        lastPercentage = 0
        send(v)
    }

    /// Reports progress; percentages are clamped to 0…100 and never go backwards.
    public func report(percentage: Int, message: String? = nil) {
        guard state == 1, mayEmit else { return }
        let p = max(lastPercentage, min(100, max(0, percentage)))
        guard p != lastPercentage || message != nil else { return }
        lastPercentage = p
        var v: JSONObject = ["kind": "report", "percentage": .int(p)]
        if let message { v["message"] = .string(message) }
        send(v)
    }

    /// Reports that a cancel would no longer change anything (the request is committing):
    /// `cancellable: false`, so that a client disables its cancel button. Once; after it the
    /// request does not check for cancellation again.
    public func pastCancelling(message: String? = nil) {
        guard state == 1, !pastPointOfNoReturn, mayEmit else { return }
        pastPointOfNoReturn = true
        var v: JSONObject = ["kind": "report", "cancellable": false, "percentage": .int(max(lastPercentage, 0))]
        if let message { v["message"] = .string(message) }
        send(v)
    }

    private var pastPointOfNoReturn = false

    /// Whether `pastCancelling` was reported: the request must not stop for a cancel any more
    /// (a run that starts again under the store's lock skips its cancellation checks).
    public var isPastCancelling: Bool { pastPointOfNoReturn }

    /// Sends the `end` progress notification (once, after `begin`).
    public func end(message: String? = nil) {
        guard state == 1, mayEmit else { return }
        state = 2
        var v: JSONObject = ["kind": "end"]
        if let message { v["message"] = .string(message) }
        send(v)
    }

    /// Whether anything may be sent now; asked before the state changes, so that a run that is
    /// thrown away leaves it as it was.
    private var mayEmit: Bool { token != nil && (gate?.mayEmit() ?? true) }

    private func send(_ value: JSONObject) {
        guard let token, let outbox else { return }
        outbox.send(
            OutgoingMessage.notification(method: "$/progress", params: ["token": token, "value": .object(value)]))
        outbox.flush()
    }
}
