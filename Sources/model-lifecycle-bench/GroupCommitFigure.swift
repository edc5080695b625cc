import Foundation

/// Pipelined `assistants/create` (windows of 500 in flight) against SQLite inserting the same rows
/// in one transaction, and the same pipeline with group commit off (issue 15).
extension Bench {
    /// SQLite (WAL, synchronous=FULL): `n` assistant rows inserted in one transaction. Prints rows/s.
    static let sqliteInsert = #"""
        import sqlite3, sys, time, os
        path, n = sys.argv[1], int(sys.argv[2])
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix): os.remove(path + suffix)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE assistants (id TEXT PRIMARY KEY, space TEXT, name TEXT, model TEXT, kwargs TEXT, created_by TEXT, created_at INTEGER, updated_at INTEGER)")
        db.execute("CREATE INDEX assistants_model ON assistants(model)")
        t = time.perf_counter()
        db.execute("BEGIN")
        db.executemany("INSERT INTO assistants VALUES (?,?,?,?,?,?,?,?)",
            (("%032x" % k, "space", "assistant-%d" % k, "model", "{}", "bench", 0, 0) for k in range(n)))
        db.execute("COMMIT")
        sys.stdout.write(repr(n / (time.perf_counter() - t)))
        """#

    mutating func groupCommit() throws -> [Row] {
        let n = 20_000
        let window = 500
        func run(groupCommit: Bool, postgres: Bool = false) throws -> Double {
            var store = work + "/group-commit-store"
            try? FileManager.default.removeItem(atPath: store)
            if postgres, let admin = postgresURI {
                store = try freshDatabase(admin, "ml_bench_group_" + (groupCommit ? "on" : "off"))
            }
            if !groupCommit { setenv("MODEL_LIFECYCLE_GROUP_COMMIT", "off", 1) }
            defer { unsetenv("MODEL_LIFECYCLE_GROUP_COMMIT") }
            let root = try Server(
                binary: binary, store: store, actor: #"{"userId":"bench","name":"Bench","role":"sysadmin"}"#)
            let (_, tenantBody) = try root.call("tenants/create", #"{"name":"Big"}"#)
            _ = root.stop()
            guard let tenant = Self.member("id", of: tenantBody) else { throw BenchError("no tenant id") }
            let s = try Server(binary: binary, store: store, actor: Self.admin(tenant))
            let (_, p) = try s.call("providers/create", #"{"name":"P","providerType":"openai"}"#)
            guard let provider = Self.member("id", of: p) else { throw BenchError("no provider id") }
            let (_, m) = try s.call("models/create", #"{"kind":"completion","name":"m","providerId":"\#(provider)"}"#)
            guard let model = Self.member("id", of: m) else { throw BenchError("no model id") }
            let (_, sp) = try s.call("spaces/create", #"{"name":"S"}"#)
            guard let space = Self.member("id", of: sp) else { throw BenchError("no space id") }
            try s.call("spaces/enableModel", #"{"spaceId":"\#(space)","modelId":"\#(model)"}"#)
            let rate = try s.pipeline(n: n, window: window) { k in
                ("assistants/create", #"{"spaceId":"\#(space)","name":"a-\#(k)","completionModelId":"\#(model)"}"#)
            }
            _ = s.stop()
            return rate
        }
        let lone = try run(groupCommit: false)
        let grouped = try run(groupCommit: true)
        let sqlite = try baselines.python(Self.sqliteInsert, [work + "/group-commit.sqlite", String(n)])
        func rate(_ r: Double) -> String { String(format: "%.0f/s", r) }
        var rows: [Row] = []
        if postgresURI != nil {
            let pgLone = try run(groupCommit: false, postgres: true)
            let pgGrouped = try run(groupCommit: true, postgres: true)
            rows.append(
                Row(
                    figure: "PG: assistants/create, \(n) piped (windows of \(window))", value: rate(pgGrouped),
                    baseline: "group commit off " + rate(pgLone), ratio: pgGrouped / pgLone, target: "(info)",
                    pass: true))
        }
        return rows + [
            Row(
                figure: "assistants/create, \(n) piped in windows of \(window)", value: rate(grouped),
                baseline: "SQLite 1-transaction insert " + rate(sqlite), ratio: grouped / sqlite, target: "≥ 0.2×",
                pass: grouped / sqlite >= 0.2),
            Row(
                figure: "the same, group commit off", value: rate(lone), baseline: "grouped " + rate(grouped),
                ratio: lone / grouped, target: "", pass: true),
        ]
    }
}

extension Server {
    /// Sends `n` requests keeping `window` unanswered at a time; fails on any error answer.
    /// Returns requests per second.
    func pipeline(n: Int, window: Int, _ request: (Int) -> (String, String)) throws -> Double {
        var sent = 0
        var answered = 0
        var failures = 0
        let t = now()
        func send(upTo limit: Int) {
            var wire: [UInt8] = []
            while sent < limit {
                let (method, params) = request(sent)
                wire += frame(#"{"jsonrpc":"2.0","id":\#(1_000_000 + sent),"method":"\#(method)","params":\#(params)}"#)
                sent += 1
            }
            if !wire.isEmpty { child.write(wire) }
        }
        send(upTo: min(n, window))
        while answered < n {
            guard let body = reader.next() else { throw BenchError("the server stopped after \(answered) answers") }
            // Notifications (a notice) are not answers.
            guard Self.hasID(body) else { continue }
            answered += 1
            if String(decoding: body.prefix(120), as: UTF8.self).contains("\"error\"") { failures += 1 }
            send(upTo: min(n, answered + window))
        }
        let d = now() - t
        guard failures == 0 else { throw BenchError("\(failures) of \(n) pipelined requests failed") }
        return Double(n) / d
    }

    private static func hasID(_ body: [UInt8]) -> Bool {
        String(decoding: body.prefix(40), as: UTF8.self).contains("\"id\"")
    }
}
