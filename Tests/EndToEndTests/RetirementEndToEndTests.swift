import Foundation
import XCTest
import JSONRPC
import Domain
import Server

/// Contract §6 through the real binary: delete, force, cleanup, the schedule's state, the command.
final class RetirementEndToEndTests: XCTestCase {
    var root: ServerProcess!
    var admin: ServerProcess!
    var tenant = ""
    var provider = ""
    var space = ""

    override func setUpWithError() throws {
        root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        tenant = root.call("tenants/create", ["name": "Acme"]).id
        admin = try ServerProcess([], store: root.storeDirectory)
        admin.initialize(actor: Actors.admin(tenant))
        provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        space = admin.call("spaces/create", ["name": "Team"]).id
    }

    override func tearDown() {
        admin.stop()
        root.stop()
    }

    // MARK: helpers

    private func model(_ name: String) -> String {
        let r = admin.call(
            "models/create",
            ["kind": "completion", "name": .string(name), "providerId": .string(provider), "family": "gpt"])
        XCTAssertNil(r["error"], "\(r)")
        return r.id
    }

    private func enable(_ m: String) {
        admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])
    }

    private func assistant(on m: String) -> String {
        enable(m)
        return admin.call(
            "assistants/create", ["spaceId": .string(space), "name": "A", "completionModelId": .string(m)]
        ).id
    }

    private func template(on m: String) -> String {
        admin.call(
            "templates/create",
            ["kind": "assistant", "name": .string("T-" + UUID().uuidString.prefix(6)), "completionModelId": .string(m)]
        ).id
    }

    private func question(on m: String) {
        admin.call("questions/record", ["completionModelId": .string(m), "tokensIn": 1, "tokensOut": 1])
    }

    private func migrate(_ a: String, _ b: String) -> JSONValue {
        admin.call("migration/execute", ["fromModelId": .string(a), "toModelId": .string(b), "confirm": true])
    }

    private func cleanup(_ params: JSONObject = [:]) -> JSONValue { root.call("lifecycle/cleanup", .object(params)) }

    private func ids(_ report: JSONValue, _ key: String) -> [String] { report[key]?.arrayValue?.map(\.id) ?? [] }

    private func exists(_ m: String) -> Bool {
        (admin.call("models/list", ["includeDeleted": true, "limit": 500])["items"]?.arrayValue ?? []).contains {
            $0.id == m
        }
    }

    private static let future = "2999-01-01T00:00:00.000Z"

    // MARK: delete

    func testDeleteIsRefusedWhileInUseThenHidesTheModel() {
        let m = model("gpt-4-0613")
        let a = assistant(on: m)
        _ = template(on: m)
        let refused = admin.call("models/delete", ["id": .string(m)])
        XCTAssertEqual(refused.errorCode, "model_in_use")
        XCTAssertEqual(
            refused["error"]?["data"]?["references"],
            ["assistants": 1, "apps": 0, "services": 0, "assistantTemplates": 1, "appTemplates": 0, "collections": 0])

        admin.call("assistants/delete", ["id": .string(a)])
        for t in admin.call("templates/list")["items"]?.arrayValue ?? [] {
            admin.call("templates/delete", ["id": .string(t.id)])
        }
        XCTAssertEqual(
            admin.call("models/delete", ["id": .string(m)])["deleted"], "soft",
            "links and soft-deleted templates never block")
        XCTAssertEqual(admin.call("models/get", ["id": .string(m)]).errorCode, "not_found")
        XCTAssertEqual(admin.call("models/delete", ["id": .string(m)]).errorCode, "not_found")
        XCTAssertEqual(
            admin.call("migration/validate", ["fromModelId": .string(m), "toModelId": .string(model("other"))])
                .errorCode, "not_found")
        XCTAssertEqual(
            admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)]).errorCode, "not_found")
        XCTAssertFalse((admin.call("models/list")["items"]?.arrayValue ?? []).contains { $0.id == m })
        let listed = (admin.call("models/list", ["includeDeleted": true])["items"]?.arrayValue ?? []).first {
            $0.id == m
        }
        XCTAssertEqual(listed?["status"], "deleted")
        XCTAssertEqual(admin.call("spaces/get", ["id": .string(space)])["modelIds"], [], "its space link went with it")
        XCTAssertEqual(admin.call("audit/list", ["action": "model.deleted"])["items"]?.arrayValue?.count, 1)
    }

    func testForceDeleteIsSysadminOnlyAndRefusedWhileQuestionsOrMigrationSourcesHoldTheModel() {
        let m = model("gpt-3.5-turbo")
        question(on: m)
        XCTAssertEqual(admin.call("models/delete", ["id": .string(m), "force": true]).errorCode, "forbidden")
        let refused = root.call("models/delete", ["tenantId": .string(tenant), "id": .string(m), "force": true])
        XCTAssertEqual(refused.errorCode, "model_in_use")
        XCTAssertEqual(refused["error"]?["data"]?["references"]?["questions"], 1)

        XCTAssertEqual(admin.call("questions/purge", ["before": .string(Self.future)])["purged"], 1)
        admin.call("models/delete", ["id": .string(m)])
        XCTAssertEqual(
            root.call("models/delete", ["tenantId": .string(tenant), "id": .string(m), "force": true])["deleted"],
            "hard",
            "force takes an already soft-deleted model")
        XCTAssertFalse(exists(m))

        let target = model("gpt-4o")
        let source = model("gpt-4")
        _ = assistant(on: source)
        _ = migrate(source, target)
        XCTAssertEqual(
            root.call("models/delete", ["tenantId": .string(tenant), "id": .string(target), "force": true])["error"]?[
                "data"]?["references"]?["migrationSources"], 1)
    }

    // MARK: cleanup

    func testCleanupRemovesWhatNothingNeedsAndSaysWhyItKeepsTheRest() {
        // Removed: a soft-deleted model whose soft-deleted template is repointed to null.
        let free = model("free")
        let loose = template(on: free)
        admin.call("templates/delete", ["id": .string(loose)])
        admin.call("models/delete", ["id": .string(free)])
        // has_questions, and migration_target behind it: X (questions) → Y → Z.
        let x = model("x")
        let y = model("y")
        let z = model("z")
        _ = assistant(on: x)
        question(on: x)
        _ = migrate(x, y)
        _ = migrate(y, z)
        // active_references: a restored template pins a soft-deleted model.
        let pinned = model("pinned")
        let pin = template(on: pinned)
        admin.call("templates/delete", ["id": .string(pin)])
        admin.call("models/delete", ["id": .string(pinned)])
        admin.call("templates/restore", ["id": .string(pin)])

        let dry = cleanup(["dryRun": true])
        XCTAssertEqual(dry["dryRun"], true)
        XCTAssertEqual(ids(dry, "removed"), [free])
        XCTAssertEqual(
            Set(
                dry["skipped"]?.arrayValue?.map {
                    "\($0["name"]?.stringValue ?? ""):\($0["reason"]?.stringValue ?? "")"
                } ?? []),
            ["x:has_questions", "y:migration_target", "pinned:active_references"])
        XCTAssertTrue(exists(free), "a dry run changes nothing")

        let real = cleanup()
        XCTAssertEqual(real["dryRun"], false)
        XCTAssertEqual(ids(real, "removed"), ids(dry, "removed"), "the dry run reported the real run's decisions")
        XCTAssertEqual(real["skipped"], dry["skipped"])
        XCTAssertEqual(real["errors"], [])
        XCTAssertEqual(real["removed"]?[0], ["id": .string(free), "name": "free", "tenantId": .string(tenant)])
        XCTAssertFalse(exists(free))
        XCTAssertEqual(
            admin.call("templates/get", ["id": .string(loose), "includeDeleted": true])["completionModelId"], .null)
        XCTAssertTrue(exists(pinned))
        XCTAssertEqual(
            admin.call("audit/list", ["action": "model.hard_deleted"])["items"]?.arrayValue?.map { $0["entityId"] },
            [.string(free)])

        let again = cleanup()
        XCTAssertEqual(ids(again, "removed"), [], "idempotent")
        XCTAssertEqual(again["skipped"], real["skipped"])

        // Purging the questions frees X, and with X gone nothing holds Y: the chain collapses in one run.
        admin.call("questions/purge", ["before": .string(Self.future)])
        let freed = cleanup()
        XCTAssertEqual(ids(freed, "removed"), [x, y])
        XCTAssertTrue(exists(z))
    }

    func testASoftDeletedTemplateIsRepointedToTheReplacementAndHistoryStaysReadable() {
        let old = model("gpt-4-0314")
        let new = model("gpt-4o")
        _ = assistant(on: old)
        let t = template(on: old)
        admin.call("templates/delete", ["id": .string(t)])
        // Assistant templates are not selected: the soft-deleted one stays on the old model, which still retires.
        let migration = admin.call(
            "migration/execute",
            [
                "fromModelId": .string(old), "toModelId": .string(new),
                "entityTypes": ["assistants", "apps", "services", "appTemplates", "spaces"],
            ])
        XCTAssertEqual(migration["sourceRetired"], true, "\(migration)")
        XCTAssertEqual(
            admin.call("templates/get", ["id": .string(t), "includeDeleted": true])["completionModelId"], .string(old))
        XCTAssertEqual(ids(cleanup(), "removed"), [old])
        XCTAssertEqual(
            admin.call("templates/get", ["id": .string(t), "includeDeleted": true])["completionModelId"], .string(new))
        let entry = admin.call("migration/history", ["migrationId": migration["migrationId"]!])["items"]?[0]
        XCTAssertEqual(entry?["fromModelId"], .null)
        XCTAssertEqual(entry?["fromModelName"], "gpt-4-0314")
        XCTAssertEqual(entry?["toModelId"], .string(new))
        XCTAssertEqual(admin.call("migration/history")["items"]?.arrayValue?.count, 1, "readable tenant-wide")
        XCTAssertEqual(
            root.call("migration/history", ["tenantId": .string(tenant), "migrationId": migration["migrationId"]!])[
                "items"]?.arrayValue?.count, 1)
    }

    func testCleanupReportsProgressFromBeginToEndBeforeItsAnswer() {
        for k in 0..<3 { admin.call("models/delete", ["id": .string(model("p\(k)"))]) }
        root.request(91, "lifecycle/cleanup", ["workDoneToken": "clean-1"])
        guard let (response, before) = root.response(to: 91) else { return }
        XCTAssertEqual(response["result"]?["removed"]?.arrayValue?.count, 3)
        let kinds = before.filter { $0["method"] == "$/progress" && $0["params"]?["token"] == "clean-1" }
            .compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
        XCTAssertEqual(kinds.first, "begin")
        XCTAssertEqual(kinds.last, "end")
    }

    func testOnlyASysadminCleansUpAndTheLimitCapsARun() {
        XCTAssertEqual(admin.call("lifecycle/cleanup").errorCode, "forbidden")
        XCTAssertEqual(
            root.call("lifecycle/cleanup", ["tenantId": .string(tenant)]).errorCode, "-32602",
            "cleanup spans every tenant")
        XCTAssertEqual(root.call("lifecycle/cleanup", ["limit": 0]).errorCode, "-32602")
        let models = (0..<3).map { model("m\($0)") }
        for m in models {
            admin.call("models/delete", ["id": .string(m)])
            usleep(3_000)  // distinct deletion times (ties are ordered by id)
        }
        XCTAssertEqual(ids(cleanup(["limit": 2]), "removed"), Array(models.prefix(2)), "oldest first")
        XCTAssertEqual(ids(cleanup(), "removed"), [models[2]])
    }

    func testStatusShowsTheScheduleAndTheTenantsPartOfTheLastRun() throws {
        let s = admin.call("lifecycle/status")
        XCTAssertEqual(s["schedule"], "weekly sun 04:00")
        XCTAssertEqual(s["lastRun"], .null)
        let next = Formats.parseTimestamp(s["nextRunAt"]?.stringValue ?? "")
        XCTAssertNotNil(next)
        if let next { XCTAssertEqual(Int((next / 86_400_000 + 4) % 7), 0, "a Sunday") }

        let other = root.call("tenants/create", ["name": "Globex"]).id
        let otherProvider = root.call(
            "providers/create", ["tenantId": .string(other), "name": "P", "providerType": "vllm"]
        ).id
        let theirs = root.call(
            "models/create",
            ["tenantId": .string(other), "kind": "completion", "name": "theirs", "providerId": .string(otherProvider)]
        ).id
        root.call("models/delete", ["tenantId": .string(other), "id": .string(theirs)])
        let mine = model("mine")
        admin.call("models/delete", ["id": .string(mine)])
        XCTAssertEqual(Set(ids(cleanup(), "removed")), [theirs, mine])
        XCTAssertEqual(
            ids(admin.call("lifecycle/status")["lastRun"] ?? .null, "removed"), [mine],
            "another tenant's models never show")
        XCTAssertEqual(admin.call("lifecycle/status", ["tenantId": .string(other)]).errorCode, "not_found")
        XCTAssertEqual(
            ids(root.call("lifecycle/status", ["tenantId": .string(other)])["lastRun"] ?? .null, "removed"), [theirs])
    }

    func testTheCleanupCommandPrintsTheReport() throws {
        let m = model("cli-model")
        admin.call("models/delete", ["id": .string(m)])
        func command(_ extra: [String]) throws -> (Int32, JSONValue) {
            let p = try ServerProcess(["cleanup", "--store", root.storeDirectory] + extra)
            let status = p.waitForExit()?.status ?? -1
            return (status, (try? JSONParser.parse(Array(p.rawStdout))) ?? .null)
        }
        let dry = try command(["--dry-run"])
        XCTAssertEqual(dry.0, 0)
        XCTAssertEqual(ids(dry.1, "removed"), [m])
        XCTAssertEqual(dry.1["dryRun"], true)
        XCTAssertTrue(exists(m))
        let real = try command([])
        XCTAssertEqual(real.0, 0)
        XCTAssertEqual(ids(real.1, "removed"), [m])
        XCTAssertFalse(exists(m), "the serving processes see the command's commit")
        XCTAssertEqual(admin.call("lifecycle/status")["lastRun"]?["startedAt"], real.1["startedAt"])
        let bad = try ServerProcess(["cleanup", "--store", "/proc/nope"])
        XCTAssertEqual(bad.waitForExit()?.status, 3)
    }
}

/// The schedule's stored state and the notices, through the binary.
final class ScheduleAndNoticeEndToEndTests: XCTestCase {
    func testAMissedScheduledRunHappensAtTheNextStart() throws {
        let big = try StoreSeeder.bigTenant(
            assistants: 1, retired: 3, createdAt: Platform.systemClock() - 8 * 86_400_000)
        let s = try ServerProcess([], store: big.store)
        s.initialize(actor: Actors.sysadmin)
        var last: JSONValue = .null
        for _ in 0..<100 where last == .null {
            last = s.call("lifecycle/status", ["tenantId": .string(big.tenant)])["lastRun"] ?? .null
            if last == .null { usleep(50_000) }
        }
        XCTAssertEqual(
            last["removed"]?.arrayValue?.count, 3, "the store was created more than a week ago and never cleaned up")
        XCTAssertEqual(
            s.call("audit/list", ["tenantId": .string(big.tenant), "action": "model.hard_deleted"])["items"]?[0]?[
                "actor"],
            ["userId": "system", "name": "scheduled cleanup", "kind": "user", "planId": .null])
        s.stop()
    }

    func testTheScheduleSwitchedOffLeavesRetiredModelsAlone() throws {
        let big = try StoreSeeder.bigTenant(
            assistants: 1, retired: 3, createdAt: Platform.systemClock() - 8 * 86_400_000)
        let s = try ServerProcess(["--cleanup-schedule", "off"], store: big.store)
        s.initialize(actor: Actors.sysadmin)
        usleep(300_000)  // nothing to wait for: give a schedule that should not run the time to run
        let status = s.call("lifecycle/status", ["tenantId": .string(big.tenant)])
        XCTAssertEqual(status["schedule"], "off")
        XCTAssertEqual(status["lastRun"], .null)
        XCTAssertEqual(status["nextRunAt"], .null)
        s.stop()
    }

    func testAdminsHearAboutRetiringAndDeprecatedModelsInUse() throws {
        let dir = NSTemporaryDirectory() + "catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = dir + "/prices.json"
        func writeCatalog(_ dates: [String: String]) throws {
            var o = JSONObject()
            for (name, date) in dates.sorted(by: { $0.key < $1.key }) {
                o[name] = [
                    "litellm_provider": "openai", "mode": "chat", "deprecation_date": .string(date),
                    "successor_model": "gpt-4o",
                ]
            }
            try Data(JSONWriter.serialize(.object(o))).write(to: URL(fileURLWithPath: catalog))
        }
        // Built without a catalog, so every model is usable when the configuration is created.
        let store = ServerProcess.temporaryStore()
        let setup = try ServerProcess([], store: store)
        setup.initialize(actor: Actors.sysadmin)
        let tenant = setup.call("tenants/create", ["name": "Acme"]).id
        let provider = setup.call(
            "providers/create", ["tenantId": .string(tenant), "name": "OpenAI", "providerType": "openai"]
        ).id
        let space = setup.call("spaces/create", ["tenantId": .string(tenant), "name": "S"]).id
        var ids: [String: String] = [:]
        for name in ["retiring-in-use", "deprecated-in-use", "retiring-unused", "later"] {
            ids[name] =
                setup.call(
                    "models/create",
                    [
                        "tenantId": .string(tenant), "kind": "completion", "name": .string(name),
                        "providerId": .string(provider),
                    ]
                ).id
        }
        for name in ["retiring-in-use", "later"] {
            setup.call(
                "spaces/enableModel",
                ["tenantId": .string(tenant), "spaceId": .string(space), "modelId": .string(ids[name]!)])
            setup.call(
                "assistants/create",
                [
                    "tenantId": .string(tenant), "spaceId": .string(space), "name": "A",
                    "completionModelId": .string(ids[name]!),
                ])
        }
        setup.call(
            "templates/create",
            [
                "tenantId": .string(tenant), "kind": "app", "name": "T",
                "completionModelId": .string(ids["deprecated-in-use"]!),
            ])
        setup.stop()
        try writeCatalog([
            "retiring-in-use": "2026-12-01", "deprecated-in-use": "2026-01-01", "retiring-unused": "2026-12-02",
            "later": "2027-12-01",
        ])

        let serve = ["--catalog", catalog, "--today", "2026-11-25"]
        let admin = try ServerProcess(serve, store: store)
        admin.initialize(actor: Actors.admin(tenant))
        XCTAssertTrue(admin.waitFor(timeout: 5) { $0["method"] == "models/lifecycleNotice" })
        let notice = admin.takeMessages().first { $0["method"] == "models/lifecycleNotice" }?["params"]
        XCTAssertEqual(
            notice?["models"],
            [
                [
                    "id": .string(ids["deprecated-in-use"]!), "name": "deprecated-in-use", "status": "deprecated",
                    "deprecationDate": "2026-01-01",
                    "successorModel": "gpt-4o", "activeReferences": 1, "plannedMigration": .null,
                ],
                [
                    "id": .string(ids["retiring-in-use"]!), "name": "retiring-in-use", "status": "retiring",
                    "deprecationDate": "2026-12-01",
                    "successorModel": "gpt-4o", "activeReferences": 1, "plannedMigration": .null,
                ],
            ])

        // The catalog moves a date: the reload tells the admin again, now with the third model.
        try writeCatalog([
            "retiring-in-use": "2026-12-01", "deprecated-in-use": "2026-01-01", "retiring-unused": "2026-12-02",
            "later": "2026-12-20",
        ])
        admin.request(5, "catalog/reload")
        guard let (reloaded, before) = admin.response(to: 5) else { return }
        XCTAssertNotNil(reloaded["result"])
        let again = before.first { $0["method"] == "models/lifecycleNotice" }?["params"]?["models"]?.arrayValue?
            .compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(again, ["deprecated-in-use", "later", "retiring-in-use"])
        admin.stop()

        for actor in [Actors.member(tenant), Actors.sysadmin] {
            let other = try ServerProcess(serve, store: store)
            other.initialize(actor: actor)
            _ = other.call("catalog/info")
            XCTAssertFalse(
                other.takeMessages().contains { $0["method"] == "models/lifecycleNotice" }, "admins only: \(actor)")
            other.stop()
        }
    }
}
