import Domain
import Store

/// What the server needs of a store, whatever keeps it: the state with every commit, one atomic
/// durable transaction at a time, and housekeeping. Handlers reach the store only through this
/// (by way of `Platform.read` and `Platform.write`); the file store (`FilePlatformStore`) and an
/// in-memory one (`MemoryPlatformStore`) implement it, and a database backend would too.
///
/// The promises every implementation keeps:
/// - `read` returns a state holding every commit answered (by any process) before it was called.
/// - `commit` serializes with every other writer, runs `body` on the latest state, and either
///   throws with nothing written or makes the transaction durable before it returns.
/// - A commit's in-memory effect may be deferred until `settle` or the next `read`/`commit`;
///   nothing can observe the state without it.
public protocol PlatformStore: AnyObject {
    /// Where the store is (a directory, a database), for messages and logs.
    var location: String { get }
    /// The state with every commit answered before this call.
    func read() throws(ServerError) -> PlatformState
    /// One atomic, durable transaction (see the promises above).
    func commit<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R
    /// Applies a deferred commit now (the server calls it when idle).
    func settle()
    /// Counts rebuilds of the whole state (another process started a new generation): anything
    /// derived from an earlier state must be derived again.
    var reloads: Int { get }
    /// Does the backend's periodic housekeeping (compaction) if it is due; a failure never fails
    /// the caller and loses nothing.
    func compactIfDue()
    /// What an operator should hear about how the store was opened (created new, upgraded,
    /// read-only), one sentence each.
    var openingNotices: [String] { get }
    /// Starts a group commit: each `commit` until `endGroup` is still its own transaction, run on
    /// the state with the group's earlier ones (a refused one changes nothing), but they are made
    /// durable together by `endGroup`, and no other process sees them before. The caller sends
    /// nothing of the group (answers, notifications) until `endGroup` returns.
    func beginGroup(asGeneration: Bool)
    /// Makes the group durable at once (one fsync, one database commit); a group begun
    /// `asGeneration` (an import) the file store commits as a new snapshot generation instead. On failure the
    /// state is as the store holds it, and the outcome says whether the group's commits surely did
    /// not happen (the caller answers the group's requests again, each on its own) or whether that
    /// is unknown (the caller must not run its writes again).
    func endGroup() -> GroupOutcome
    /// Ends the group without committing it: none of its writes is written, and the state is as
    /// the store holds it.
    func abandonGroup()
}

/// How a group commit ended.
public enum GroupOutcome: Sendable {
    /// Every write of the group is durable.
    case committed
    /// None of them happened.
    case notCommitted(ServerError)
    /// Whether they happened could not be learnt (a lost answer to the database's COMMIT, or a
    /// failed fsync of written records): they must not be run again.
    case unknown(ServerError)
}

/// The embedded default: a directory kept by the crash-safe journal store.
public final class FilePlatformStore: PlatformStore {
    /// The engine, for the command-line tools that work on files (compact, verify).
    public let journal: JournalStore<PlatformState>
    /// When it compacts (see `CompactionSchedule`).
    public var compaction = CompactionSchedule()
    /// Journal size that triggers a compaction: at least this, and at least the snapshot's size.
    public var compactionFloor: Int {
        get { compaction.floor }
        set { compaction.floor = newValue }
    }

    /// The store kept by `journal`.
    public init(_ journal: JournalStore<PlatformState>) { self.journal = journal }

    /// Opens (serving: creating if needed) the store in `directory`.
    public convenience init(directory: String, lockTimeoutMillis: Int = 10_000) throws(StoreError) {
        self.init(
            try JournalStore<PlatformState>(
                directory: directory, mode: .serve,
                lockTimeoutMillis: lockTimeoutMillis))
    }

    /// The store directory.
    public var location: String { journal.directory }

    /// Refreshes from the files (other processes' commits included) and returns the state; in a
    /// group that holds the lock, no other process can have committed: the state as it is.
    public func read() throws(ServerError) -> PlatformState {
        if !journal.groupHoldsLock {
            do { try journal.refresh() } catch { throw .store(error) }
        }
        return journal.state
    }

    /// Starts a group (see `JournalStore.beginGroup`).
    public func beginGroup(asGeneration: Bool) { journal.beginGroup(asGeneration: asGeneration) }

    /// One record, one write and one fsync for the group (a new generation with `asGeneration`).
    public func endGroup() -> GroupOutcome {
        do { try journal.endGroup() } catch {
            // A failed fsync leaves the store refusing writes: what it wrote may be durable.
            return journal.refusesWrites ? .unknown(.store(error)) : .notCommitted(.store(error))
        }
        return .committed
    }

    /// Drops the group's records, unwritten.
    public func abandonGroup() { journal.abandonGroup() }

    /// Appends the transaction `body` returns as one fsync'd journal record, under the write lock
    /// (in a group committed as a generation, it is only applied: the next snapshot holds it).
    public func commit<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R {
        do {
            if journal.stagingGeneration {
                return try journal.stageForGeneration { (state: PlatformState) throws(ServerError) in
                    let (tx, result) = try body(state)
                    return (!tx.isEmpty, { $0.apply(tx) }, result)
                }
            }
            return try journal.write {
                (
                    state: PlatformState
                ) throws(ServerError)
                    -> (record: [UInt8], apply: ((inout PlatformState) -> Void)?, result: R) in
                let (tx, result) = try body(state)
                return (tx.isEmpty ? [] : tx.record, { $0.apply(tx) }, result)
            }
        } catch {
            throw .store(error)
        }
    }

    /// Applies the last commit to memory if the answer did not wait for it.
    public func settle() { journal.settle() }

    /// How often the state was loaded from files.
    public var reloads: Int { journal.loadCount }

    /// Compacts when the journal has outgrown max(`compactionFloor`, the snapshot), outside groups.
    public func compactIfDue() {
        guard !journal.grouping else { return }
        compaction.runIfDue(logBytes: journal.journalBytes, snapshotBytes: journal.snapshotBytes) {
            () throws(StoreError) in try journal.compact()
        }
    }

    /// A new store, an upgraded layout, a read-only directory.
    public var openingNotices: [String] {
        var out: [String] = []
        if journal.createdNew { out.append("created a new, empty store at \(location)") }
        if journal.foundEarlierLayout {
            out.append("the store at \(location) had no CURRENT file (an earlier version's); wrote one")
        }
        if let why = journal.readOnlyReason { out.append("serving reads only: \(why)") }
        return out
    }
}

/// When a backend compacts: once the records since the snapshot outgrow max(`floor`, the
/// snapshot's size), so compaction work stays proportional to the writes since the last one. After
/// a failure (a full disk, say) the next attempt waits for another `floor` of records, so a failing
/// compaction is not retried on every write; a failure never fails the write and loses nothing.
public struct CompactionSchedule: Sendable {
    /// Records since the snapshot (bytes) that make a compaction due, at least.
    public var floor = 8 << 20
    /// Why the last compaction failed, until one succeeds.
    public private(set) var lastFailure: String?
    private var nextAttemptAtBytes = 0

    /// A schedule with the default floor (8 MiB).
    public init() {}

    /// Runs `compact` when due, and keeps its outcome for the next decision.
    mutating func runIfDue(logBytes: Int, snapshotBytes: Int, _ compact: () throws(StoreError) -> Void) {
        guard logBytes > max(floor, snapshotBytes), logBytes >= nextAttemptAtBytes else { return }
        do {
            try compact()
            lastFailure = nil
            nextAttemptAtBytes = 0
        } catch {
            lastFailure = "\(error)"
            nextAttemptAtBytes = logBytes + floor
        }
    }
}

/// A store in memory only, gone with the process: for documenting the methods (`openrpc`) and for
/// rule tests in-process. It keeps every promise but durability.
public final class MemoryPlatformStore: PlatformStore {
    private var state = PlatformState()

    /// An empty store.
    public init() {}
    /// A store holding `state` (a dry run over a copy of a real store's state).
    public init(state: PlatformState) { self.state = state }

    /// Always `memory`.
    public var location: String { "memory" }
    /// The state.
    public func read() throws(ServerError) -> PlatformState { state }

    /// Applies the transaction `body` returns.
    public func commit<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R {
        let (tx, result) = try body(state)
        state.apply(tx)
        return result
    }

    /// Nothing is ever deferred.
    public func settle() {}
    /// The state before the open group (a copy: the in-memory store is for tests and documentation).
    private var groupStart: PlatformState?
    /// Commits apply at once; the state before is kept, should the group be abandoned.
    public func beginGroup(asGeneration: Bool) { groupStart = state }
    /// Nothing to make durable.
    public func endGroup() -> GroupOutcome {
        groupStart = nil
        return .committed
    }
    /// Gives back the state from before the group.
    public func abandonGroup() {
        if let before = groupStart { state = before }
        groupStart = nil
    }
    /// Never reloaded.
    public var reloads: Int { 0 }
    /// Nothing to compact.
    public func compactIfDue() {}
    /// Nothing to say.
    public var openingNotices: [String] { [] }
}
