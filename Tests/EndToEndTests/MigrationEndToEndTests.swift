import Foundation
import XCTest
import JSONRPC

/// Contract §5 through the real binary: validate, execute, refusals, revert, history, audit.
final class MigrationEndToEndTests: XCTestCase {
    var root: ServerProcess!
    var admin: ServerProcess!
    var tenant = ""
    var provider = ""

    override func setUpWithError() throws {
        root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        tenant = root.call("tenants/create", ["name": "Acme", "securityEnabled": true]).id
        admin = try ServerProcess([], store: root.storeDirectory)
        admin.initialize(actor: Actors.admin(tenant))
        provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
    }

    override func tearDown() {
        admin.stop()
        root.stop()
    }

    // MARK: helpers

    private func model(
        _ name: String, _ extra: JSONObject = [:], on server: ServerProcess? = nil, provider p: String? = nil
    ) -> String {
        var params: JSONObject = [
            "kind": "completion", "name": .string(name), "providerId": .string(p ?? provider), "family": "gpt-4",
        ]
        for m in extra { params[m.key] = m.value }
        let r = (server ?? admin).call("models/create", .object(params))
        XCTAssertNil(r["error"], "\(r)")
        return r.id
    }

    private func space(_ name: String, enabling models: [String], classification: String? = nil) -> String {
        var p: JSONObject = ["name": .string(name)]
        if let classification { p["securityClassificationId"] = .string(classification) }
        let s = admin.call("spaces/create", .object(p)).id
        for m in models {
            XCTAssertNil(admin.call("spaces/enableModel", ["spaceId": .string(s), "modelId": .string(m)])["error"])
        }
        return s
    }

    private func config(_ group: String, in space: String, model: String, kwargs: JSONObject = [:]) -> String {
        let r = admin.call(
            "\(group)/create",
            [
                "spaceId": .string(space), "name": .string(group + "-" + UUID().uuidString.prefix(4)),
                "completionModelId": .string(model), "kwargs": .object(kwargs),
            ])
        XCTAssertNil(r["error"], "\(r)")
        return r.id
    }

    private func template(_ kind: String, model: String) -> String {
        admin.call(
            "templates/create",
            [
                "kind": .string(kind), "name": .string(kind + "-" + UUID().uuidString.prefix(4)),
                "completionModelId": .string(model),
            ]
        ).id
    }

    private func migrate(
        _ from: String, _ to: String, _ extra: JSONObject = [:], on server: ServerProcess? = nil
    ) -> JSONValue {
        var p: JSONObject = ["fromModelId": .string(from), "toModelId": .string(to)]
        for m in extra { p[m.key] = m.value }
        return (server ?? admin).call("migration/execute", .object(p))
    }

    private func validate(_ from: String, _ to: String, _ extra: JSONObject = [:]) -> JSONValue {
        var p: JSONObject = ["fromModelId": .string(from), "toModelId": .string(to)]
        for m in extra { p[m.key] = m.value }
        return admin.call("migration/validate", .object(p))
    }

    private func history(_ params: JSONObject = [:], on server: ServerProcess? = nil) -> [JSONValue] {
        (server ?? admin).call("migration/history", .object(params))["items"]?.arrayValue ?? []
    }

    private func modelOf(_ group: String, _ id: String) -> JSONValue? {
        admin.call(
            "\(group)/get", group == "templates" ? ["id": .string(id), "includeDeleted": true] : ["id": .string(id)])[
                "completionModelId"]
    }

    /// One of everything on `source`: the platform of contract §5's example.
    private struct Estate {
        var source = "", target = "", s1 = "", s2 = ""
        var assistants: [String] = [], apps: [String] = [], services: [String] = []
        var assistantTemplates: [String] = [], appTemplates: [String] = []
    }

    private func estate() -> Estate {
        var e = Estate()
        e.source = model("gpt-4-0613")
        e.target = model("gpt-4o-2024-08-06")
        e.s1 = space("Research", enabling: [e.source])
        e.s2 = space("Support", enabling: [e.source, e.target])
        e.assistants = [
            config("assistants", in: e.s1, model: e.source, kwargs: ["temperature": 0.2]),
            config("assistants", in: e.s2, model: e.source, kwargs: ["top_p": 0.9]),
            config("assistants", in: e.s2, model: e.source),
        ]
        e.apps = [config("apps", in: e.s1, model: e.source), config("apps", in: e.s2, model: e.source)]
        e.services = [config("services", in: e.s1, model: e.source)]
        e.assistantTemplates = [template("assistant", model: e.source), template("assistant", model: e.source)]
        admin.call("templates/delete", ["id": .string(e.assistantTemplates[1])])
        e.appTemplates = [template("app", model: e.source)]
        for _ in 0..<5 {
            admin.call("questions/record", ["completionModelId": .string(e.source), "tokensIn": 10, "tokensOut": 20])
        }
        return e
    }

    // MARK: a full migration

    func testAFullMigrationMovesEveryTypeWithExactCountsAndKeepsQuestions() {
        let e = estate()
        let v = validate(e.source, e.target)
        XCTAssertEqual(v["canMigrate"], true)
        XCTAssertEqual(v["requiresConfirmation"], false)
        XCTAssertEqual(v["issues"]?.arrayValue?.map { $0["code"] }, ["kwargs_reset"])
        XCTAssertEqual(v["issues"]?[0]?["data"], ["assistants": 2])
        XCTAssertEqual(
            v["impact"],
            [
                "assistants": 3, "apps": 2, "services": 1, "assistantTemplates": 2, "appTemplates": 1,
                "spaces": 2, "spacesGainingTarget": 1, "questionsKept": 5,
            ])
        XCTAssertEqual(validate(e.source, e.target)["planHash"], v["planHash"], "stable while nothing changes")

        let r = migrate(e.source, e.target, ["expectedPlanHash": v["planHash"]!])
        XCTAssertEqual(r["status"], "completed", "\(r)")
        XCTAssertEqual(
            r["moved"],
            ["assistants": 3, "apps": 2, "services": 1, "assistantTemplates": 2, "appTemplates": 1, "spaces": 2])
        XCTAssertEqual(r["total"], 11)
        XCTAssertEqual(r["sourceRetired"], true)

        for a in e.assistants { XCTAssertEqual(modelOf("assistants", a), .string(e.target)) }
        XCTAssertEqual(admin.call("assistants/get", ["id": .string(e.assistants[0])])["kwargs"], [:], "kwargs reset")
        for a in e.apps { XCTAssertEqual(modelOf("apps", a), .string(e.target)) }
        for s in e.services { XCTAssertEqual(modelOf("services", s), .string(e.target)) }
        for t in e.assistantTemplates + e.appTemplates { XCTAssertEqual(modelOf("templates", t), .string(e.target)) }
        XCTAssertEqual(admin.call("spaces/get", ["id": .string(e.s1)])["modelIds"], [.string(e.target)])
        XCTAssertEqual(admin.call("spaces/get", ["id": .string(e.s2)])["modelIds"], [.string(e.target)])
        XCTAssertEqual(
            admin.call("questions/count", ["modelId": .string(e.source)])["count"], 5, "questions are history")
        let source = admin.call("models/get", ["id": .string(e.source)])
        XCTAssertEqual(source["migratedToModelId"], .string(e.target))
        XCTAssertEqual(source["status"], "migrated")

        let h = history(["migrationId": r["migrationId"]!])
        XCTAssertEqual(h.count, 1)
        XCTAssertEqual(h[0]["kind"], "migration")
        XCTAssertEqual(h[0]["status"], "completed")
        XCTAssertEqual(h[0]["fromModelName"], "gpt-4-0613")
        XCTAssertEqual(h[0]["toProviderType"], "openai")
        XCTAssertEqual(h[0]["affectedCount"], 11)
        XCTAssertEqual(h[0]["movedCount"], 11)
        XCTAssertEqual(h[0]["issues"], ["kwargs_reset"])
        XCTAssertEqual(h[0]["errorMessage"], .null)
        XCTAssertEqual(h[0]["initiatedBy"], ["userId": "ada", "name": "Ada", "kind": "user", "planId": .null])
        XCTAssertEqual(h[0]["revertedBy"], .null)
        XCTAssertEqual(
            h[0]["entityTypes"], ["assistants", "apps", "services", "assistantTemplates", "appTemplates", "spaces"])

        let audit = admin.call("audit/list", ["action": "model.migrated"])["items"]?.arrayValue ?? []
        XCTAssertEqual(audit.count, 1)
        XCTAssertEqual(audit.first?["entityId"], .string(e.source))
        XCTAssertEqual(audit.first?["changes"]?["migrationId"], r["migrationId"])
    }

    func testProgressRunsFromBeginToEndBeforeTheResponse() {
        let e = estate()
        admin.request(
            77, "migration/execute",
            ["fromModelId": .string(e.source), "toModelId": .string(e.target), "workDoneToken": "mig-1"])
        guard let (response, before) = admin.response(to: 77) else { return }
        XCTAssertEqual(response["result"]?["status"], "completed")
        let kinds = before.filter { $0["method"] == "$/progress" && $0["params"]?["token"] == "mig-1" }.compactMap {
            $0["params"]?["value"]?["kind"]?.stringValue
        }
        XCTAssertEqual(kinds.first, "begin")
        XCTAssertEqual(kinds.last, "end")
        XCTAssertEqual(kinds.filter { $0 == "begin" || $0 == "end" }.count, 2)
        // Once committing, a cancel changes nothing: one report says so, after the reports of the
        // work it could still have stopped.
        let values = before.filter { $0["method"] == "$/progress" && $0["params"]?["token"] == "mig-1" }
            .compactMap { $0["params"]?["value"] }
        XCTAssertEqual(values.first?["cancellable"], true)
        XCTAssertEqual(values.filter { $0["cancellable"] == false }.count, 1, "\(values)")
        let noReturn = values.firstIndex { $0["cancellable"] == false } ?? 0
        XCTAssertEqual(values[noReturn]["message"], "committing")
        XCTAssertTrue(
            values[..<noReturn].allSatisfy { ($0["percentage"]?.numberValue?.text ?? "0") != "100" }, "\(values)")
    }

    // MARK: refusals

    func testEveryRefusalLeavesAFailedHistoryEntryAndChangesNothingElse() {
        let e = estate()
        let disabled = model("disabled-target", ["isEnabled": false])
        let otherFamily = model("claude-3-5-sonnet", ["family": "claude"])

        let blocked = migrate(e.source, disabled)
        XCTAssertEqual(blocked.errorCode, "migration_blocked")
        XCTAssertEqual(blocked["error"]?["code"], 1020)
        XCTAssertEqual(blocked["error"]?["data"]?["issues"]?.arrayValue?.map { $0["code"] }, ["target_disabled"])

        let unconfirmed = migrate(e.source, otherFamily)
        XCTAssertEqual(unconfirmed.errorCode, "confirmation_required")
        XCTAssertEqual(unconfirmed["error"]?["data"]?["issues"]?.arrayValue?.map { $0["code"] }, ["different_family"])

        let stale = migrate(e.source, e.target, ["expectedPlanHash": "0000"])
        XCTAssertEqual(stale.errorCode, "stale_plan")
        XCTAssertEqual(stale["error"]?["data"]?["planHash"], validate(e.source, e.target)["planHash"])

        // Not past not_found / -32602: no history entry.
        XCTAssertEqual(migrate(e.source, UUID().uuidString.lowercased()).errorCode, "not_found")
        let questions = migrate(e.source, e.target, ["entityTypes": ["assistants", "questions"]])
        XCTAssertEqual(questions.errorCode, "-32602")
        XCTAssertEqual(questions["error"]?["data"]?["field"], "/entityTypes/1")
        XCTAssertEqual(migrate(e.source, e.target, ["entityTypes": ["bogus"]]).errorCode, "-32602")

        let entries = history()
        XCTAssertEqual(entries.map { $0["status"] }, ["failed", "failed", "failed"])
        XCTAssertEqual(
            entries.map { $0["toModelName"] }, ["gpt-4o-2024-08-06", "claude-3-5-sonnet", "disabled-target"],
            "newest first")
        XCTAssertEqual(entries[2]["issues"], ["target_disabled", "kwargs_reset"])
        for entry in entries {
            XCTAssertNotEqual(entry["errorMessage"], .null)
            XCTAssertEqual(entry["movedCount"], 0)
        }
        for a in e.assistants { XCTAssertEqual(modelOf("assistants", a), .string(e.source)) }
        XCTAssertEqual(admin.call("models/get", ["id": .string(e.source)])["migratedToModelId"], .null)
        XCTAssertEqual(
            admin.call("audit/list", ["action": "model.migrated"])["items"], [], "refused attempts write no audit entry"
        )

        let confirmed = migrate(e.source, otherFamily, ["confirm": true])
        XCTAssertEqual(confirmed["status"], "completed", "confirm: true accepts the warnings")
        XCTAssertEqual(confirmed["issues"]?.arrayValue?.map { $0["code"] }, ["different_family", "kwargs_reset"])
    }

    func testAPlanThatChangedSinceValidationIsStale() {
        let e = estate()
        let hash = validate(e.source, e.target)["planHash"]!
        let extra = config("assistants", in: e.s1, model: e.source)
        let current = validate(e.source, e.target)["planHash"]!
        XCTAssertNotEqual(hash, current)
        let stale = migrate(e.source, e.target, ["expectedPlanHash": hash])
        XCTAssertEqual(stale["error"]?["data"]?["planHash"], current)
        XCTAssertEqual(modelOf("assistants", extra), .string(e.source))
        XCTAssertEqual(migrate(e.source, e.target, ["expectedPlanHash": current])["total"], 12)
    }

    // MARK: partial runs and re-migration

    func testPartialEntityTypesMoveOnlyThoseAndKeepTheSourceInService() {
        let e = estate()
        let r = migrate(e.source, e.target, ["entityTypes": ["assistants", "appTemplates"]])
        XCTAssertEqual(r["moved"], ["assistants": 3, "appTemplates": 1])
        XCTAssertEqual(r["total"], 4)
        XCTAssertEqual(r["sourceRetired"], false)
        for a in e.apps { XCTAssertEqual(modelOf("apps", a), .string(e.source)) }
        XCTAssertEqual(modelOf("templates", e.assistantTemplates[0]), .string(e.source))
        XCTAssertEqual(
            admin.call("spaces/get", ["id": .string(e.s1)])["modelIds"], [.string(e.source), .string(e.target)],
            "links stay without spaces; the target is enabled where the source was")
        XCTAssertEqual(admin.call("models/get", ["id": .string(e.source)])["migratedToModelId"], .null)
        XCTAssertEqual(history().first?["entityTypes"], ["assistants", "appTemplates"])
        XCTAssertEqual(history().first?["affectedCount"], 4)

        // The rest later: now the source retires (a soft-deleted template alone does not hold it).
        let rest = migrate(e.source, e.target, ["entityTypes": ["apps", "services", "assistantTemplates"]])
        XCTAssertEqual(rest["total"], 5)
        XCTAssertEqual(rest["sourceRetired"], true)
    }

    func testAMigratedModelCannotBeMigratedAgainUntilReverted() {
        let e = estate()
        let third = model("gpt-4.1")
        let first = migrate(e.source, e.target)
        let again = validate(e.source, third)
        XCTAssertEqual(again["canMigrate"], false)
        XCTAssertEqual(again["issues"]?[0]?["code"], "source_already_migrated")
        XCTAssertEqual(migrate(e.source, third).errorCode, "migration_blocked")
        XCTAssertEqual(validate(third, e.source)["issues"]?[0]?["code"], "target_migrated")
        XCTAssertNil(admin.call("migration/revert", ["migrationId": first["migrationId"]!])["error"])
        XCTAssertEqual(
            migrate(e.source, third)["status"], "completed", "after a revert the source may be migrated again")
    }

    // MARK: security

    func testTheTargetMustMeetEverySpacesClassification() {
        let secret = admin.call("classifications/create", ["name": "Secret", "level": 3]).id
        let internalC = admin.call("classifications/create", ["name": "Internal", "level": 1]).id
        let source = model("gpt-4-secure", ["securityClassificationId": .string(secret)])
        let unclassified = model("gpt-4o-open")
        let low = model("gpt-4o-internal", ["securityClassificationId": .string(internalC)])
        let equal = model("gpt-4o-secret", ["securityClassificationId": .string(secret)])
        let vault = space("Vault", enabling: [source], classification: secret)
        _ = space("Lobby", enabling: [source])
        _ = config("assistants", in: vault, model: source)

        let none = validate(source, unclassified)["issues"]?[0]
        XCTAssertEqual(none?["code"], "security_classification_insufficient")
        XCTAssertEqual(none?["data"], ["spaces": 1, "spaceIds": [.string(vault)], "targetLevel": .null])
        XCTAssertEqual(validate(source, low)["issues"]?[0]?["data"]?["targetLevel"], 1)
        XCTAssertEqual(validate(source, equal)["canMigrate"], true, "a target at the space's level passes")
        let refused = migrate(source, low, ["confirm": true])
        XCTAssertEqual(refused.errorCode, "migration_blocked", "confirm never overrides a blocker")

        root.call("tenants/update", ["id": .string(tenant), "securityEnabled": false])
        XCTAssertEqual(validate(source, unclassified)["canMigrate"], true, "security disabled never blocks")
    }

    // MARK: tenants

    func testAnotherTenantsConfigurationOnASameNamedModelIsUntouchedAndInvisible() throws {
        let e = estate()
        let otherTenant = root.call("tenants/create", ["name": "Globex"]).id
        let other = try ServerProcess([], store: root.storeDirectory)
        other.initialize(actor: ["userId": "bob", "name": "Bob", "tenantId": .string(otherTenant), "role": "admin"])
        let otherProvider = other.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        let theirs = model("gpt-4-0613", on: other, provider: otherProvider)
        let theirSpace = other.call("spaces/create", ["name": "Theirs"]).id
        other.call("spaces/enableModel", ["spaceId": .string(theirSpace), "modelId": .string(theirs)])
        let theirAssistant = other.call(
            "assistants/create", ["spaceId": .string(theirSpace), "name": "B", "completionModelId": .string(theirs)]
        ).id

        let r = migrate(e.source, e.target)
        XCTAssertEqual(r["total"], 11)
        XCTAssertEqual(
            other.call("assistants/get", ["id": .string(theirAssistant)])["completionModelId"], .string(theirs))
        XCTAssertEqual(other.call("models/get", ["id": .string(theirs)])["migratedToModelId"], .null)
        XCTAssertEqual(other.call("migration/history", ["migrationId": r["migrationId"]!]).errorCode, "not_found")
        XCTAssertEqual(history(on: other), [])
        XCTAssertEqual(
            migrate(theirs, e.target, on: other).errorCode, "not_found", "another tenant's model does not exist here")
        XCTAssertEqual(migrate(e.source, theirs).errorCode, "not_found")
        XCTAssertEqual(other.call("migration/revert", ["migrationId": r["migrationId"]!]).errorCode, "not_found")
        XCTAssertEqual(
            root.call("migration/history", ["tenantId": .string(tenant)])["items"]?.arrayValue?.count, 1,
            "a sysadmin sees it with tenantId")
        other.stop()
    }

    // MARK: revert

    func testRevertRestoresWhatStillPointsAtTheTargetAndListsTheRest() {
        let e = estate()
        let r = migrate(e.source, e.target)
        let mid = r["migrationId"]!
        // Changed since: an assistant renamed, an app deleted.
        admin.call("assistants/update", ["id": .string(e.assistants[1]), "name": "Renamed"])
        admin.call("apps/delete", ["id": .string(e.apps[0])])

        let undo = admin.call("migration/revert", ["migrationId": mid])
        XCTAssertEqual(undo["revertedMigrationId"], mid)
        XCTAssertEqual(
            undo["restored"], ["appTemplates": 1, "apps": 1, "assistantTemplates": 2, "assistants": 2, "services": 1])
        XCTAssertEqual(
            Set(undo["skipped"]?.arrayValue ?? []),
            [
                ["entityType": "assistants", "entityId": .string(e.assistants[1]), "reason": "changed"],
                ["entityType": "apps", "entityId": .string(e.apps[0]), "reason": "deleted"],
            ])

        XCTAssertEqual(modelOf("assistants", e.assistants[0]), .string(e.source))
        XCTAssertEqual(
            admin.call("assistants/get", ["id": .string(e.assistants[0])])["kwargs"], ["temperature": 0.2],
            "old kwargs come back")
        XCTAssertEqual(modelOf("assistants", e.assistants[1]), .string(e.target), "changed since: left alone")
        XCTAssertEqual(modelOf("templates", e.assistantTemplates[1]), .string(e.source))
        XCTAssertEqual(admin.call("models/get", ["id": .string(e.source)])["migratedToModelId"], .null)
        // s1 had no target before and nothing there uses it now: the added link goes; s2 keeps the renamed assistant on the target.
        XCTAssertEqual(admin.call("spaces/get", ["id": .string(e.s1)])["modelIds"], [.string(e.source)])
        XCTAssertEqual(
            Set(admin.call("spaces/get", ["id": .string(e.s2)])["modelIds"]?.arrayValue ?? []),
            [.string(e.source), .string(e.target)])

        let entries = history()
        XCTAssertEqual(entries.map { $0["kind"] }, ["revert", "migration"])
        XCTAssertEqual(entries[0]["revertsMigrationId"], mid)
        XCTAssertEqual(entries[1]["status"], "reverted")
        XCTAssertEqual(entries[1]["revertedBy"], ["userId": "ada", "name": "Ada", "kind": "user", "planId": .null])
        XCTAssertEqual(entries[0]["fromModelId"], .string(e.target))
        XCTAssertEqual(admin.call("audit/list", ["action": "migration.reverted"])["items"]?.arrayValue?.count, 1)

        let twice = admin.call("migration/revert", ["migrationId": mid])
        XCTAssertEqual(twice.errorCode, "revert_refused")
        XCTAssertEqual(twice["error"]?["data"]?["reason"], "already_reverted")
        XCTAssertEqual(
            admin.call("migration/revert", ["migrationId": undo["migrationId"]!])["error"]?["data"]?["reason"],
            "not_a_migration")
    }

    func testRevertIsRefusedForFailedAttemptsAndDeletedSources() {
        let e = estate()
        let failed = migrate(e.source, model("off", ["isEnabled": false]))
        XCTAssertEqual(failed.errorCode, "migration_blocked")
        let failedId = history()[0]["migrationId"]!
        XCTAssertEqual(
            admin.call("migration/revert", ["migrationId": failedId])["error"]?["data"]?["reason"], "not_completed")

        let done = migrate(e.source, e.target)
        XCTAssertNil(
            admin.call("models/delete", ["id": .string(e.source)])["error"], "a retired source can be soft-deleted")
        let refused = admin.call("migration/revert", ["migrationId": done["migrationId"]!])
        XCTAssertEqual(refused.errorCode, "revert_refused")
        XCTAssertEqual(refused["error"]?["data"]?["reason"], "source_deleted")
        XCTAssertEqual(
            admin.call("migration/revert", ["migrationId": .string(UUID().uuidString.lowercased())]).errorCode,
            "not_found")
    }

    // MARK: history

    func testHistoryOfAHardDeletedModelStaysReadableByTenantAndMigrationId() {
        let source = model("gpt-3.5-turbo-0301")
        let target = model("gpt-4o-mini")
        let s = space("Team", enabling: [source])
        _ = config("assistants", in: s, model: source)
        let r = migrate(source, target)
        XCTAssertEqual(r["sourceRetired"], true)
        let deleted = root.call("models/delete", ["tenantId": .string(tenant), "id": .string(source), "force": true])
        XCTAssertNil(deleted["error"], "\(deleted)")

        let byId = history(["migrationId": r["migrationId"]!])
        XCTAssertEqual(byId.first?["fromModelId"], .null)
        XCTAssertEqual(byId.first?["fromModelName"], "gpt-3.5-turbo-0301")
        XCTAssertEqual(byId.first?["fromProviderType"], "openai")
        XCTAssertEqual(byId.first?["toModelId"], .string(target))
        XCTAssertEqual(history().count, 1, "tenant-wide history keeps it")
        XCTAssertEqual(history(["modelId": .string(target)]).count, 1)
        XCTAssertEqual(admin.call("migration/history", ["modelId": .string(source)]).errorCode, "not_found")
    }

    func testHistoryIsNewestFirstAndPaginated() {
        let source = model("a")
        let targets = (0..<5).map { model("t\($0)", ["isEnabled": false]) }
        for t in targets { _ = migrate(source, t) }
        let first = admin.call("migration/history", ["limit": 2])
        XCTAssertEqual(first["items"]?.arrayValue?.map { $0["toModelName"] }, ["t4", "t3"])
        let second = admin.call("migration/history", ["limit": 2, "cursor": first["nextCursor"]!])
        XCTAssertEqual(second["items"]?.arrayValue?.map { $0["toModelName"] }, ["t2", "t1"])
        XCTAssertEqual(history(["modelId": .string(targets[0])]).count, 1)
        XCTAssertEqual(admin.call("migration/history", ["cursor": "nope"]).errorCode, "-32602")
    }

    // MARK: suggestions

    func testSuggestionsPutTheCatalogSuccessorFirstAndBlockedCandidatesLast() {
        let source = model("legacy")
        let blocked = model("aaa-disabled", ["isEnabled": false])
        let clean = model("bbb-clean")
        let warned = model("ccc-other-family", ["family": "claude"])
        _ = (blocked, clean, warned)
        let items = admin.call("models/suggestReplacement", ["id": .string(source)])["items"]?.arrayValue ?? []
        XCTAssertEqual(items.map { $0["name"] }, ["bbb-clean", "ccc-other-family", "aaa-disabled"])
        XCTAssertEqual(items.last?["canMigrate"], false)
        XCTAssertEqual(items[1]["issueCodes"], ["different_family"])
        XCTAssertFalse(items.contains { $0["modelId"] == .string(source) }, "the source is never listed")
        XCTAssertEqual(
            admin.call("models/suggestReplacement", ["id": .string(source), "limit": 1])["items"]?.arrayValue?.count, 1)
    }

    func testTheCatalogSuccessorRanksFirstEvenWithWarnings() throws {
        guard let catalog = RegistryEndToEndTests.catalogPath else {
            throw XCTSkip("../shared/data/litellm_model_prices.json is absent")
        }
        let store = root.storeDirectory
        let withCatalog = try ServerProcess(["--catalog", catalog], store: store)
        withCatalog.initialize(actor: Actors.admin(tenant))
        let entry = withCatalog.call("catalog/lookup", ["name": "gpt-4-0613", "providerType": "openai"])
        guard let successor = entry["successorModel"]?.stringValue else {
            withCatalog.stop()
            throw XCTSkip("catalog has no successor for gpt-4-0613")
        }
        let source = model("gpt-4-0613", on: withCatalog)
        _ = model("aaa-same-family", on: withCatalog)
        _ = model(
            successor.split(separator: "/").last.map(String.init) ?? successor, ["family": "other"], on: withCatalog)
        let items = withCatalog.call("models/suggestReplacement", ["id": .string(source)])["items"]?.arrayValue ?? []
        XCTAssertEqual(items.first?["name"]?.stringValue, successor.split(separator: "/").last.map(String.init))
        XCTAssertTrue(
            items.first?["reasons"]?.arrayValue?.contains { $0.stringValue?.hasPrefix("catalog successor") == true }
                ?? false)
        withCatalog.stop()
    }
}
