import Foundation
import XCTest
import JSONRPC
@testable import Store

/// The store on PostgreSQL, through the real binary: what the database backend promises beyond
/// the domain scenarios (which the whole suite runs on both backends).
///
/// Runs when `MODEL_LIFECYCLE_TEST_POSTGRES` names a server (see `TestDatabases`); the first test
/// needs no database at all.
final class PostgresStoreEndToEndTests: XCTestCase {

    private func requireDatabase() throws {
        try XCTSkipUnless(
            TestDatabases.isOn,
            "set MODEL_LIFECYCLE_TEST_POSTGRES to a PostgreSQL URI (e.g. postgresql://user:pw@127.0.0.1/postgres) "
                + "to run the PostgreSQL store tests")
    }

    private func sql(_ uri: String, _ statement: String) throws -> PostgresConnection.Rows {
        let c = try PostgresConnection(uri: uri, defaults: [("connect_timeout", "10")])
        return try c.execute(statement)
    }

    func testAPostgresURIWithoutLibpqIsAStartupErrorNamingThePackage() throws {
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_LIBPQ"] = "/nonexistent/libpq.so.5"
        let r = try runToEnd(["serve", "--store", "postgresql://nobody:secret@127.0.0.1:1/none"], environment: env)
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.err.contains("libpq5"), r.err)
        XCTAssertFalse(r.err.contains("secret"), "the password is never printed: \(r.err)")
    }

    func testAnUnreachableDatabaseIsAStartupErrorWithinTheTimeout() throws {
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_LOCK_TIMEOUT_MS"] = "2000"
        let started = Date()
        // Port 1 on localhost refuses at once; the bound matters for hosts that do not answer.
        let r = try runToEnd(["serve", "--store", "postgresql://nobody:secret@127.0.0.1:1/none"], environment: env)
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("cannot open store postgresql://nobody:***@127.0.0.1:1/none"), r.err)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    func testTheTablesAreCreatedOnFirstOpenWithASchemaVersion() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        XCTAssertNotNil(s.call("tenants/create", ["name": "first"])["id"])
        s.stop()
        let tables = try sql(
            store,
            "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE tablename LIKE 'model_lifecycle_%'"
        )
        XCTAssertEqual(
            tables.text(0, 0), "model_lifecycle_head,model_lifecycle_log,model_lifecycle_meta,model_lifecycle_snapshot")
        XCTAssertEqual(
            try sql(store, "SELECT value FROM model_lifecycle_meta WHERE key = 'schema_version'").text(0, 0), "1")
        _ = try sql(store, "UPDATE model_lifecycle_meta SET value = '2' WHERE key = 'schema_version'")
        let refused = try runToEnd(["serve", "--store", store])
        XCTAssertEqual(refused.status, 3)
        XCTAssertTrue(refused.err.contains("schema version 2"), refused.err)
    }

    func testVerifyOfADatabaseWithoutTablesSaysThereIsNoStoreAndCreatesNothing() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let r = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.out.contains("\"noStore\""), r.out)
        XCTAssertEqual(
            try sql(store, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'model_lifecycle_%'").text(0, 0), "0")
    }

    func testProcessesIdleAcrossCompactionsSeeAndKeepEveryWrite() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let a = try sysadminServer(store)
        let b = try sysadminServer(store)
        var expected = Set<String>()
        for round in 0..<4 {
            for (i, s) in [a, b].enumerated() {
                let name = "r\(round)-p\(i)"
                XCTAssertNotNil(s.call("tenants/create", ["name": .string(name)])["id"], name)
                expected.insert(name)
            }
            XCTAssertEqual(try runToEnd(["compact", "--store", store]).status, 0)
        }
        XCTAssertEqual(a.tenantNames, expected)
        XCTAssertEqual(b.tenantNames, expected)
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 0, v.out + v.err)
        XCTAssertTrue(v.out.contains("\"generation\" : 4") || v.out.contains("\"generation\": 4"), v.out)
        XCTAssertEqual(try sql(store, "SELECT count(*) FROM model_lifecycle_snapshot").text(0, 0), "1")
    }

    func testAServerCompactsByItselfAndAnotherProcessReloads() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_COMPACTION_BYTES"] = "2000"
        let writer = try sysadminServer(store, environment: env)
        let reader = try sysadminServer(store)
        XCTAssertNotNil(reader.call("tenants/create", ["name": "early"])["id"])
        for i in 0..<40 { XCTAssertNotNil(writer.call("tenants/create", ["name": .string("t\(i)")])["id"]) }
        let generation = Int(try sql(store, "SELECT generation FROM model_lifecycle_head").text(0, 0)) ?? 0
        XCTAssertGreaterThan(generation, 0, "the writer compacted on its own")
        XCTAssertEqual(reader.tenantNames.count, 41)
        XCTAssertNotNil(reader.call("tenants/create", ["name": "late"])["id"])
        XCTAssertEqual(writer.tenantNames.count, 42)
    }

    func testADamagedLogRecordRefusesToOpenAndNamesIt() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        XCTAssertNotNil(s.call("tenants/create", ["name": "kept"])["id"])
        s.stop()
        // Flip one payload byte: the record's checksum no longer matches.
        _ = try sql(
            store,
            "UPDATE model_lifecycle_log SET record = set_byte(record, 20, get_byte(record, 20) # 1) WHERE position = 1")
        let r = try runToEnd(["serve", "--store", store])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.err.contains("model_lifecycle_log position 1"), r.err)
        let v = try runToEnd(["verify", "--store", store])
        XCTAssertEqual(v.status, 3)
        XCTAssertTrue(v.out.contains("\"damage\""), v.out)
    }

    func testALostConnectionIsReplacedForTheNextRequest() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        XCTAssertNotNil(s.call("tenants/create", ["name": "before"])["id"])
        // The database ends the server's session (as a restart or a network cut would).
        _ = try sql(
            store,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'model-lifecycle'")
        XCTAssertNotNil(s.call("tenants/create", ["name": "after"])["id"], s.stderrText)
        XCTAssertEqual(s.tenantNames, ["before", "after"])
    }

    /// A request runs first on the state its process last saw (a write is then one round trip);
    /// when another process committed in between, that run is thrown away unseen and the request
    /// runs again on the newest state. Each request here is one that the stale state would answer
    /// wrongly.
    func testARequestRunOnAnOldStateIsRunAgainOnTheNewest() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let a = try sysadminServer(store)
        let b = try sysadminServer(store)
        XCTAssertNotNil(a.call("tenants/create", ["name": "a-first"])["id"])

        // A read that the old state would answer "not found".
        let fromB = b.call("tenants/create", ["name": "from-b"]).id
        XCTAssertEqual(a.call("tenants/get", ["id": .string(fromB)])["name"], "from-b")

        // A write that the old state would accept: the name is taken since.
        XCTAssertNotNil(a.call("tenants/create", ["name": "a-second"])["id"])
        XCTAssertNotNil(b.call("tenants/create", ["name": "taken"])["id"])
        XCTAssertEqual(a.call("tenants/create", ["name": "taken"]).errorCode, "conflict")

        // A write that the old state would compute from the wrong value (an update of a tenant
        // another process renamed keeps the other's change to the other member).
        XCTAssertNotNil(a.call("tenants/create", ["name": "a-third"])["id"])
        XCTAssertNotNil(b.call("tenants/update", ["id": .string(fromB), "name": "renamed-by-b"])["id"])
        let updated = a.call("tenants/update", ["id": .string(fromB), "securityEnabled": true])
        XCTAssertEqual(updated["name"], "renamed-by-b", "\(updated)")
        XCTAssertEqual(updated["securityEnabled"], true)
        XCTAssertEqual(b.call("tenants/get", ["id": .string(fromB)])["name"], "renamed-by-b")

        // A request that reports progress: the out-of-date run sends nothing, the second run
        // sends one begin and one end.
        XCTAssertNotNil(a.call("tenants/create", ["name": "a-fourth"])["id"])
        XCTAssertNotNil(b.call("tenants/create", ["name": "late-from-b"])["id"])
        a.request(77, "lifecycle/cleanup", ["dryRun": true, "workDoneToken": "optimistic"])
        guard let (response, before) = a.response(to: 77) else { return }
        XCTAssertNotNil(response["result"], "\(response)")
        let kinds = before.filter { $0["method"] == "$/progress" && $0["params"]?["token"] == "optimistic" }
            .compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
        XCTAssertEqual(kinds.filter { $0 == "begin" }.count, 1, "\(kinds)")
        XCTAssertEqual(kinds.filter { $0 == "end" }.count, 1, "\(kinds)")
        XCTAssertEqual(a.tenantNames, b.tenantNames)
        XCTAssertEqual(a.tenantNames.count, 7)
    }

    /// A process that last met another writer reads first (no optimism): its write's refusals too
    /// must be of the newest state. (The history checker found an update answered not_found for a
    /// tenant another process had created 26 ms before.)
    func testAWriteAfterMeetingAnotherWriterIsRefusedOnlyByTheNewestState() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let a = try sysadminServer(store)
        let b = try sysadminServer(store)
        for round in 0..<3 {
            // a's own write, then one of b's, then a write of a's that meets b's commit (its
            // compare-and-set is superseded): a now reads first.
            XCTAssertNotNil(a.call("tenants/create", ["name": .string("a-\(round)")])["id"])
            XCTAssertNotNil(b.call("tenants/create", ["name": .string("b-\(round)")])["id"])
            XCTAssertNotNil(a.call("tenants/create", ["name": .string("a-again-\(round)")])["id"])
            let fresh = b.call("tenants/create", ["name": .string("fresh-\(round)")]).id
            let updated = a.call("tenants/update", ["id": .string(fresh), "securityEnabled": true])
            XCTAssertEqual(updated["securityEnabled"], true, "round \(round): \(updated)")
            XCTAssertEqual(a.call("tenants/create", ["name": .string("fresh-\(round)")]).errorCode, "conflict")
        }
    }

    /// What a run on an old state would report (here: how many assistants a migration moves)
    /// never reaches the client: only the run on the newest state reports progress.
    func testProgressComesOnlyFromTheRunOnTheNewestState() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let a = try sysadminServer(store)
        let b = try sysadminServer(store)
        let tenant = JSONValue.string(a.call("tenants/create", ["name": "Moves"]).id)
        let provider = a.call("providers/create", ["tenantId": tenant, "name": "P", "providerType": "openai"]).id
        var models: [JSONValue] = []
        for name in ["old", "new"] {
            models.append(
                .string(
                    a.call(
                        "models/create",
                        [
                            "tenantId": tenant, "kind": "completion", "name": .string(name),
                            "providerId": .string(provider),
                        ]
                    ).id))
        }
        let space = JSONValue.string(a.call("spaces/create", ["tenantId": tenant, "name": "S"]).id)
        for m in models { a.call("spaces/enableModel", ["tenantId": tenant, "spaceId": space, "modelId": m]) }
        for (s, name) in [(a, "from-a"), (b, "from-b")] {
            let made = s.call(
                "assistants/create",
                ["tenantId": tenant, "name": .string(name), "spaceId": space, "completionModelId": models[0]])
            XCTAssertNotNil(made["id"], "\(made)")
        }
        a.request(
            78, "migration/execute",
            ["tenantId": tenant, "fromModelId": models[0], "toModelId": models[1], "workDoneToken": "move"])
        guard let (response, before) = a.response(to: 78) else { return }
        XCTAssertEqual(response["result"]?["moved"]?["assistants"], 2, "\(response)")
        let messages = before.filter { $0["method"] == "$/progress" && $0["params"]?["token"] == "move" }
            .compactMap { $0["params"]?["value"]?["message"]?.stringValue }
        // Both assistants and the space's link; the old state knew one assistant.
        XCTAssertEqual(messages.filter { $0.hasSuffix("entities to move") }, ["3 entities to move"], "\(messages)")
    }

    func testTheDeepestAcceptedKwargsAreReadBack() throws {
        try requireDatabase()
        let store = ServerProcess.temporaryStore()
        let s = try sysadminServer(store)
        let t = s.call("tenants/create", ["name": "deep"])
        XCTAssertNotNil(t["id"])
        var kwargs: JSONValue = 1
        for _ in 0..<120 { kwargs = ["k": kwargs] }
        let p = s.call("providers/create", ["tenantId": t["id"]!, "name": "p", "providerType": "openai"])
        let m = s.call(
            "models/create",
            ["tenantId": t["id"]!, "kind": "completion", "name": "m", "providerId": p["id"]!])
        let sp = s.call("spaces/create", ["tenantId": t["id"]!, "name": "s"])
        _ = s.call("spaces/enableModel", ["tenantId": t["id"]!, "spaceId": sp["id"]!, "modelId": m["id"]!])
        let a = s.call(
            "assistants/create",
            [
                "tenantId": t["id"]!, "spaceId": sp["id"]!, "name": "a", "completionModelId": m["id"]!,
                "kwargs": kwargs,
            ])
        XCTAssertNotNil(a["id"], "\(a)")
        s.stop()
        let again = try sysadminServer(store)
        XCTAssertEqual(again.call("assistants/list", ["tenantId": t["id"]!])["total"], 1)
    }
}
