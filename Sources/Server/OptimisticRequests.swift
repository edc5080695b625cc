import Domain
import JSONRPC

/// A store whose every read costs a round trip (PostgreSQL) can let a request run on the state
/// as this process last saw it and check afterwards instead of before: a write then costs one
/// round trip (the commit that proves nothing came in between) instead of two (catch up, then
/// commit). `Platform.handlingRequest` keeps the rules, so that an optimistic run is either
/// confirmed current or thrown away unseen:
/// - its commit succeeds only if the store is still at the version the run started from;
/// - a run that commits nothing is confirmed by catching up afterwards and finding nothing new;
/// - before anything reaches the client (progress, a notice) the run is confirmed the same way;
/// - a run that cannot be confirmed is discarded (nothing was written, nothing was sent) and the
///   request runs again the ordinary way, reading first.
public protocol OptimisticPlatformStore: PlatformStore {
    /// Whether the next request should run optimistically: the last contact with the store found
    /// no commit of another process (so running on the state as last seen is likely current).
    var optimismPays: Bool { get }
    /// The state as of the last contact with the store, without contacting it, and its version.
    var lastSeen: (state: PlatformState, version: Int64) { get }
    /// Catches up with the store; whether anything was committed after `version`.
    func moved(since version: Int64) throws(ServerError) -> Bool
    /// One transaction that commits only if nothing was committed after `version` (see `commit`
    /// for the rest of the promises).
    func commit<R>(
        at version: Int64, _ body: (PlatformState) throws(ServerError) -> (Transaction, R)
    ) throws(ServerError) -> OptimisticCommit<R>
}

/// How an optimistic commit ended.
public enum OptimisticCommit<R> {
    /// Durable: the run's reads were current when it committed.
    case committed(R)
    /// The transaction was empty; nothing was written and nothing is confirmed yet.
    case nothingToCommit(R)
    /// Another process committed first; nothing was written.
    case superseded
}

/// What a session is sent besides answers passes here: before a request sends anything
/// (progress, notices) an optimistic run is confirmed, so that it is never seen unconfirmed; and
/// the last notification of each method is kept, so that a renewal does not repeat it. One per
/// message processor, reused by every request (only the worker thread uses it).
public final class EmissionGate {
    /// Set while an optimistic run is in flight: confirms it and answers whether to send.
    var confirm: (() -> Bool)?
    /// The params of the last notification of each method sent to the session.
    var lastSent: [String: JSONValue] = [:]

    init() {}

    /// Whether the message may leave now.
    func mayEmit() -> Bool { confirm?() ?? true }
}
