import Domain
import Store
import Transport

/// The store in a PostgreSQL database (`--store postgresql://…`): for platforms that serve from
/// several hosts. The same promises as the file store; see `PostgresStore` for the protocol.
public final class PostgresPlatformStore: OptimisticPlatformStore {
    /// The engine, for the command-line tools (compact, verify).
    public let database: PostgresStore<PlatformState>
    /// When it compacts (see `CompactionSchedule`).
    public var compaction = CompactionSchedule()
    /// Log bytes since the snapshot that trigger a compaction: at least this, and at least the
    /// snapshot's size (as the file store does).
    public var compactionFloor: Int {
        get { compaction.floor }
        set { compaction.floor = newValue }
    }

    /// The store kept by `database`.
    public init(_ database: PostgresStore<PlatformState>) { self.database = database }

    /// The URI without its password.
    public var location: String { database.location }

    /// Catches up with the database (one statement when nothing changed) and returns the state.
    public func read() throws(ServerError) -> PlatformState {
        // A group holding the head row's lock: no other writer can have committed.
        if !database.groupHoldsLock {
            do { try database.refresh() } catch { throw .store(error) }
        }
        return database.state
    }

    /// Starts a group (see `PostgresStore.beginGroup`).
    public func beginGroup(asGeneration: Bool) { database.beginGroup() }

    /// One database commit for the group's records.
    public func endGroup() -> GroupOutcome {
        do { try database.endGroup() } catch {
            return database.lastGroupOutcomeUnknown ? .unknown(.store(error)) : .notCommitted(.store(error))
        }
        return .committed
    }

    /// Rolls the group's transaction back.
    public func abandonGroup() { database.abandonGroup() }

    /// One transaction: serialized with every writer on every host, durable before it returns.
    public func commit<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R {
        do {
            return try database.write { (state: PlatformState) throws(ServerError) in try record(body, state) }
        } catch let e as ServerError {
            throw e
        } catch {
            throw .store(error)
        }
    }

    /// Whether the last contact with the database found no other process's commits.
    public var optimismPays: Bool { !database.metOtherWriters && !database.mustReload && !database.grouping }

    /// The state as this process last saw it; the version is the log position.
    public var lastSeen: (state: PlatformState, version: Int64) { (database.state, database.position) }

    /// Catches up (one statement); whether the position moved past `version`.
    public func moved(since version: Int64) throws(ServerError) -> Bool {
        do { try database.refresh() } catch { throw .store(error) }
        return database.position != version
    }

    /// Commits only if the head is still at `version` (one statement).
    public func commit<R>(
        at version: Int64, _ body: (PlatformState) throws(ServerError) -> (Transaction, R)
    ) throws(ServerError) -> OptimisticCommit<R> {
        do {
            switch try database.writeIfCurrent(
                at: version, { (state: PlatformState) throws(ServerError) in try record(body, state) })
            {
            case .committed(let result): return .committed(result)
            case .nothingToCommit(let result): return .nothingToCommit(result)
            case .superseded: return .superseded
            }
        } catch let e as ServerError {
            throw e
        } catch {
            throw .store(error)
        }
    }

    /// A transaction as the engine takes it: the framed record and how to apply it; the commit is
    /// announced to other processes only when it can change a lifecycle notice.
    private func record<R>(
        _ body: (PlatformState) throws(ServerError) -> (Transaction, R), _ state: PlatformState
    ) throws(ServerError) -> (record: [UInt8], apply: ((inout PlatformState) -> Void)?, result: R) {
        let (tx, result) = try body(state)
        database.announcesCommit = state.mayChangeLifecycleNotices(tx)
        return (tx.isEmpty ? [] : tx.record, { $0.apply(tx) }, result)
    }

    /// Starts, when called, a watch of other processes' commits that calls `wake` from another
    /// thread (see `PostgresCommitWatch`); a value any thread may hold.
    public func commitWatch(log: Logger) -> @Sendable (_ wake: @escaping @Sendable () -> Void) -> Void {
        let connect = database.listeningConnections
        let token = database.processToken
        return { wake in PostgresCommitWatch.start(connect: connect, ownToken: token, log: log, wake: wake) }
    }

    /// Commits are applied before they are answered: nothing is deferred.
    public func settle() {}

    /// How often the state was loaded whole.
    public var reloads: Int { database.loadCount }

    /// Compacts when the log since the snapshot has outgrown max(`compactionFloor`, the snapshot).
    public func compactIfDue() {
        guard !database.grouping else { return }
        compaction.runIfDue(logBytes: database.logBytes, snapshotBytes: database.snapshotBytes) {
            () throws(StoreError) in try database.compact()
        }
    }

    /// A new store.
    public var openingNotices: [String] {
        database.createdNew ? ["created the model_lifecycle tables in \(location)"] : []
    }
}
