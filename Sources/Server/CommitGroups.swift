import JSONRPC

/// Group commit as the runtime drives it: payloads queued one behind another (pipelined, or the
/// requests of one batch) are handled between `begin` and `end`, and their answers leave only
/// once `end` has made every write among them durable (one fsync, one database commit). Each
/// request is still its own transaction, run on the state with the ones before it.
public struct CommitGroups: Sendable {
    /// Starts a group (`Platform.beginGroup`).
    public var begin: @Sendable () -> Void
    /// Ends it.
    public var end: @Sendable () -> End
    /// While the requests of a group whose outcome is unknown are answered again: refuses writes
    /// with the reason (nil: no longer).
    public var refuseWrites: @Sendable (String?) -> Void

    /// How a group ended, for the runtime.
    public enum End: Sendable {
        case committed
        /// Nothing was committed: answer each request again, on its own.
        case notCommitted(String)
        /// It may have been committed: answer each request again, writes refused with the reason.
        case unknown(String)
    }

    /// Groups driven by `begin`, `end` and `refuseWrites`.
    public init(
        begin: @escaping @Sendable () -> Void, end: @escaping @Sendable () -> End,
        refuseWrites: @escaping @Sendable (String?) -> Void
    ) {
        self.begin = begin
        self.end = end
        self.refuseWrites = refuseWrites
    }

    /// Messages in one group, at most (the answers held in memory meanwhile).
    public static let maxMessages = 1000
    /// Milliseconds a group keeps taking queued messages before it is committed (a bound on how
    /// long an answer waits for the ones queued after it); 20 unless set.
    public var maxMillis: Int64 = 20
    /// Bytes of answers a group holds back at most before it is committed (large answers, such as
    /// pages of lists, would otherwise pile up in memory: the outbox's own flush size).
    public static let maxHeldBytes = 1 << 20

    /// Methods that change the session (or end it) are handled on their own, outside groups.
    static let sessionMethods: Set<String> = ["initialize", "initialized", "shutdown", "exit"]

    /// Whether `payload` may be handled inside a group: it neither changes the session nor asks
    /// for progress (which must reach the client while the request runs, not after the group).
    public static func mayJoin(_ payload: IncomingPayload) -> Bool {
        switch payload {
        case .unreadable: return true
        case .single(let m): return mayJoin(m)
        case .batch(let ms): return ms.allSatisfy(mayJoin)
        }
    }

    private static func mayJoin(_ message: IncomingMessage) -> Bool {
        switch message {
        case .request(let r): return !sessionMethods.contains(r.method) && r.params?["workDoneToken"] == nil
        case .notification(let n): return !sessionMethods.contains(n.method)
        case .response, .invalid: return true
        }
    }

    /// Whether one item alone is worth a group: a batch of several requests.
    static func holdsSeveral(_ item: StdioRuntime.InboxItem) -> Bool {
        guard case .payload(.batch(let ms)) = item else { return false }
        return ms.count >= 2
    }
}
