import Foundation
import Domain
import Store
import Server

/// The PostgreSQL store's figures (issue 14), each beside its baseline in the same run, on the
/// server `--postgres URI` names (an administration URI: every store is a new database there).
extension Bench {
    /// A new, empty database on the bench server; its URI.
    func freshDatabase(_ admin: String, _ name: String) throws -> String {
        let c = try PostgresConnection(uri: admin, defaults: [])
        try c.run("SET client_min_messages = warning")
        try c.run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try c.run("CREATE DATABASE \(name)")
        let query = admin.firstIndex(of: "?").map { String(admin[$0...]) } ?? ""
        let head = query.isEmpty ? admin : String(admin.prefix { $0 != "?" })
        guard
            let slash = head.range(
                of: "/", options: .backwards, range: head.range(of: "://")!.upperBound..<head.endIndex)
        else { return head + "/" + name + query }
        return String(head[..<slash.lowerBound]) + "/" + name + query
    }

    /// Copies a file store's state into a new database as the server would keep it (a snapshot).
    func copyToDatabase(_ store: BenchStore, uri: String) throws -> BenchStore {
        let files = try JournalStore<PlatformState>(directory: store.directory, mode: .verify)
        let db = try PostgresStore<PlatformState>(uri: uri)
        for record in files.state.snapshotRecords() {
            try db.write {
                (
                    _: PlatformState
                ) throws(StoreError) -> (record: [UInt8], apply: ((inout PlatformState) -> Void)?, result: Void) in
                (record, nil, ())
            }
        }
        try db.compact()
        var copy = store
        copy.directory = uri
        return copy
    }

    mutating func postgres() throws -> [Row] {
        guard let admin = postgresURI else {
            return [
                Row(
                    figure: "PostgreSQL figures", value: "skipped", baseline: "give --postgres URI", ratio: .nan,
                    target: "", pass: true)
            ]
        }
        var rows: [Row] = []

        // One small write, request to durable answer, vs a bare libpq transaction of the same bytes.
        let small = try BenchStore.generate(at: work + "/pg-write-files", bulk: 0, questions: 0)
        let writeStore = try copyToDatabase(small, uri: try freshDatabase(admin, "ml_bench_write"))
        let server = try Server(binary: binary, store: writeStore.directory, actor: Self.admin(writeStore.tenant))
        // The two sides alternate in rounds on the same machine (its fsync latency drifts by
        // tens of percent over seconds); each figure is the median of its side's latencies.
        let rounds = quick ? 4 : 10
        let perRound = 50
        _ = try server.call("assistants/update", #"{"id":"\#(writeStore.assistantsOnD[0])","name":"warm"}"#)
        let recordBytes = try lastRecordSize(writeStore.directory)
        let bare = try BareInsert(uri: try freshDatabase(admin, "ml_bench_bare"), bytes: recordBytes)
        var oursLatencies: [Double] = []
        var bareLatencies: [Double] = []
        for r in 0..<rounds {
            for k in 0..<perRound {
                let n = r * perRound + k
                oursLatencies.append(
                    try server.call(
                        "assistants/update", #"{"id":"\#(writeStore.assistantsOnD[n % 100])","name":"renamed-\#(n)"}"#
                    ).0)
            }
            for _ in 0..<perRound { bareLatencies.append(try bare.once()) }
        }
        _ = server.stop()
        let ours = percentile(oursLatencies, 0.5)
        let bareMedian = percentile(bareLatencies, 0.5)
        rows.append(
            Row(
                figure: "PG: one small write (assistants/update), durable", value: ms(ours),
                baseline: "libpq BEGIN+INSERT \(recordBytes) B+COMMIT " + ms(bareMedian),
                ratio: ours / bareMedian, target: "≤ 1.5×", pass: ours / bareMedian <= 1.5))

        // Cold open of the big store from the database vs from files.
        let big = try self.big()
        let bigDB = try copyToDatabase(big, uri: try freshDatabase(admin, "ml_bench_big"))
        func coldOpen(_ store: String) throws -> Double {
            var best = Double.infinity
            for _ in 0..<3 {
                let t = now()
                let s = try Server(binary: binary, store: store, actor: Self.admin(big.tenant))
                try s.call("models/list", "{}")
                best = min(best, now() - t)
                _ = s.stop()
            }
            return best
        }
        let openDB = try coldOpen(bigDB.directory)
        let openFiles = try coldOpen(big.directory)
        rows.append(
            Row(
                figure: "PG: cold open, spawn to first models/list", value: ms(openDB),
                baseline: "the same store from files " + ms(openFiles), ratio: openDB / openFiles, target: "(info)",
                pass: true))

        // A bulk migration vs SQLite's one-transaction UPDATE.
        let migrateDB = try copyToDatabase(big, uri: try freshDatabase(admin, "ml_bench_migrate"))
        let m = try Server(binary: binary, store: migrateDB.directory, actor: Self.admin(big.tenant))
        let (migration, _) = try m.call(
            "migration/execute",
            #"{"fromModelId":"\#(big.models["a"]!)","toModelId":"\#(big.models["b"]!)","entityTypes":["assistants"]}"#)
        _ = m.stop()
        let sqlite = try baselines.python(
            Baselines.sqliteMigration, [work + "/pg-migrate.sqlite", String(bulk), String(questions), "a"])
        rows.append(
            Row(
                figure: "PG: migrate \(bulk) assistants (store \(2 * bulk + 100))", value: ms(migration),
                baseline: "SQLite one-transaction UPDATE " + ms(sqlite), ratio: migration / sqlite, target: "(info)",
                pass: true))
        let c = try PostgresConnection(uri: admin, defaults: [])
        for name in ["ml_bench_write", "ml_bench_bare", "ml_bench_big", "ml_bench_migrate"] {
            try? c.run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        return rows
    }

    /// The size of the newest log record (an assistants/update's transaction, framed).
    func lastRecordSize(_ uri: String) throws -> Int {
        let c = try PostgresConnection(uri: uri, defaults: [])
        let rows = try c.execute("SELECT length(record) FROM model_lifecycle_log ORDER BY position DESC LIMIT 1")
        return Int(rows.int(0, 0) ?? 0)
    }

    /// `BEGIN; INSERT (position, bytes); COMMIT` with libpq over one connection, timed one at a time.
    final class BareInsert {
        let connection: PostgresConnection
        let payload: [UInt8]
        var next = 0

        init(uri: String, bytes: Int) throws {
            connection = try PostgresConnection(uri: uri, defaults: [])
            try connection.run("CREATE TABLE bare_log (position bigint PRIMARY KEY, record bytea NOT NULL)")
            try connection.run("SET synchronous_commit = on")
            payload = [UInt8](repeating: 0x61, count: bytes)
        }

        /// Seconds of one transaction.
        func once() throws -> Double {
            next += 1
            let t = now()
            try connection.run("BEGIN")
            try connection.run("INSERT INTO bare_log VALUES ($1, $2)", [.text(String(next)), .binary(payload)])
            try connection.run("COMMIT")
            return now() - t
        }
    }
}
