import Foundation

/// `model-lifecycle import` of assistants and questions against SQLite inserting the same rows in
/// one transaction (issue 15); also SQLite fed from the same NDJSON file (json.loads per line).
extension Bench {
    /// Writes the NDJSON an import reads: one tenant, provider, model, 100 spaces, then
    /// `assistants` assistants and `questions` questions (with their times).
    static let importFile = #"""
        import json, sys
        n_a, n_q, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        T = "11111111-1111-4111-8111-111111111111"; P = "22222222-2222-4222-8222-222222222222"
        M = "33333333-3333-4333-8333-333333333333"
        with open(path, "w") as out:
            w = out.write
            w(json.dumps({"method": "tenants/create", "params": {"name": "Acme"}, "id": T}) + "\n")
            w(json.dumps({"method": "providers/create", "params": {"tenantId": T, "name": "OpenAI", "providerType": "openai"}, "id": P}) + "\n")
            w(json.dumps({"method": "models/create", "params": {"tenantId": T, "kind": "completion", "name": "gpt-4o", "providerId": P}, "id": M}) + "\n")
            spaces = ["00005000-0000-4000-8000-%012x" % k for k in range(100)]
            for s in spaces:
                w(json.dumps({"method": "spaces/create", "params": {"tenantId": T, "name": "space-" + s[-4:]}, "id": s}) + "\n")
                w(json.dumps({"method": "spaces/enableModel", "params": {"tenantId": T, "spaceId": s, "modelId": M}}) + "\n")
            for k in range(n_a):
                w('{"method":"assistants/create","params":{"tenantId":"%s","spaceId":"%s","name":"assistant-%d","completionModelId":"%s"},"id":"0000a000-0000-4000-8000-%012x"}\n' % (T, spaces[k % 100], k, M, k))
            for k in range(n_q):
                w('{"method":"questions/record","params":{"tenantId":"%s","completionModelId":"%s","tokensIn":10,"tokensOut":20},"at":"2025-06-01T08:%02d:%02dZ"}\n' % (T, M, (k // 60) % 60, k % 60))
        """#

    /// SQLite (WAL, synchronous=FULL): the same assistant and question rows inserted in one
    /// transaction, built in memory first (argv: assistants questions db), or read from the NDJSON
    /// file line by line with json.loads (argv: … ndjson). Prints seconds.
    static let sqliteImport = #"""
        import json, sqlite3, sys, time, os
        n_a, n_q, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        ndjson = sys.argv[4] if len(sys.argv) > 4 else None
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix): os.remove(path + suffix)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE assistants (id TEXT PRIMARY KEY, space TEXT, name TEXT, model TEXT, kwargs TEXT, created_by TEXT, created_at INTEGER, updated_at INTEGER)")
        db.execute("CREATE INDEX assistants_model ON assistants(model)")
        db.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, model TEXT, at TEXT)")
        db.execute("CREATE INDEX questions_model ON questions(model)")
        t = time.perf_counter()
        db.execute("BEGIN")
        if ndjson is None:
            db.executemany("INSERT INTO assistants VALUES (?,?,?,?,?,?,?,?)",
                (("0000a000-0000-4000-8000-%012x" % k, "space-%d" % (k % 100), "assistant-%d" % k, "m", "{}", "import", 0, 0) for k in range(n_a)))
            db.executemany("INSERT INTO questions (model, at) VALUES (?,?)", (("m", k) for k in range(n_q)))
        else:
            a, q = [], []
            for line in open(ndjson, "rb"):
                o = json.loads(line); p = o["params"]
                if o["method"] == "assistants/create":
                    a.append((o["id"], p["spaceId"], p["name"], p["completionModelId"], json.dumps(p.get("kwargs", {})), "import", 0, 0))
                elif o["method"] == "questions/record":
                    q.append((p["completionModelId"], o["at"]))
            db.executemany("INSERT INTO assistants VALUES (?,?,?,?,?,?,?,?)", a)
            db.executemany("INSERT INTO questions (model, at) VALUES (?,?)", q)
        db.execute("COMMIT")
        sys.stdout.write(repr(time.perf_counter() - t))
        """#

    mutating func importing() throws -> [Row] {
        let assistants = (quick ? 100_000 : 1_000_000) * scale
        let questions = 2 * assistants
        let file = work + "/import.ndjson"
        let genScript = try baselines.write("import_file.py", Self.importFile)
        _ = try shell("python3 '\(genScript)' \(assistants) \(questions) '\(file)'")
        defer { unlink(file) }
        let store = work + "/import-store"
        try? FileManager.default.removeItem(atPath: store)
        let t = now()
        let child = try Child([binary, "import", "--store", store, file])
        child.closeInput()
        let (status, peak) = child.wait()
        let ours = now() - t
        guard status == 0 else { throw BenchError("import exited \(status)") }
        try? FileManager.default.removeItem(atPath: store)
        let db = work + "/import.sqlite"
        let rows = try baselines.python(Self.sqliteImport, [String(assistants), String(questions), db])
        let fromFile = try baselines.python(Self.sqliteImport, [String(assistants), String(questions), db, file])
        let what = "import \(assistants / 1000)k assistants + \(questions / 1000)k questions"
        return [
            Row(
                figure: what, value: String(format: "%.2f s", ours),
                baseline: String(format: "SQLite 1-tx insert %.2f s", rows), ratio: ours / rows, target: "≤ 1.5×",
                pass: ours / rows <= 1.5),
            Row(
                figure: "the same vs SQLite fed the NDJSON (json.loads)", value: String(format: "%.2f s", ours),
                baseline: String(format: "SQLite + json.loads %.2f s", fromFile), ratio: ours / fromFile, target: "",
                pass: true),
            Row(
                figure: "peak memory of that import", value: String(format: "%.0f MB", Double(peak) / 1e6),
                baseline: "", ratio: .nan, target: "", pass: true),
        ]
    }
}
