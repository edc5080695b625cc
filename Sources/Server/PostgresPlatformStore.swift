import Domain
import Store

/// The store in a PostgreSQL database (`--store postgresql://…`): for platforms that serve from
/// several hosts. The same promises as the file store; see `PostgresStore` for the protocol.
public final class PostgresPlatformStore: PlatformStore {
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
        do { try database.refresh() } catch { throw .store(error) }
        return database.state
    }

    /// One transaction: serialized with every writer on every host, durable before it returns.
    public func commit<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R {
        do {
            return try database.write {
                (
                    state: PlatformState
                ) throws(ServerError)
                    -> (record: [UInt8], apply: ((inout PlatformState) -> Void)?, result: R) in
                let (tx, result) = try body(state)
                return (tx.isEmpty ? [] : tx.record, { $0.apply(tx) }, result)
            }
        } catch let e as ServerError {
            throw e
        } catch {
            throw .store(error)
        }
    }

    /// Commits are applied before they are answered: nothing is deferred.
    public func settle() {}

    /// How often the state was loaded whole.
    public var reloads: Int { database.loadCount }

    /// Compacts when the log since the snapshot has outgrown max(`compactionFloor`, the snapshot).
    public func compactIfDue() {
        compaction.runIfDue(logBytes: database.logBytes, snapshotBytes: database.snapshotBytes) {
            () throws(StoreError) in try database.compact()
        }
    }

    /// A new store.
    public var openingNotices: [String] {
        database.createdNew ? ["created the model_lifecycle tables in \(location)"] : []
    }
}
