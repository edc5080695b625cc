import Foundation
import XCTest
import JSONRPC

/// The lifecycle rules learnt after the seed's first migration engine, through the binary: a
/// split target is refused, a sysadmin may pass a blocker on purpose (audited), disabled and
/// deprecated sources stay migratable, and templates take only usable completion models.
final class LifecycleRulesEndToEndTests: XCTestCase {
    private var root: ServerProcess!
    private var admin: ServerProcess!
    private var tenant = ""
    private var space = ""
    private var provider = ""

    override func setUpWithError() throws {
        root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        tenant = root.call("tenants/create", ["name": "Rules"]).id
        admin = try ServerProcess([], store: root.storeDirectory)
        admin.initialize(actor: Actors.admin(tenant))
        provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        space = admin.call("spaces/create", ["name": "Support"]).id
    }

    override func tearDown() {
        admin.stop()
        root.stop()
    }

    /// A completion model enabled in the space.
    private func model(_ name: String, kind: String = "completion") -> String {
        let id = admin.call(
            "models/create", ["kind": .string(kind), "name": .string(name), "providerId": .string(provider)]
        ).id
        if kind == "completion" {
            admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(id)])
        }
        return id
    }

    /// A source with an assistant and an app on it.
    private func sourceInUse(_ name: String) -> String {
        let m = model(name)
        for method in ["assistants/create", "apps/create"] {
            XCTAssertNotNil(
                admin.call(
                    method, ["spaceId": .string(space), "name": .string("on \(name)"), "completionModelId": .string(m)])[
                        "id"])
        }
        return m
    }

    private func migrate(
        _ s: ServerProcess, _ from: String, _ to: String, _ extra: JSONObject = [:]
    ) -> JSONValue {
        var params: JSONObject = ["fromModelId": .string(from), "toModelId": .string(to)]
        if s === root { params["tenantId"] = .string(tenant) }
        for m in extra { params[m.key] = m.value }
        return s.call("migration/execute", .object(params))
    }

    private func blockers(_ r: JSONValue) -> [String] {
        r["error"]?["data"]?["issues"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
    }

    func testAPartialMigrationFixesTheTargetUntilItIsReverted() {
        let a = sourceInUse("gpt-4-0613")
        let b = model("gpt-4o")
        let c = model("gpt-4.1")
        let partial = migrate(admin, a, b, ["entityTypes": ["assistants"]])
        XCTAssertEqual(partial["sourceRetired"], false, "\(partial)")

        let plan = admin.call("migration/validate", ["fromModelId": .string(a), "toModelId": .string(c)])
        XCTAssertEqual(plan["canMigrate"], false)
        let split = plan["issues"]?.arrayValue?.first { $0["code"] == "split_target" }
        XCTAssertEqual(split?["severity"], "blocker")
        XCTAssertEqual(split?["data"]?["earlierTargetIds"], [.string(b)])
        // Partial or whole, elsewhere is refused; confirm does not pass a blocker.
        XCTAssertEqual(blockers(migrate(admin, a, c, ["entityTypes": ["apps"]])), ["split_target"])
        XCTAssertEqual(blockers(migrate(admin, a, c, ["confirm": true])), ["split_target"])
        // The same target takes the rest.
        XCTAssertEqual(migrate(admin, a, b, ["entityTypes": ["apps"]])["sourceRetired"], true)

        // Reverted, the earlier choice binds no more.
        let d = sourceInUse("gpt-3.5-turbo")
        let first = migrate(admin, d, b, ["entityTypes": ["apps"]])
        XCTAssertEqual(blockers(migrate(admin, d, c)), ["split_target"])
        XCTAssertNotNil(admin.call("migration/revert", ["migrationId": first["migrationId"] ?? .null])["migrationId"])
        XCTAssertEqual(migrate(admin, d, c)["status"], "completed")
    }

    func testASysadminPassesANamedBlockerWithAReasonAndItIsKept() {
        let a = sourceInUse("gpt-4-0613")
        let b = model("gpt-4o")
        let c = model("gpt-4.1")
        _ = migrate(admin, a, b, ["entityTypes": ["assistants"]])
        let asked: JSONObject = ["overrideBlockers": ["split_target"], "overrideReason": "apps go to 4.1 by design"]

        XCTAssertEqual(migrate(admin, a, c, asked).errorCode, "forbidden", "admins cannot override")
        let never = migrate(root, a, c, ["overrideBlockers": ["kind_mismatch"], "overrideReason": "no"])
        XCTAssertEqual(never["error"]?["data"]?["field"], "/overrideBlockers/0", "\(never)")
        let noReason = migrate(root, a, c, ["overrideBlockers": ["split_target"]])
        XCTAssertEqual(noReason["error"]?["data"]?["field"], "/overrideReason", "\(noReason)")
        let otherCode = migrate(root, a, c, ["overrideBlockers": ["target_disabled"], "overrideReason": "x"])
        XCTAssertEqual(blockers(otherCode), ["split_target"], "only the blockers named pass")

        let done = migrate(root, a, c, asked)
        XCTAssertEqual(done["status"], "completed", "\(done)")
        let entry = admin.call("migration/history", ["migrationId": done["migrationId"] ?? .null])["items"]?[0]
        XCTAssertEqual(entry?["overriddenBlockers"], ["split_target"])
        XCTAssertEqual(entry?["overrideReason"], "apps go to 4.1 by design")
        XCTAssertEqual(entry?["initiatedBy"]?["userId"], Actors.sysadmin["userId"])
        let audit = admin.call("audit/list", ["action": "model.migrated"])["items"]?.arrayValue ?? []
        let audited = audit.first { $0["changes"]?["migrationId"] == done["migrationId"] }
        XCTAssertEqual(audited?["changes"]?["overriddenBlockers"], ["split_target"])
        XCTAssertEqual(audited?["changes"]?["overrideReason"], "apps go to 4.1 by design")
        // An ordinary migration records no override.
        let plain = admin.call("migration/history", ["limit": 10])["items"]?.arrayValue?.last
        XCTAssertEqual(plain?["overriddenBlockers"], [])
        XCTAssertEqual(plain?["overrideReason"], .null)
    }

    func testADisabledOrDeprecatedSourceStaysMigratableButTheTargetMustBeUsable() {
        let a = sourceInUse("gpt-4-0613")
        let b = model("gpt-4o")
        let off = model("disabled-target")
        XCTAssertNotNil(admin.call("models/update", ["id": .string(off), "isEnabled": false])["id"])
        XCTAssertNotNil(
            admin.call("models/update", ["id": .string(a), "isEnabled": false, "isDeprecated": true])["id"])
        XCTAssertEqual(blockers(migrate(admin, a, off)), ["target_disabled"])

        let other = root.call("tenants/create", ["name": "Elsewhere"]).id
        let foreignProvider = root.call(
            "providers/create", ["tenantId": .string(other), "name": "P", "providerType": "openai"]
        ).id
        let foreign = root.call(
            "models/create",
            [
                "tenantId": .string(other), "kind": "completion", "name": "gpt-4o",
                "providerId": .string(foreignProvider),
            ]
        ).id
        XCTAssertEqual(migrate(admin, a, foreign).errorCode, "not_found", "the target must be the tenant's")

        let done = migrate(admin, a, b)
        XCTAssertEqual(done["status"], "completed", "\(done)")
        XCTAssertEqual(done["moved"]?["assistants"], 1)
        XCTAssertEqual(done["sourceRetired"], true)
    }

    func testTheDefaultFollowsTheMoveAndComesBackWithARevert() {
        let a = sourceInUse("gpt-4-0613")
        let b = model("gpt-4o")
        XCTAssertEqual(admin.call("models/update", ["id": .string(a), "isDefault": true])["isDefault"], true)
        let done = migrate(admin, a, b)
        XCTAssertEqual(done["sourceRetired"], true, "\(done)")
        XCTAssertEqual(admin.call("models/get", ["id": .string(b)])["isDefault"], true)
        XCTAssertEqual(admin.call("models/get", ["id": .string(a)])["isDefault"], false)
        let audit = admin.call("audit/list", ["action": "model.migrated"])["items"]?[0]
        XCTAssertEqual(audit?["changes"]?["defaultMovedTo"], .string(b))

        XCTAssertNotNil(admin.call("migration/revert", ["migrationId": done["migrationId"] ?? .null])["migrationId"])
        XCTAssertEqual(admin.call("models/get", ["id": .string(a)])["isDefault"], true)
        XCTAssertEqual(admin.call("models/get", ["id": .string(b)])["isDefault"], false)

        // A target that cannot serve as the default (deprecated: confirmed through its warning)
        // leaves the tenant without one, and the audit says so.
        let c = model("gpt-4.1")
        XCTAssertNotNil(admin.call("models/update", ["id": .string(c), "isDeprecated": true])["id"])
        let toDeprecated = migrate(admin, a, c, ["confirm": true])
        XCTAssertEqual(toDeprecated["status"], "completed", "\(toDeprecated)")
        XCTAssertEqual(admin.call("models/get", ["id": .string(c)])["isDefault"], false)
        let defaults = admin.call("models/list", ["limit": 100])["items"]?.arrayValue?.filter {
            $0["isDefault"] == true
        }
        XCTAssertEqual(defaults?.count, 0)
        let lost = admin.call("audit/list", ["action": "model.migrated"])["items"]?[0]
        XCTAssertEqual(lost?["changes"]?["defaultLost"], "completion")
        // Its admins hear of it, until a default is set again.
        XCTAssertEqual(noticeForANewAdminSession()?["missingDefaults"], ["completion"])
        XCTAssertEqual(admin.call("models/update", ["id": .string(b), "isDefault": true])["isDefault"], true)
        XCTAssertEqual(
            noticeForANewAdminSession()?["missingDefaults"], [], "c is deprecated and in use: a notice still")
        // A revert gives a lost default back only while the tenant has none of its own.
        XCTAssertNotNil(
            admin.call("migration/revert", ["migrationId": toDeprecated["migrationId"] ?? .null])["migrationId"])
        XCTAssertEqual(admin.call("models/get", ["id": .string(a)])["isDefault"], false, "b is the default now")
        XCTAssertEqual(admin.call("models/get", ["id": .string(b)])["isDefault"], true)
    }

    func testARevertGivesBackADefaultTheMigrationLost() {
        let a = sourceInUse("gpt-4-0613")
        let c = model("gpt-4.1")
        XCTAssertEqual(admin.call("models/update", ["id": .string(a), "isDefault": true])["isDefault"], true)
        XCTAssertNotNil(admin.call("models/update", ["id": .string(c), "isDeprecated": true])["id"])
        let done = migrate(admin, a, c, ["confirm": true])
        XCTAssertEqual(done["sourceRetired"], true, "\(done)")
        XCTAssertEqual(noticeForANewAdminSession()?["missingDefaults"], ["completion"])
        XCTAssertNotNil(admin.call("migration/revert", ["migrationId": done["migrationId"] ?? .null])["migrationId"])
        XCTAssertEqual(admin.call("models/get", ["id": .string(a)])["isDefault"], true)
        XCTAssertNil(noticeForANewAdminSession(), "a default again, nothing retiring in use: nothing to say")
    }

    func testSoftDeletingTheDefaultLeavesTheTenantWithoutOneAndItsAdminsHearOfIt() {
        let m = model("gpt-4o")
        XCTAssertEqual(admin.call("models/update", ["id": .string(m), "isDefault": true])["isDefault"], true)
        XCTAssertNil(noticeForANewAdminSession(), "nothing to say yet")
        XCTAssertEqual(admin.call("models/delete", ["id": .string(m)])["deleted"], "soft")
        let notice = noticeForANewAdminSession()
        XCTAssertEqual(notice?["missingDefaults"], ["completion"])
        XCTAssertEqual(notice?["models"], [])
        let next = model("gpt-4.1")
        XCTAssertNotNil(admin.call("models/update", ["id": .string(next), "isDefault": true])["id"])
        XCTAssertNil(noticeForANewAdminSession(), "a default again: nothing to say")
    }

    /// The lifecycle notice a new admin session of the tenant gets after `initialized`, if any.
    private func noticeForANewAdminSession() -> JSONValue? {
        guard let s = try? ServerProcess([], store: root.storeDirectory) else { return nil }
        s.initialize(actor: Actors.admin(tenant))
        s.request(900, "models/list")
        // The notice comes after `initialized`, before this answer.
        let before = s.response(to: 900)?.1 ?? []
        s.stop()
        return before.first { $0["method"] == "models/lifecycleNotice" }?["params"]
    }

    func testAFleetMigrationRunsOneOrdinaryMigrationPerTenantAndSaysWhatHappenedInEach() {
        // Rules (the fixture's tenant) has no such models; four more tenants, one case each.
        func tenantWith(_ name: String, target: JSONObject?) -> String {
            let t = root.call("tenants/create", ["name": .string(name)]).id
            let p = root.call("providers/create", ["tenantId": .string(t), "name": "OpenAI", "providerType": "openai"])
                .id
            var source: JSONObject = [
                "tenantId": .string(t), "kind": "completion", "name": "gpt-4-0613", "providerId": .string(p),
                "family": "gpt-4",
            ]
            let old = root.call("models/create", .object(source)).id
            if var target {
                target["tenantId"] = .string(t)
                target["providerId"] = .string(p)
                target["kind"] = "completion"
                target["name"] = "gpt-4o"
                XCTAssertNotNil(root.call("models/create", .object(target))["id"])
            }
            let sp = root.call("spaces/create", ["tenantId": .string(t), "name": "S"]).id
            root.call("spaces/enableModel", ["tenantId": .string(t), "spaceId": .string(sp), "modelId": .string(old)])
            source = ["tenantId": .string(t), "spaceId": .string(sp), "name": "A", "completionModelId": .string(old)]
            XCTAssertNotNil(root.call("assistants/create", .object(source))["id"])
            return t
        }
        let alpha = tenantWith("Alpha", target: ["family": "gpt-4"])
        let beta = tenantWith("Beta", target: nil)
        let gamma = tenantWith("Gamma", target: ["family": "gpt-4", "isEnabled": false])
        let delta = tenantWith("Delta", target: ["family": "gpt-4o"])
        let pair: JSONObject = [
            "fromName": "gpt-4-0613", "fromProviderType": "openai", "toName": "gpt-4o", "toProviderType": "openai",
        ]
        XCTAssertEqual(admin.call("migration/executeFleet", .object(pair)).errorCode, "forbidden")

        func outcomes(_ r: JSONValue) -> [String: [String]] {
            var out: [String: [String]] = [:]
            for t in r["tenants"]?.arrayValue ?? [] {
                out[t["tenantId"]?.stringValue ?? ""] =
                    [
                        t["outcome"]?.stringValue ?? "", t["reason"]?.stringValue ?? "-",
                    ] + (t["issues"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
            return out
        }
        var dry = pair
        dry["dryRun"] = true
        let planned = root.call("migration/executeFleet", .object(dry))
        XCTAssertEqual(outcomes(planned)[alpha], ["would_migrate", "-"], "\(planned)")
        XCTAssertEqual(outcomes(planned)[beta], ["skipped", "no_target"])
        XCTAssertEqual(outcomes(planned)[gamma], ["skipped", "blocked", "target_disabled"])
        XCTAssertEqual(outcomes(planned)[delta], ["skipped", "needs_confirmation", "different_family"])
        XCTAssertEqual(outcomes(planned)[tenant], ["skipped", "no_source"])
        XCTAssertEqual(
            root.call("migration/history", ["tenantId": .string(alpha)])["total"], 0, "a dry run writes nothing")

        let run = root.call("migration/executeFleet", .object(pair))
        XCTAssertEqual(run["migrated"], 1, "\(run)")
        XCTAssertEqual(run["skipped"], 4)
        let alphaRun = run["tenants"]?.arrayValue?.first { $0["tenantId"] == .string(alpha) }
        XCTAssertEqual(alphaRun?["outcome"], "migrated")
        XCTAssertEqual(alphaRun?["total"], 2, "the assistant and the space's link")
        let history = root.call("migration/history", ["tenantId": .string(alpha)])["items"]?[0]
        XCTAssertEqual(history?["migrationId"], alphaRun?["migrationId"])
        XCTAssertEqual(history?["status"], "completed")
        // Each tenant's attempt is its own ordinary migration: the refused ones are failed entries there.
        XCTAssertEqual(root.call("migration/history", ["tenantId": .string(gamma)])["items"]?[0]?["status"], "failed")
        XCTAssertEqual(root.call("migration/history", ["tenantId": .string(beta)])["total"], 0)
        // Confirmed, the tenant with a warning goes too.
        var confirmed = pair
        confirmed["confirm"] = true
        XCTAssertEqual(outcomes(root.call("migration/executeFleet", .object(confirmed)))[delta]?.first, "migrated")
        // Run again, the tenants already done are skipped, with no failed attempt in their history.
        XCTAssertEqual(
            outcomes(root.call("migration/executeFleet", .object(pair)))[alpha], ["skipped", "already_migrated"])
        XCTAssertEqual(root.call("migration/history", ["tenantId": .string(alpha)])["total"], 1)
    }

    func testTemplatesTakeOnlyUsableCompletionModels() {
        let a = sourceInUse("gpt-4-0613")
        let b = model("gpt-4o")
        let embedding = model("text-embedding-3-small", kind: "embedding")
        let onA = admin.call("templates/create", ["kind": "assistant", "name": "T", "completionModelId": .string(a)]).id
        XCTAssertEqual(migrate(admin, a, b)["sourceRetired"], true)

        func reason(_ r: JSONValue) -> JSONValue? { r["error"]?["data"]?["reason"] }
        let onMigrated = admin.call(
            "templates/create", ["kind": "assistant", "name": "T2", "completionModelId": .string(a)])
        XCTAssertEqual(onMigrated.errorCode, "model_unavailable")
        XCTAssertEqual(reason(onMigrated), "model_not_accessible")
        let onEmbedding = admin.call(
            "templates/create", ["kind": "app", "name": "T3", "completionModelId": .string(embedding)])
        XCTAssertEqual(reason(onEmbedding), "not_a_completion_model")

        // The template moved with the migration; moving it back onto the migrated model is refused,
        // a rename alone is not.
        XCTAssertEqual(admin.call("templates/get", ["id": .string(onA)])["completionModelId"], .string(b))
        XCTAssertEqual(
            reason(admin.call("templates/update", ["id": .string(onA), "completionModelId": .string(a)])),
            "model_not_accessible")
        XCTAssertEqual(admin.call("templates/update", ["id": .string(onA), "name": "Renamed"])["name"], "Renamed")
    }
}
