#if canImport(Glibc)
import Glibc
#endif

/// A store kept in PostgreSQL tables: an ordered, gapless log of records and a snapshot, with
/// the same promises as the file store (see `Protocol/SPEC.md`, "The store").
///
/// Tables (created on first open, in the database the URI names):
/// - `model_lifecycle_meta(key, value)`: `schema_version` = 1.
/// - `model_lifecycle_head(id = 1, position, generation, snapshot_position, snapshot_parts)`: the
///   one authority for what is live. Every writer updates this row first, which serializes
///   writers (the row lock) and gives the next position in one statement.
/// - `model_lifecycle_log(position, record)`: the records after the snapshot, each framed with its
///   checksum as in the journal.
/// - `model_lifecycle_snapshot(generation, part, records)`: the snapshot, as parts of framed
///   records.
///
/// A write (READ COMMITTED): `UPDATE head SET position = position + 1 … RETURNING` (waits for any
/// other writer, then sees its commit), read the records after this process's position, run the
/// body on the state they give, insert the record at the new position, COMMIT (durable with
/// `synchronous_commit` on), then apply and answer. A rollback gives the position back, so the
/// log has no gaps. A COMMIT whose answer was lost is settled by asking the server about the
/// transaction id (`pg_xact_status`) over a new connection: committed is a success, anything else
/// an error — never both.
///
/// Reads catch up with one statement per request (the head joined with the newer records).
public final class PostgresStore<State: StoreState> {
    /// How the store is opened.
    public enum Mode: Sendable {
        /// Create the tables when the database has none.
        case serve
        /// The tables must exist (compact, cleanup).
        case existing
        /// The tables must exist; nothing is written.
        case verify
    }

    /// The connection URI as given (with any password), for connecting.
    private let uri: String
    /// The URI without its password, for messages.
    public let location: String
    private let mode: Mode
    private let timeoutSeconds: Int
    private var connection: PostgresConnection?
    /// Given to every connection this store makes (tests inject connection faults).
    var injectFault: ((String) -> PostgresConnection.InjectedFault?)? {
        didSet { connection?.inject = injectFault }
    }

    private var current = State()
    /// The position of the last record applied.
    public private(set) var position: Int64 = 0
    /// The generation of the snapshot the state was loaded from.
    public private(set) var generation: Int64 = 0
    /// How many times the state was loaded whole (first open included).
    public private(set) var loadCount = 0
    /// Bytes of log records since the snapshot this process has seen (drives compaction).
    public private(set) var logBytes = 0
    /// Bytes of the snapshot last loaded or written.
    public private(set) var snapshotBytes = 0
    /// Whether this open created the tables.
    public private(set) var createdNew = false
    /// Whether the last contact with the database found commits of other processes (a read that
    /// caught up, an optimistic write that was superseded): a hint for callers that choose
    /// between reading first and writing optimistically.
    public private(set) var metOtherWriters = false

    /// The state with every record applied.
    public var state: State { current }

    /// The channel every commit notifies (with the committing process's `processToken`), so that
    /// idle processes can be woken; reading never depends on it.
    public static var commitChannel: String { "model_lifecycle" }
    /// This process's token in commit notifications (its own are not news to it).
    public let processToken = writerToken()
    /// Whether the commit being written is announced on `commitChannel`. Every write starts with it
    /// set; its body may clear it (a commit no idle process needs to hear of at once).
    public var announcesCommit = true
    /// Notifies `commitChannel` when the transaction it is part of commits, when it is announced
    /// (with the `; ` that ends it, for a script; else empty).
    private var notifyStatement: String {
        announcesCommit ? "NOTIFY \(Self.commitChannel), '\(processToken)'; " : ""
    }

    /// How an optimistic write (`writeIfCurrent`) ended.
    public enum OptimisticWrite<R> {
        /// The record is durable at the next position.
        case committed(R)
        /// The body returned an empty record: nothing to write.
        case nothingToCommit(R)
        /// Another writer came in first; nothing was written.
        case superseded
    }

    /// The schema version this release writes and reads.
    public static var schemaVersion: Int { 1 }

    /// Whether `location` names a PostgreSQL database (a libpq URI).
    public static func isDatabaseURI(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// Opens the store in the database `uri` names; `timeoutSeconds` bounds connecting and every wait.
    public init(uri: String, mode: Mode = .serve, timeoutSeconds: Int = 10) throws(StoreError) {
        self.uri = uri
        self.location = Self.redacted(uri)
        self.mode = mode
        self.timeoutSeconds = max(1, timeoutSeconds)
        let c = try connect()
        if mode == .serve { try createTables(c) } else { try checkTables(c) }
        try load(c)
    }

    // MARK: connecting

    private func connect() throws(StoreError) -> PostgresConnection {
        if let connection, connection.isOpen { return connection }
        connection?.close()
        connection = nil
        do {
            let c = try PostgresConnection(
                uri: uri,
                defaults: [
                    ("connect_timeout", String(timeoutSeconds)), ("application_name", "model-lifecycle"),
                    ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
                    ("tcp_user_timeout", String(timeoutSeconds * 1000)),
                ])
            c.inject = injectFault
            // Bounded waits: a statement or a lock never waits longer than the timeout.
            try c.run("SET statement_timeout = \(timeoutSeconds * 1000)")
            try c.run("SET lock_timeout = \(timeoutSeconds * 1000)")
            try c.run("SET idle_in_transaction_session_timeout = \(timeoutSeconds * 2000)")
            try c.run("SET synchronous_commit = on")
            try c.run("SET standard_conforming_strings = on")
            // The server's notices (a shutdown's warning) would reach stderr raw: errors come back as
            // results anyway.
            try c.run("SET client_min_messages = error")
            // Small queries on tables a crash left without statistics must not be JIT-compiled on
            // every request.
            try c.run("SET jit = off")
            connection = c
            return c
        } catch {
            throw Self.mapped(error, location: location, opening: loadCount == 0)
        }
    }

    /// Opens a transaction; a connection found broken at BEGIN (nothing of the transaction was
    /// sent) is replaced once.
    private func begin() throws(StoreError) -> PostgresConnection {
        let c = try connect()
        do {
            try c.run("BEGIN")
            return c
        } catch {
            disconnect()
        }
        let fresh = try connect()
        do {
            try fresh.run("BEGIN")
        } catch {
            disconnect()
            throw Self.mapped(error, location: location, opening: false)
        }
        return fresh
    }

    /// Makes connections of their own that LISTEN to `commitChannel` (for a thread that waits for
    /// other processes' commits; see `PostgresConnection.notifications`). Safe to call from any
    /// thread: it holds only the URI and the timeout.
    public var listeningConnections: @Sendable () throws(PostgresConnection.Failure) -> PostgresConnection {
        let uri = uri
        let timeout = String(timeoutSeconds)
        return { () throws(PostgresConnection.Failure) in
            let c = try PostgresConnection(
                uri: uri,
                defaults: [
                    ("connect_timeout", timeout), ("application_name", "model-lifecycle listen"),
                    ("keepalives_idle", "5"), ("keepalives_interval", "2"), ("keepalives_count", "3"),
                ])
            try c.run("LISTEN \(Self.commitChannel)")
            return c
        }
    }

    /// Drops the connection after a failure; the next statement connects again.
    private func disconnect() {
        connection?.close()
        connection = nil
    }

    private static func mapped(_ e: PostgresConnection.Failure, location: String, opening: Bool) -> StoreError {
        switch e {
        case .connection(let m) where opening: .cannotOpen(path: location, reason: m)
        case .connection(let m): .unavailable(reason: "the database is unreachable: \(m)")
        case .statement(let state, let m): .unavailable(reason: "the database refused a statement: \(m) (\(state))")
        }
    }

    // MARK: tables

    private func createTables(_ c: PostgresConnection) throws(StoreError) {
        do {
            try c.run("BEGIN")
            // One creator at a time: two first processes must not race on CREATE TABLE.
            try c.run("SELECT pg_advisory_xact_lock(7406297381)")
            let exists = try c.execute("SELECT to_regclass('model_lifecycle_head') IS NOT NULL").text(0, 0) == "t"
            if !exists {
                for sql in Self.tableDefinitions { try c.run(sql) }
                createdNew = true
            }
            try c.run("COMMIT")
        } catch {
            disconnect()
            throw Self.mapped(error, location: location, opening: true)
        }
        try checkTables(c)
    }

    static var tableDefinitions: [String] {
        [
            "CREATE TABLE model_lifecycle_meta (key text PRIMARY KEY, value text NOT NULL)",
            """
            CREATE TABLE model_lifecycle_head (id int PRIMARY KEY CHECK (id = 1), position bigint NOT NULL,
              generation bigint NOT NULL, snapshot_position bigint NOT NULL, snapshot_parts int NOT NULL)
            """,
            """
            CREATE TABLE model_lifecycle_log (position bigint PRIMARY KEY, record bytea NOT NULL,
              writer text NOT NULL DEFAULT '', written_at timestamptz NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE model_lifecycle_snapshot (generation bigint NOT NULL, part int NOT NULL,
              records bytea NOT NULL, PRIMARY KEY (generation, part))
            """,
            "INSERT INTO model_lifecycle_meta VALUES ('schema_version', '\(schemaVersion)')",
            "INSERT INTO model_lifecycle_head VALUES (1, 0, 0, 0, 0)",
        ]
    }

    private func checkTables(_ c: PostgresConnection) throws(StoreError) {
        do {
            let exists = try c.execute("SELECT to_regclass('model_lifecycle_head') IS NOT NULL").text(0, 0) == "t"
            guard exists else {
                throw StoreError.noStore(path: location, reason: "the database has no model_lifecycle tables")
            }
            let rows = try c.execute("SELECT value FROM model_lifecycle_meta WHERE key = 'schema_version'")
            guard rows.count == 1, let v = Int(rows.text(0, 0)) else {
                throw StoreError.damaged(
                    file: "model_lifecycle_meta", offset: 0, reason: "the schema_version row is missing")
            }
            guard v == Self.schemaVersion else {
                throw StoreError.cannotOpen(
                    path: location,
                    reason: "the tables have schema version \(v); this release reads version \(Self.schemaVersion)")
            }
        } catch let e as StoreError {
            throw e
        } catch let e as PostgresConnection.Failure {
            disconnect()
            throw Self.mapped(e, location: location, opening: true)
        } catch {
            throw .unavailable(reason: "\(error)")
        }
    }

    // MARK: loading and catching up

    /// Loads the snapshot and the log after it, in one consistent read.
    private func load(_ c: PostgresConnection) throws(StoreError) {
        do {
            try c.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let head = try loadWhole(c)
            try c.run("COMMIT")
            mustReload = false
            guard position == head else {
                throw StoreError.damaged(
                    file: "model_lifecycle_log", offset: Int(position),
                    reason: "the log ends at position \(position), the head names \(head)")
            }
        } catch let e as StoreError {
            try? c.run("ROLLBACK")
            throw e
        } catch let e as PostgresConnection.Failure {
            disconnect()
            throw Self.mapped(e, location: location, opening: loadCount == 0)
        } catch {
            throw .unavailable(reason: "\(error)")
        }
    }

    /// Makes the state the live snapshot plus the log after it, read inside a transaction that
    /// holds them still (repeatable read, or the head row's lock); returns the head's position.
    private func loadWhole(_ c: PostgresConnection) throws -> Int64 {
        let head = try c.execute(
            "SELECT position, generation, snapshot_position, snapshot_parts FROM model_lifecycle_head")
        guard head.count == 1, let pos = head.int(0, 0), let gen = head.int(0, 1), let snapPos = head.int(0, 2),
            let parts = head.int(0, 3)
        else {
            throw StoreError.damaged(file: "model_lifecycle_head", offset: 0, reason: "the head row is missing")
        }
        let snapshot = try c.execute(
            "SELECT records FROM model_lifecycle_snapshot WHERE generation = $1 ORDER BY part",
            [.text(String(gen))], binaryResults: true)
        guard snapshot.count == Int(parts) else {
            throw StoreError.damaged(
                file: "model_lifecycle_snapshot", offset: 0,
                reason: "generation \(gen) has \(snapshot.count) snapshot parts, the head names \(parts)")
        }
        var state = State()
        var bytes = 0
        for row in 0..<snapshot.count {
            let chunk = snapshot.bytes(row, 0)
            bytes += chunk.count
            try Self.applyFramed(chunk, to: &state, file: "model_lifecycle_snapshot part \(row)")
        }
        current = state
        position = snapPos
        generation = gen
        snapshotBytes = bytes
        logBytes = 0
        let rows = try c.execute(
            "SELECT position, record FROM model_lifecycle_log WHERE position > $1 ORDER BY position",
            [.text(String(position))], binaryResults: true)
        try applyNewer(rows, positionColumn: 0, recordColumn: 1)
        loadCount += 1
        return pos
    }

    /// Applies every framed record of `bytes` (a snapshot part or one log record).
    private static func applyFramed(_ bytes: [UInt8], to state: inout State, file: String) throws(StoreError) {
        var offset = 0
        while offset < bytes.count {
            switch Record.decode(bytes, at: offset) {
            case .record(let payload, let next):
                try state.apply(payload)
                offset = next
            case .incomplete:
                throw .damaged(file: file, offset: offset, reason: "a record is cut short")
            case .damaged(let why):
                throw .damaged(file: file, offset: offset, reason: why)
            }
        }
    }

    /// Brings the state up to date with what other processes committed: one statement when
    /// nothing changed.
    public func refresh() throws(StoreError) {
        do {
            try refreshOnce()
        } catch .unavailable where connection == nil {
            // The connection broke (a restarted database, an idle connection closed): a read is
            // safe to repeat once on a new one.
            try refreshOnce()
        }
    }

    private func refreshOnce() throws(StoreError) {
        let c = try connect()
        do {
            let rows = try c.execute(
                prepared: "ml_refresh",
                """
                SELECT h.snapshot_position, l.position, l.record FROM model_lifecycle_head h
                  LEFT JOIN model_lifecycle_log l ON l.position > $1 ORDER BY l.position
                """, [.text(String(position))], binaryResults: true)
            guard rows.count >= 1 else {
                throw StoreError.damaged(file: "model_lifecycle_head", offset: 0, reason: "the head row is missing")
            }
            let snapPos = rows.binaryInt(0, 0)
            let before = position
            if snapPos > position || mustReload {
                try load(c)  // compacted past this process's position: the records it lacks are in the snapshot
            } else {
                try applyNewer(rows, positionColumn: 1, recordColumn: 2)
            }
            metOtherWriters = position != before
        } catch let e as StoreError {
            throw e
        } catch let e as PostgresConnection.Failure {
            disconnect()
            throw Self.mapped(e, location: location, opening: false)
        } catch {
            throw .unavailable(reason: "\(error)")
        }
    }

    /// Applies rows of (position, record) that continue the state's position without a gap.
    private func applyNewer(
        _ rows: PostgresConnection.Rows, positionColumn: Int, recordColumn: Int
    )
        throws(StoreError)
    {
        for row in 0..<rows.count where !rows.isNull(row, positionColumn) {
            let p = rows.binaryInt(row, positionColumn)
            guard p == position + 1 else {
                throw StoreError.damaged(
                    file: "model_lifecycle_log", offset: Int(p),
                    reason: "the log skips from position \(position) to \(p)")
            }
            let record = rows.bytes(row, recordColumn)
            var next = current
            try Self.applyFramed(record, to: &next, file: "model_lifecycle_log position \(p)")
            current = next
            position = p
            logBytes += record.count
        }
    }

    // MARK: writing

    /// Runs one write transaction (see the type's comment): `body` either throws (nothing is
    /// written) or returns the record to commit and the result. An empty record commits nothing.
    public func write<R, E: Error>(
        _ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)
    ) throws -> R {
        if grouping { return try stage(body) }
        // Catch up first: the body's refusals (not found, a name taken) must be of the newest state,
        // and only its commit is checked by the compare-and-set below. (An optimistic caller that
        // checks refusals itself uses `writeIfCurrent` directly.)
        try refresh()
        // Then the body on that state, appended in one statement that commits only if no other
        // writer came in between; else the locking path.
        switch try writeIfCurrent(at: position, body) {
        case .committed(let result), .nothingToCommit(let result): return result
        case .superseded: return try writeHoldingHead(body)
        }
    }

    /// The optimistic half of `write`: runs `body` on the state as of this process's position
    /// and commits its record only if that is still the newest position (`expected` must be this
    /// process's position, as a caller that read `position` earlier checks). `.superseded` means
    /// another writer came in first and nothing was written; a lost answer is settled first, so
    /// that is never a guess.
    public func writeIfCurrent<R, E: Error>(
        at expected: Int64,
        _ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)
    ) throws -> OptimisticWrite<R> {
        guard mode != .verify else { throw StoreError.readOnly(reason: "verify opens the store read-only") }
        guard expected == position, !mustReload else { return .superseded }
        announcesCommit = true
        let (record, apply, result) = try body(current)
        // The body may have caught up (an optimistic run confirmed before it sent progress): its
        // record was made on the state at `expected`, so it may only go right after `expected`.
        guard expected == position else { return .superseded }
        if record.isEmpty { return .nothingToCommit(result) }
        try State.checkReadable(record)
        let framed = Record.encode(record)
        guard try appendIfCurrent(framed, at: expected) else {
            metOtherWriters = true
            return .superseded
        }
        if let apply { apply(&current) } else { try current.apply(record[...]) }
        position += 1
        logBytes += framed.count
        metOtherWriters = false
        return .committed(result)
    }

    /// One statement, committed on its own: moves the head from this process's position to the
    /// next and inserts the record there, or does nothing when the head has moved on. Returns
    /// whether it committed; a lost answer is settled by looking for this write's row.
    private func appendIfCurrent(_ framed: [UInt8], at expected: Int64) throws(StoreError) -> Bool {
        let c = try connect()
        let writer = Self.writerToken()
        let pid = c.backendPID
        do {
            let append = """
                WITH h AS (UPDATE model_lifecycle_head SET position = position + 1 WHERE id = 1 AND position = $1
                  RETURNING position)
                INSERT INTO model_lifecycle_log (position, record, writer) SELECT position, $2, $3 FROM h
                  RETURNING position
                """
            let announced = """
                WITH h AS (UPDATE model_lifecycle_head SET position = position + 1 WHERE id = 1 AND position = $1
                  RETURNING position),
                l AS (INSERT INTO model_lifecycle_log (position, record, writer) SELECT position, $2, $3 FROM h
                  RETURNING position)
                SELECT position, pg_notify('\(Self.commitChannel)', $4) FROM l
                """
            let rows =
                announcesCommit
                ? try c.execute(
                    prepared: "ml_append_announced", announced,
                    [.text(String(expected)), .binary(framed), .text(writer), .text(processToken)])
                : try c.execute(
                    prepared: "ml_append", append, [.text(String(expected)), .binary(framed), .text(writer)])
            return rows.count == 1
        } catch {
            switch error {
            case .connection(let m):
                disconnect()
                // Sent or not, committed or not: find out, then (if not) let the locking path write.
                return try settleLostAppend(writer: writer, position: expected + 1, backend: pid, lost: m)
            case .statement(let state, let m):
                throw .unavailable(reason: "the database refused the write: \(m) (\(state))")
            }
        }
    }

    /// Whether the append of `writer` at `position` committed, once the backend that ran it is
    /// gone (terminated here if it is still there), so that the answer cannot change afterwards.
    private func settleLostAppend(
        writer: String, position: Int64, backend: Int32, lost: String
    )
        throws(StoreError) -> Bool
    {
        let deadline = Self.monotonicMillis() + Int64(timeoutSeconds) * 1000
        var last = lost
        repeat {
            do {
                let c = try connect()
                if backend != 0 {
                    let alive = try c.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1",
                        [.text(String(backend))])
                    if alive.count > 0 {
                        usleep(50_000)
                        continue
                    }
                }
                let rows = try c.execute(
                    """
                    SELECT l.writer = $2, h.snapshot_position >= $1 FROM model_lifecycle_head h
                      LEFT JOIN model_lifecycle_log l ON l.position = $1
                    """, [.text(String(position)), .text(writer)])
                guard rows.count == 1 else { break }
                if rows.text(0, 0) == "t" { return true }
                if rows.isNull(0, 0), rows.text(0, 1) == "t" {
                    // The row is gone: a compaction trimmed it (possible only after its ten minutes),
                    // so whose it was cannot be told. Unknown, not "not committed": the caller would
                    // write it again.
                    last = "the log row at position \(position) was already compacted away"
                    break
                }
                return false
            } catch let e as PostgresConnection.Failure {
                last = "\(e)"
                disconnect()
            } catch {
                last = "\(error)"
            }
            usleep(200_000)
        } while Self.monotonicMillis() < deadline
        throw .unavailable(
            reason: "the connection was lost during a write and whether it committed could not be learnt within "
                + "\(timeoutSeconds) s (\(last)); read again before retrying")
    }

    /// A token no other write has: 128 random bits.
    private static func writerToken() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next(), radix: 16) + "-" + String(g.next(), radix: 16)
    }

    /// The write under the head row's lock (see the type's comment), for when another writer
    /// came in since this process last read.
    private func writeHoldingHead<R, E: Error>(
        _ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)
    ) throws -> R {
        let (c, next) = try lockHead()
        let writer = Self.writerToken()
        let pid = c.backendPID
        var committing = false
        do {
            announcesCommit = true
            let (record, apply, result) = try body(current)
            if record.isEmpty {
                try c.run("ROLLBACK")
                return result
            }
            try State.checkReadable(record)
            let framed = Record.encode(record)
            committing = true
            do {
                if framed.count <= Self.inlineRecordBytes {
                    // One round trip: the record inline as a bytea literal (hex of our own bytes).
                    _ = try c.executeScript(
                        "INSERT INTO model_lifecycle_log (position, record, writer) VALUES (\(next), "
                            + "'\\x\(Self.hex(framed))'::bytea, '\(writer)'); \(notifyStatement)COMMIT")
                } else {
                    try c.run(
                        "INSERT INTO model_lifecycle_log (position, record, writer) VALUES ($1, $2, $3)",
                        [.text(String(next)), .binary(framed), .text(writer)])
                    if announcesCommit { try c.run(notifyStatement) }
                    try c.run("COMMIT")
                }
            } catch .connection(let m) {
                // The answer to COMMIT was lost, not necessarily the commit: once the old session is
                // gone, this write's own row says. (Not the transaction id: after a crash the
                // database may give an id that never reached its log to another transaction.)
                disconnect()
                guard try settleLostAppend(writer: writer, position: next, backend: pid, lost: m) else {
                    throw StoreError.unavailable(
                        reason: "the connection was lost during COMMIT (\(m)) and the write did not commit")
                }
            }
            if let apply { apply(&current) } else { try current.apply(record[...]) }
            position = next
            logBytes += framed.count
            return result
        } catch let e as PostgresConnection.Failure {
            disconnect()
            if committing, case .statement(let state, let m) = e {
                throw StoreError.unavailable(reason: "the database refused the commit: \(m) (\(state))")
            }
            throw Self.mapped(e, location: location, opening: false)
        } catch {
            if c.isOpen { try? c.run("ROLLBACK") } else { disconnect() }
            throw error
        }
    }

    // MARK: group commit

    /// Whether writes are being grouped (`beginGroup` … `endGroup`).
    public private(set) var grouping = false
    /// The group's transaction, holding the head row's lock, and the position its records follow.
    private var groupTransaction: (connection: PostgresConnection, after: Int64)?
    /// The group's framed records, not yet sent.
    private var staged: [[UInt8]] = []
    /// Whether any of the group's commits is announced.
    private var groupAnnounces = false
    /// Set when a failed group left the state ahead of the database: the next contact loads it whole.
    public private(set) var mustReload = false
    /// Whether the last group's COMMIT could not be settled (its outcome is unknown).
    public private(set) var lastGroupOutcomeUnknown = false
    /// Whether the group's first write has taken the head row's lock and caught up.
    public var groupHoldsLock: Bool { groupTransaction != nil }
    /// How many records the open group holds.
    public var stagedRecords: Int { staged.count }

    /// Starts a group: the writes until `endGroup` are each their own transaction (run on the
    /// state with every earlier one, a refused one changes nothing), committed together in one
    /// database transaction by `endGroup`. The first write begins it and takes the head row's lock
    /// (as the locking path of a lone write does); no other writer commits in between and no other
    /// process sees a record of the group before its COMMIT. Nothing of a group may be answered
    /// before `endGroup` returns.
    public func beginGroup() {
        precondition(!grouping, "groups do not nest")
        grouping = true
        groupAnnounces = false
    }

    /// Commits the group's records at the positions after the lock's (one round trip when they
    /// are small) and releases the lock. On failure none of them is acknowledged and the state is
    /// loaded again (at once, or at the next contact).
    public func endGroup() throws(StoreError) {
        precondition(grouping, "no group was begun")
        grouping = false
        let records = staged
        staged = []
        guard let (c, after) = groupTransaction else { return }
        groupTransaction = nil
        if records.isEmpty {
            try? c.run("ROLLBACK")
            return
        }
        let writer = Self.writerToken()
        let pid = c.backendPID
        let last = after + Int64(records.count)
        let notify = groupAnnounces ? "NOTIFY \(Self.commitChannel), '\(processToken)'; " : ""
        lastGroupOutcomeUnknown = false
        do {
            try commitGroup(records, after: after, on: c, writer: writer, notify: notify)
        } catch .connection(let m) {
            disconnect()
            let committed: Bool
            do { committed = try settleLostAppend(writer: writer, position: last, backend: pid, lost: m) } catch {
                lastGroupOutcomeUnknown = true
                discardGroupState()
                throw error
            }
            guard committed else {
                discardGroupState()
                throw .unavailable(reason: "the connection was lost during COMMIT (\(m)) and the group did not commit")
            }
        } catch .statement(let state, let m) {
            disconnect()
            discardGroupState()
            throw .unavailable(reason: "the database refused the commit: \(m) (\(state))")
        } catch {
            disconnect()
            discardGroupState()
            throw Self.mapped(error, location: location, opening: false)
        }
        position = last
        logBytes += records.reduce(0) { $0 + $1.count }
    }

    /// The statements that insert a group's records after `after`, move the head and commit: rows
    /// inline in statements of about `inlineRecordBytes` each (one round trip for a small group),
    /// a record larger than that as a parameter of its own statement.
    private func commitGroup(
        _ records: [[UInt8]], after: Int64, on c: PostgresConnection, writer: String, notify: String
    ) throws(PostgresConnection.Failure) {
        let last = after + Int64(records.count)
        var rows: [String] = []
        var bytes = 0
        func insert(_ rows: [String]) -> String {
            "INSERT INTO model_lifecycle_log (position, record, writer) VALUES " + rows.joined(separator: ", ") + "; "
        }
        for (i, framed) in records.enumerated() {
            let position = after + 1 + Int64(i)
            if framed.count > Self.inlineRecordBytes {
                try c.run(
                    "INSERT INTO model_lifecycle_log (position, record, writer) VALUES ($1, $2, $3)",
                    [.text(String(position)), .binary(framed), .text(writer)])
                continue
            }
            if bytes + framed.count > Self.inlineRecordBytes, !rows.isEmpty {
                _ = try c.executeScript(insert(rows))
                rows = []
                bytes = 0
            }
            rows.append("(\(position), '\\x\(Self.hex(framed))'::bytea, '\(writer)')")
            bytes += framed.count
        }
        _ = try c.executeScript(
            (rows.isEmpty ? "" : insert(rows))
                + "UPDATE model_lifecycle_head SET position = \(last) WHERE id = 1; \(notify)COMMIT")
    }

    /// Ends the group without committing it: rolled back, and the state loaded again.
    public func abandonGroup() {
        precondition(grouping, "no group was begun")
        grouping = false
        let wrote = !staged.isEmpty
        staged = []
        guard let (c, _) = groupTransaction else { return }
        groupTransaction = nil
        try? c.run("ROLLBACK")
        if wrote { discardGroupState() }
    }

    /// After a failed group the state holds writes the database does not: load it again.
    private func discardGroupState() {
        mustReload = true
        if let c = try? connect() { try? load(c) }
    }

    /// One write of a group (see `beginGroup`).
    private func stage<R, E: Error>(
        _ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)
    ) throws -> R {
        guard mode != .verify else { throw StoreError.readOnly(reason: "verify opens the store read-only") }
        if groupTransaction == nil {
            let (c, last) = try lockHead(advancing: false)
            groupTransaction = (c, last)
        }
        announcesCommit = true
        let (record, apply, result) = try body(current)
        if record.isEmpty { return result }
        try State.checkReadable(record)
        if let apply { apply(&current) } else { try current.apply(record[...]) }
        staged.append(Record.encode(record))
        groupAnnounces = groupAnnounces || announcesCommit
        return result
    }

    /// Records up to this size go inline in the statement that commits them.
    static var inlineRecordBytes: Int { 256 << 10 }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Begins a write: takes the head row (serializing with every other writer), gets the next
    /// position and the transaction id, and brings the state up to the position before it. One
    /// round trip when no other writer got in between; a connection found broken here (nothing
    /// of the transaction done) is replaced once.
    private func lockHead(advancing: Bool = true) throws -> (PostgresConnection, next: Int64) {
        var attempt = 0
        let step = advancing ? 1 : 0
        while true {
            attempt += 1
            let c = try connect()
            do {
                let rows = try c.executeScript(
                    """
                    BEGIN; \(advancing ? "" : "SET LOCAL idle_in_transaction_session_timeout = 0; ")WITH h AS (
                      UPDATE model_lifecycle_head SET position = position + \(step) WHERE id = 1
                      RETURNING position, snapshot_position)
                    SELECT h.position, h.snapshot_position, l.position, l.record FROM h
                      LEFT JOIN model_lifecycle_log l ON l.position > \(position) ORDER BY l.position
                    """)
                guard rows.count >= 1, let next = rows.int(0, 0), let snapPos = rows.int(0, 1) else {
                    throw StoreError.damaged(file: "model_lifecycle_head", offset: 0, reason: "the head row is missing")
                }
                // The row lock is held: no other writer or compaction runs until this one ends.
                if snapPos > position || mustReload {
                    _ = try loadWhole(c)
                    mustReload = false
                } else {
                    try applyNewerText(rows, positionColumn: 2, recordColumn: 3)
                    if position < next - Int64(step) {
                        // The statement's snapshot predates the lock wait: read what the writer
                        // before this one committed.
                        let more = try c.execute(
                            "SELECT position, record FROM model_lifecycle_log WHERE position > $1 ORDER BY position",
                            [.text(String(position))], binaryResults: true)
                        try applyNewer(more, positionColumn: 0, recordColumn: 1)
                    }
                }
                guard position == next - Int64(step) else {
                    throw StoreError.damaged(
                        file: "model_lifecycle_log", offset: Int(position),
                        reason: "the log ends at position \(position), the head names \(next - Int64(step))")
                }
                return (c, next)
            } catch let e as PostgresConnection.Failure {
                disconnect()
                if case .connection = e, attempt == 1 { continue }
                throw Self.mapped(e, location: location, opening: false)
            } catch {
                if c.isOpen { try? c.run("ROLLBACK") } else { disconnect() }
                throw error
            }
        }
    }

    /// `applyNewer` for a text result (records as hex).
    private func applyNewerText(
        _ rows: PostgresConnection.Rows, positionColumn: Int, recordColumn: Int
    )
        throws(StoreError)
    {
        for row in 0..<rows.count where !rows.isNull(row, positionColumn) {
            guard let p = rows.int(row, positionColumn), let record = rows.hexBytes(row, recordColumn) else {
                throw StoreError.damaged(file: "model_lifecycle_log", offset: 0, reason: "a log row could not be read")
            }
            guard p == position + 1 else {
                throw StoreError.damaged(
                    file: "model_lifecycle_log", offset: Int(p),
                    reason: "the log skips from position \(position) to \(p)")
            }
            var next = current
            try Self.applyFramed(record, to: &next, file: "model_lifecycle_log position \(p)")
            current = next
            position = p
            logBytes += record.count
        }
    }

    private static func monotonicMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    // MARK: compaction

    /// Writes the state as a new snapshot generation and trims the log, in one transaction.
    public func compact() throws(StoreError) {
        if grouping { throw .unavailable(reason: "a group of writes is open; compaction waits for it") }
        guard mode != .verify else { throw .readOnly(reason: "verify opens the store read-only") }
        let c = try begin()
        do {
            // The head row locked (serializing with every writer and compaction) but not yet
            // changed: catching up may have to load the live generation's snapshot.
            let head = try c.execute(
                "SELECT position, generation + 1, snapshot_position FROM model_lifecycle_head WHERE id = 1 FOR UPDATE")
            guard head.count == 1, let pos = head.int(0, 0), let gen = head.int(0, 1), let snapPos = head.int(0, 2)
            else {
                throw StoreError.damaged(file: "model_lifecycle_head", offset: 0, reason: "the head row is missing")
            }
            if snapPos > position {
                _ = try loadWhole(c)
            } else {
                let rows = try c.execute(
                    "SELECT position, record FROM model_lifecycle_log WHERE position > $1 ORDER BY position",
                    [.text(String(position))], binaryResults: true)
                try applyNewer(rows, positionColumn: 0, recordColumn: 1)
            }
            guard position == pos else {
                throw StoreError.damaged(
                    file: "model_lifecycle_log", offset: Int(position),
                    reason: "the log ends at position \(position), the head names \(pos)")
            }
            var parts: [[UInt8]] = [[]]
            for record in current.snapshotRecords() {
                try State.checkReadable(record)
                if let last = parts.last, last.count > 4 << 20 { parts.append([]) }
                parts[parts.count - 1] += Record.encode(record)
            }
            if parts.last?.isEmpty == true { parts.removeLast() }
            for (i, part) in parts.enumerated() {
                try c.run(
                    "INSERT INTO model_lifecycle_snapshot (generation, part, records) VALUES ($1, $2, $3)",
                    [.text(String(gen)), .text(String(i)), .binary(part)])
            }
            try c.run(
                """
                UPDATE model_lifecycle_head SET generation = $1, snapshot_position = position, snapshot_parts = $2
                  WHERE id = 1
                """, [.text(String(gen)), .text(String(parts.count))])
            try c.run("DELETE FROM model_lifecycle_snapshot WHERE generation < $1", [.text(String(gen))])
            // Rows of the last ten minutes stay a while (loads skip them): a writer whose answer
            // was lost looks for its own row to learn whether it committed.
            try c.run(
                "DELETE FROM model_lifecycle_log WHERE position <= $1 AND written_at < now() - interval '10 minutes'",
                [.text(String(pos))])
            try c.run("COMMIT")
            generation = gen
            snapshotBytes = parts.reduce(0) { $0 + $1.count }
            logBytes = 0
        } catch let e as StoreError {
            if c.isOpen { try? c.run("ROLLBACK") }
            throw e
        } catch let e as PostgresConnection.Failure {
            disconnect()
            throw Self.mapped(e, location: location, opening: false)
        } catch {
            throw .unavailable(reason: "\(error)")
        }
    }

    // MARK: locations

    /// The URI with its password replaced by `***` (for messages and logs).
    public static func redacted(_ uri: String) -> String {
        guard let scheme = uri.firstRange(of: "://") else { return uri }
        var out = String(uri[..<scheme.upperBound])
        let rest = uri[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            out += authority[..<colon] + ":***" + authority[at...]
        } else {
            out += authority
        }
        // A password may also be a query parameter (`?password=…`).
        var tail = String(rest[authorityEnd...])
        if let q = tail.firstIndex(of: "?") {
            let parameters = tail[tail.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map {
                $0.hasPrefix("password=") ? "password=***" : String($0)
            }
            tail = String(tail[...q]) + parameters.joined(separator: "&")
        }
        return out + tail
    }
}
