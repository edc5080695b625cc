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
    private var pending: [RequestID: Int] = [:]
    private var cancelled: Set<RequestID> = []

    public init() {}

    public func markPending(_ ids: [RequestID]) {
        guard !ids.isEmpty else { return }
        lock.lock()
        for id in ids { pending[id, default: 0] += 1 }
        lock.unlock()
    }

    /// Records a cancel; returns false when no such request is pending.
    @discardableResult
    public func cancel(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard pending[id] != nil else { return false }
        cancelled.insert(id)
        return true
    }

    public func isCancelled(_ id: RequestID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !cancelled.isEmpty && cancelled.contains(id)
    }

    /// The request was answered.
    public func finish(_ id: RequestID) {
        lock.lock()
        if let n = pending[id] {
            if n <= 1 { pending[id] = nil; cancelled.remove(id) } else { pending[id] = n - 1 }
        }
        lock.unlock()
    }
}

/// What a running request polls to learn that it was cancelled.
public struct CancellationToken: Sendable {
    let registry: CancellationRegistry?
    let id: RequestID?

    /// A token that is never cancelled.
    public static let none = CancellationToken(registry: nil, id: nil)

    public var isCancelled: Bool {
        guard let registry, let id else { return false }
        return registry.isCancelled(id)
    }

    /// Throws `.cancelled` when the client cancelled the request.
    public func check() throws(ServerError) {
        if isCancelled { throw .cancelled }
    }
}
