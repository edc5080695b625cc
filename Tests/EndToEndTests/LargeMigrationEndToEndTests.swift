import Foundation
import XCTest
import JSONRPC

/// Migrations of tens of thousands of assistants: one commit, cancellable with nothing changed,
/// and all-or-nothing across SIGKILL.
final class LargeMigrationEndToEndTests: XCTestCase {
    static let size = 30_000

    private func admin(_ big: StoreSeeder.BigTenant) throws -> ServerProcess {
        let s = try ServerProcess([], store: big.store)
        s.initialize(actor: Actors.admin(big.tenant))
        return s
    }

    private func executeParams(_ big: StoreSeeder.BigTenant) -> JSONValue {
        ["fromModelId": .string(big.source), "toModelId": .string(big.target), "workDoneToken": "big"]
    }

    func testALargeMigrationIsOneCommitWithProgress() throws {
        try skipOnDatabase("it counts the records of the journal file")
        let big = try StoreSeeder.bigTenant(assistants: Self.size, filler: Self.size / 3)
        let s = try admin(big)
        XCTAssertEqual(try StoreSeeder.journalRecordCount(big.store), 0)
        let started = Date()
        s.request(1, "migration/execute", executeParams(big))
        guard let (response, before) = s.response(to: 1, timeout: 120) else { return }
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(response["result"]?["moved"]?["assistants"], .int(Self.size), "\(response)")
        XCTAssertEqual(response["result"]?["sourceRetired"], true)
        let progress = before.filter { $0["method"] == "$/progress" }.compactMap { $0["params"]?["value"] }
        XCTAssertEqual(progress.first?["kind"], "begin")
        XCTAssertEqual(progress.last?["kind"], "end")
        let percentages = progress.compactMap { $0["percentage"]?.numberValue?.int64Value }
        XCTAssertEqual(percentages, percentages.sorted(), "percentages never go back")
        XCTAssertGreaterThan(progress.count, 4, "a large migration reports as it goes")
        XCTAssertEqual(s.call("usage/stats", ["modelId": .string(big.target)])["assistants"], .int(Self.size))
        XCTAssertEqual(
            s.call("usage/stats", ["modelId": .string(big.target)])["apps"], .int(Self.size / 3),
            "the filler is untouched")
        s.stop()
        XCTAssertEqual(try StoreSeeder.journalRecordCount(big.store), 1, "one commit, not \(Self.size)")
        print("migrated \(Self.size) assistants in \(String(format: "%.2f", seconds)) s (debug build)")
    }

    func testReadsRightBehindAMigrationSeeItAndARestartedServerCanRevertIt() throws {
        let big = try StoreSeeder.bigTenant(assistants: 5_000)
        let s = try admin(big)
        // Pipelined in one write: the reads arrive before the migration's answer has left, so the
        // server must apply the commit (answered once durable) before it answers them.
        s.sendRaw(
            ServerProcess.frame([
                "jsonrpc": "2.0", "id": 1, "method": "migration/execute", "params": executeParams(big),
            ])
                + ServerProcess.frame([
                    "jsonrpc": "2.0", "id": 2, "method": "usage/stats", "params": ["modelId": .string(big.target)],
                ])
                + ServerProcess.frame([
                    "jsonrpc": "2.0", "id": 3, "method": "models/get", "params": ["id": .string(big.source)],
                ]))
        guard let (migrated, _) = s.response(to: 1), let (stats, _) = s.response(to: 2),
            let (source, _) = s.response(to: 3)
        else { return }
        XCTAssertEqual(migrated["result"]?["moved"]?["assistants"], 5_000, "\(migrated)")
        XCTAssertEqual(stats["result"]?["assistants"], 5_000)
        XCTAssertEqual(source["result"]?["migratedToModelId"], .string(big.target))
        s.stop()

        // A new process rebuilds the undo list by replaying the one compact change.
        let again = try admin(big)
        let reverted = again.call("migration/revert", ["migrationId": migrated["result"]!["migrationId"]!])
        XCTAssertEqual(reverted["restored"]?["assistants"], 5_000, "\(reverted)")
        XCTAssertEqual(reverted["skipped"], [])
        XCTAssertEqual(again.call("usage/stats", ["modelId": .string(big.source)])["assistants"], 5_000)
        again.stop()
        let v = try ServerProcess(["verify", "--store", big.store])
        XCTAssertEqual(v.waitForExit()?.status, 0, String(decoding: v.rawStdout, as: UTF8.self))
    }

    func testACancelledLargeMigrationLeavesTheStoreExactlyAsBefore() throws {
        try skipOnDatabase("it compares the store's files byte for byte")
        let big = try StoreSeeder.bigTenant(assistants: Self.size)
        let s = try admin(big)
        let before = try StoreSeeder.fingerprint(big.store)
        // Planning takes milliseconds whatever the size, so the test holds the store's write lock
        // (as another process would) to keep the migration waiting until the cancel has arrived.
        let lock = open(big.store + "/lock", O_RDWR)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        s.request(1, "migration/execute", executeParams(big))
        XCTAssertTrue(s.waitFor { $0["method"] == "$/progress" && $0["params"]?["value"]?["kind"] == "begin" })
        s.notify("$/cancelRequest", ["id": 1])
        usleep(500_000)  // the reader thread records the cancel at once; this is ample even on a loaded machine
        flock(lock, LOCK_UN)
        close(lock)
        guard let (response, progress) = s.response(to: 1, timeout: 120) else { return }
        XCTAssertEqual(response["error"]?["code"], -32800, "the cancel arrived while the migration ran: \(response)")
        XCTAssertEqual(progress.last?["params"]?["value"]?["kind"], "end", "progress ends before the response")
        XCTAssertEqual(try StoreSeeder.fingerprint(big.store), before, "not a byte changed")
        XCTAssertEqual(s.call("usage/stats", ["modelId": .string(big.source)])["assistants"], .int(Self.size))
        XCTAssertEqual(s.call("migration/history")["items"], [], "a cancel is not a refusal: no history entry")
        s.stop()
    }

    func testAKilledLargeMigrationIsEntirelyAppliedOrNotAtAll() throws {
        var applied = 0
        var absent = 0
        var rng = seededGenerator()
        for round in 0..<6 {
            let big = try StoreSeeder.bigTenant(assistants: 10_000, spaces: 20)
            let s = try admin(big)
            s.request(1, "migration/execute", executeParams(big))
            XCTAssertTrue(s.waitFor { $0["method"] == "$/progress" })
            usleep(UInt32.random(in: 0...400_000, using: &rng))
            kill(s.process.processIdentifier, SIGKILL)
            _ = s.waitForExit()

            let v = try ServerProcess(["verify", "--store", big.store])
            XCTAssertEqual(
                v.waitForExit()?.status, 0,
                "verify after kill \(round): \(String(decoding: v.rawStdout, as: UTF8.self))")

            let check = try admin(big)
            let onSource = check.call("usage/stats", ["modelId": .string(big.source)])["assistants"]
            let onTarget = check.call("usage/stats", ["modelId": .string(big.target)])["assistants"]
            let entries = check.call("migration/history")["items"]?.arrayValue ?? []
            let source = check.call("models/get", ["id": .string(big.source)])
            if onTarget == 10_000 {
                applied += 1
                XCTAssertEqual(onSource, 0)
                XCTAssertEqual(entries.map { $0["status"] }, ["completed"], "applied with its history entry")
                XCTAssertEqual(source["migratedToModelId"], .string(big.target))
                XCTAssertEqual(check.call("audit/list", ["action": "model.migrated"])["items"]?.arrayValue?.count, 1)
            } else {
                absent += 1
                XCTAssertEqual(onSource, 10_000, "round \(round): partial migration")
                XCTAssertEqual(onTarget, 0)
                XCTAssertEqual(entries, [])
                XCTAssertEqual(source["migratedToModelId"], .null)
            }
            check.stop()
        }
        print("killed large migrations: \(applied) applied, \(absent) absent")
    }
}

/// A cleanup of hundreds of models under SIGKILL: every model fully removed or fully present.
final class LargeCleanupEndToEndTests: XCTestCase {
    func testAKilledCleanupRemovesEveryModelOrNone() throws {
        var rng = seededGenerator()
        var outcomes: [String: Int] = [:]
        for round in 0..<6 {
            let big = try StoreSeeder.bigTenant(assistants: 10, retired: 500)
            let s = try ServerProcess([], store: big.store)
            s.initialize(actor: Actors.sysadmin)
            s.request(1, "lifecycle/cleanup", ["workDoneToken": "c"])
            XCTAssertTrue(s.waitFor { $0["method"] == "$/progress" })
            usleep(UInt32.random(in: 0...150_000, using: &rng))
            kill(s.process.processIdentifier, SIGKILL)
            _ = s.waitForExit()

            let v = try ServerProcess(["verify", "--store", big.store])
            XCTAssertEqual(v.waitForExit()?.status, 0, "round \(round)")
            let report = try JSONParser.parse(Array(v.rawStdout))
            let models = report["counts"]?["models"]?.numberValue?.int64Value

            let check = try ServerProcess([], store: big.store)
            check.initialize(actor: Actors.sysadmin)
            let templates =
                check.call("templates/list", ["tenantId": .string(big.tenant), "includeDeleted": true, "limit": 500])[
                    "items"]?.arrayValue ?? []
            let repointed = templates.filter { $0["completionModelId"] == .null }.count
            let history =
                check.call("migration/history", ["tenantId": .string(big.tenant), "limit": 500])["items"]?.arrayValue
                ?? []
            let detached = history.filter { $0["fromModelId"] == .null }.count
            let audits = check.call(
                "audit/list", ["tenantId": .string(big.tenant), "action": "model.hard_deleted", "limit": 500])["total"]
            if models == 2 {
                outcomes["removed", default: 0] += 1
                XCTAssertEqual(repointed, 500)
                XCTAssertEqual(detached, 500, "history ids nulled with the models")
                XCTAssertEqual(audits, 500)
                XCTAssertEqual(
                    check.call("lifecycle/status", ["tenantId": .string(big.tenant)])["lastRun"]?["removed"]?
                        .arrayValue?.count, 500)
            } else {
                outcomes["present", default: 0] += 1
                XCTAssertEqual(models, 502, "round \(round): a partial cleanup")
                XCTAssertEqual(repointed, 0)
                XCTAssertEqual(detached, 0)
                XCTAssertEqual(audits, 0)
            }
            check.stop()
        }
        print("killed cleanups: \(outcomes)")
    }
}
