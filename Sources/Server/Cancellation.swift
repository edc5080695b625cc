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
