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
