import Foundation
import JSONRPC

/// Which requests are pending and which of them the client cancelled.
///
/// The reader thread marks requests pending as it queues them and records `$/cancelRequest` at
/// once, so a cancel overtakes queued work; the worker asks `isCancelled` before and during a
/// request and calls `finish` after answering. Cancels for ids that are not pending are ignored.
///
/// Threading: guarded by `lock`; safe from any thread.
public final class CancellationRegistry: @unchecked Sendable {
    private let lock = NSLock()
    /// Pending ids in arrival order (the worker answers in that order): appending and finishing
    /// cost no hashing, which matters at hundreds of thousands of requests a second. Only a
    /// cancel (rare) searches it.
    private var pending: [RequestID] = []
    private var head = 0
    private var cancelled: Set<RequestID> = []
    /// Pending requests by the `workDoneToken` they carried (for `window/workDoneProgress/cancel`).
    private var byToken: [String: RequestID] = [:]

    /// An empty registry.
    public init() {}

    /// Records requests that have arrived and not yet finished.
    public func markPending(_ ids: [RequestID]) {
        guard !ids.isEmpty else { return }
        lock.lock()
        pending.append(contentsOf: ids)
        lock.unlock()
    }

    private func isPending(_ id: RequestID) -> Bool {
        var i = head
        while i < pending.count {
            if pending[i] == id { return true }
            i += 1
        }
        return false
    }

    /// Records a cancel; returns false when no such request is pending.
    @discardableResult
    public func cancel(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard isPending(id) else { return false }
        cancelled.insert(id)
        return true
    }

    /// Records that pending request `id` reports progress under `token`.
    public func associate(token: JSONValue, with id: RequestID) {
        guard let key = Self.key(token) else { return }
        lock.lock()
        byToken[key] = id
        lock.unlock()
    }

    /// Records a cancel by progress token (`window/workDoneProgress/cancel`, what editors' cancel
    /// buttons send); returns false when no pending request carried it.
    @discardableResult
    public func cancel(token: JSONValue) -> Bool {
        guard let key = Self.key(token) else { return false }
        lock.lock()
        let id = byToken[key]
        lock.unlock()
        guard let id else { return false }
        return cancel(id)
    }

    private static func key(_ token: JSONValue) -> String? {
        switch token {
        case .string(let s): "s" + s
        case .number(let n): n.int64Value.map { "i\($0)" }
        default: nil
        }
    }

    /// Whether the client cancelled `id`.
    public func isCancelled(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !cancelled.isEmpty && cancelled.contains(id)
    }

    /// The request was answered.
    public func finish(_ id: RequestID) {
        lock.lock()
        defer { lock.unlock() }
        if head < pending.count && pending[head] == id {
            head += 1
        } else if let i = pending[head...].firstIndex(of: id) {
            pending.remove(at: i)  // answered out of order (not the stdio runtime's way): rare
        } else {
            return
        }
        if !cancelled.isEmpty && cancelled.contains(id) && !isPending(id) { cancelled.remove(id) }
        if !byToken.isEmpty && !isPending(id) {
            for (k, v) in byToken where v == id { byToken[k] = nil }
        }
        if head >= 4096 && head * 2 >= pending.count {
            pending.removeFirst(head)
            head = 0
        }
    }
}

/// What a running request polls to learn that it was cancelled.
public struct CancellationToken: Sendable {
    let registry: CancellationRegistry?
    let id: RequestID?

    /// A token that is never cancelled.
    public static let none = CancellationToken(registry: nil, id: nil)

    /// Whether the client cancelled this request.
    public var isCancelled: Bool {
        guard let registry, let id else { return false }
        return registry.isCancelled(id)
    }

    /// Throws `.cancelled` when the client cancelled the request.
    public func check() throws(ServerError) {
        if isCancelled { throw .cancelled }
    }
}
