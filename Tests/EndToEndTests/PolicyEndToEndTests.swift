import Foundation
import XCTest
import JSONRPC

/// Lifecycle policies through the binary, with injected dates: every mode, trigger and gate.
///
/// The world: tenant Acme with `gpt-4-0613` (the catalog retires it on 2027-01-15 and names
/// `gpt-4o` its successor) and `gpt-4o`, both enabled in one space; assistant "Helper" on the old
/// model and assistant "Pinned" on it too, pinned against policies.
final class PolicyEndToEndTests: XCTestCase {
    struct World {
        var store: String
        var catalog: String
        var tenant: String
        var other: String
        var old: String
        var new: String
        var space: String
        var helper: String
        var pinned: String
    }

    private func world(targetVision: Bool = true, targetEnabled: Bool = true) throws -> World {
        let dir = NSTemporaryDirectory() + "policy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = dir + "/prices.json"
        let entries: JSONValue = [
            "gpt-4-0613": [
                "litellm_provider": "openai", "mode": "chat", "deprecation_date": "2027-01-15",
                "successor_model": "gpt-4o",
            ],
            "gpt-4o": ["litellm_provider": "openai", "mode": "chat"],
        ]
        try Data(JSONWriter.serialize(entries)).write(to: URL(fileURLWithPath: catalog))
        let store = ServerProcess.temporaryStore()
        let s = try ServerProcess(["--catalog", catalog, "--today", "2026-12-01"], store: store)
        s.initialize(actor: Actors.sysadmin)
        let tenant = s.call("tenants/create", ["name": "Acme"]).id
        let other = s.call("tenants/create", ["name": "Other"]).id
        let t: JSONValue = .string(tenant)
        let provider = s.call("providers/create", ["tenantId": t, "name": "OpenAI", "providerType": "openai"]).id
        let old = s.call(
            "models/create",
            [
                "tenantId": t, "kind": "completion", "name": "gpt-4-0613", "providerId": .string(provider),
                "vision": true,
            ]
        ).id
        let new = s.call(
            "models/create",
            [
                "tenantId": t, "kind": "completion", "name": "gpt-4o", "providerId": .string(provider),
                "vision": .bool(targetVision),
            ]
        ).id
        let space = s.call("spaces/create", ["tenantId": t, "name": "Team"]).id
        for m in [old, new] {
            s.call("spaces/enableModel", ["tenantId": t, "spaceId": .string(space), "modelId": .string(m)])
        }
        let helper = s.call(
            "assistants/create",
            ["tenantId": t, "spaceId": .string(space), "name": "Helper", "completionModelId": .string(old)]
        ).id
        let pinned = s.call(
            "assistants/create",
            [
                "tenantId": t, "spaceId": .string(space), "name": "Pinned", "completionModelId": .string(old),
                "lifecyclePinned": true,
            ]
        ).id
        if !targetEnabled { s.call("models/update", ["tenantId": t, "id": .string(new), "isEnabled": false]) }
        s.stop()
        return World(
            store: store, catalog: catalog, tenant: tenant, other: other, old: old, new: new, space: space,
            helper: helper, pinned: pinned)
    }

    /// A server of `w` on `today`, with a session of `actor`.
    private func server(_ w: World, _ today: String, _ actor: JSONValue) throws -> ServerProcess {
        let s = try ServerProcess(["--catalog", w.catalog, "--today", today], store: w.store)
        s.initialize(actor: actor)
        return s
    }

    private func tick(_ w: World, _ today: String, dryRun: Bool = false) throws -> [JSONValue] {
        let s = try server(w, today, Actors.sysadmin)
        defer { s.stop() }
        let r = s.call("lifecycle/tick", ["dryRun": .bool(dryRun)])
        XCTAssertEqual(r["dryRun"], .bool(dryRun), "\(r)")
        return r["actions"]?.arrayValue ?? []
    }

    private func setPolicy(_ w: World, _ policy: JSONObject, today: String = "2026-12-01") throws {
        let admin = try server(w, today, Actors.admin(w.tenant))
        let r = admin.call("policies/set", .object(policy))
        XCTAssertEqual(r["mode"], policy["mode"], "\(r)")
        admin.stop()
    }

    private func plans(_ w: World, _ today: String = "2026-12-01") throws -> [JSONValue] {
        let admin = try server(w, today, Actors.admin(w.tenant))
        defer { admin.stop() }
        return admin.call("policies/plans")["items"]?.arrayValue ?? []
    }

    private func modelOf(_ w: World, _ assistant: String, _ today: String = "2026-12-01") throws -> String? {
        let admin = try server(w, today, Actors.admin(w.tenant))
        defer { admin.stop() }
        return admin.call("assistants/get", ["id": .string(assistant)])["completionModelId"]?.stringValue
    }

    func testEveryTenantStartsOffAndAnAdminSetsAReplacingAuditedPolicy() throws {
        let w = try world()
        let admin = try server(w, "2026-12-01", Actors.admin(w.tenant))
        let off = admin.call("policies/get")
        XCTAssertEqual(off["mode"], "off")
        XCTAssertEqual(off["leadDays"], 30)
        XCTAssertEqual(off["noticeDays"], 14)
        XCTAssertEqual(off["undoDays"], 30)
        XCTAssertEqual(off["target"], "successor")
        let set = admin.call(
            "policies/set",
            ["mode": "propose", "noticeDays": 3, "overrides": .object([w.old: .string(w.new)])])
        XCTAssertEqual(set["mode"], "propose")
        XCTAssertEqual(set["noticeDays"], 3)
        XCTAssertEqual(set["leadDays"], 30, "members left out take their defaults")
        XCTAssertEqual(set["overrides"]?[w.old], .string(w.new))
        XCTAssertEqual(admin.call("policies/set", ["mode": "sometimes"]).errorCode, "-32602")
        XCTAssertEqual(
            admin.call("policies/set", ["mode": "auto", "overrides": .object([w.old: .string(w.other)])]).errorCode,
            "not_found", "an override names models of the tenant")
        let audit = admin.call("audit/list", ["action": "policy.updated"])["items"]?.arrayValue ?? []
        XCTAssertEqual(audit.count, 1)
        XCTAssertEqual(audit.first?["entityId"], .string(w.tenant))
        admin.stop()
        XCTAssertEqual(try tick(w, "2026-12-01"), [], "propose acts leadDays (30) before 2027-01-15: not yet")
    }

    func testAutoAnnouncesRunsAWarningFreePlanWhenDueLeavesPinnedOnesAndCanBeUndoneForUndoDays() throws {
        let w = try world()
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 7, "undoDays": 10])
        let first = try tick(w, "2026-12-01")
        XCTAssertEqual(first.map { $0["action"] }, ["announced"], "\(first)")
        let plan = try XCTUnwrap(try plans(w).first)
        XCTAssertEqual(plan["status"], "announced")
        XCTAssertEqual(plan["sourceModelId"], .string(w.old))
        XCTAssertEqual(plan["targetModelId"], .string(w.new), "the catalog's successor")
        XCTAssertEqual(plan["dueAt"], "2026-12-08")
        XCTAssertEqual(plan["kept"], [.string(w.pinned)])
        XCTAssertEqual(plan["impact"]?["assistants"], 1, "the pinned assistant is not in the impact")

        // Admins hear of it in their lifecycle notice.
        let admin = try ServerProcess(["--catalog", w.catalog, "--today", "2026-12-01"], store: w.store)
        admin.initialize(actor: Actors.admin(w.tenant))
        XCTAssertTrue(admin.waitFor(timeout: 5) { $0["method"] == "models/lifecycleNotice" })
        let notice = admin.take { $0["method"] == "models/lifecycleNotice" }?["params"]
        let entry = notice?["models"]?.arrayValue?.first { $0["id"] == .string(w.old) }
        XCTAssertEqual(entry?["plannedMigration"]?["planId"], plan["planId"])
        XCTAssertEqual(entry?["plannedMigration"]?["dueAt"], "2026-12-08")
        admin.stop()

        XCTAssertEqual(try tick(w, "2026-12-07"), [], "the same plan stands, not yet due")
        XCTAssertEqual(try modelOf(w, w.helper, "2026-12-07"), w.old)
        let due = try tick(w, "2026-12-08")
        XCTAssertEqual(due.map { $0["action"] }, ["executed"], "\(due)")
        XCTAssertEqual(try modelOf(w, w.helper, "2026-12-08"), w.new)
        XCTAssertEqual(try modelOf(w, w.pinned, "2026-12-08"), w.old, "a pinned entity stays")
        let after = try server(w, "2026-12-08", Actors.admin(w.tenant))
        XCTAssertTrue(
            after.call("spaces/get", ["id": .string(w.space)])["modelIds"]?.arrayValue?.contains(.string(w.old))
                ?? false, "and its space keeps the model it uses enabled")
        after.stop()
        let executed = try XCTUnwrap(try plans(w, "2026-12-08").first)
        XCTAssertEqual(executed["status"], "executed")
        let migrationId = try XCTUnwrap(executed["migrationId"]?.stringValue)
        XCTAssertEqual(try tick(w, "2026-12-09"), [], "the pinned rest is nothing to move: no new plan")

        let s = try server(w, "2026-12-19", Actors.admin(w.tenant))
        let history = s.call("migration/history")["items"]?.arrayValue ?? []
        let entry2 = history.first { $0["migrationId"] == .string(migrationId) }
        XCTAssertEqual(entry2?["initiatedBy"]?["kind"], "policy")
        XCTAssertEqual(entry2?["initiatedBy"]?["planId"], executed["planId"])
        XCTAssertEqual(
            s.call("audit/list", ["action": "migration.executed"])["items"]?.arrayValue?.count, 1,
            "audited migration.executed")
        let late = s.call("migration/revert", ["migrationId": .string(migrationId)])
        XCTAssertEqual(late.errorCode, "revert_refused")
        XCTAssertEqual(late["error"]?["data"]?["reason"], "undo_window_closed", "undoDays (10) after 2026-12-08")
        s.stop()
        let inTime = try server(w, "2026-12-18", Actors.admin(w.tenant))
        XCTAssertEqual(
            inTime.call("migration/revert", ["migrationId": .string(migrationId)])["revertedMigrationId"],
            .string(migrationId), "within undoDays it reverts")
        XCTAssertEqual(inTime.call("assistants/get", ["id": .string(w.helper)])["completionModelId"], .string(w.old))
        inTime.stop()

        // The revert is the admin's veto: the executed plan stands, and a plan made again (the model's
        // configuration changed) waits for an approval instead of running by itself.
        XCTAssertEqual(try tick(w, "2026-12-19"), [], "nothing runs again after the revert")
        let changer = try server(w, "2026-12-19", Actors.admin(w.tenant))
        let added = changer.call(
            "assistants/create",
            ["spaceId": .string(w.space), "name": "Later", "completionModelId": .string(w.old)])
        XCTAssertNotNil(added["id"], "\(added)")
        changer.stop()
        let replanned = try tick(w, "2026-12-19")
        XCTAssertEqual(replanned.map { $0["action"] }, ["awaiting_approval"], "\(replanned)")
        XCTAssertTrue(replanned.first?["reason"]?.stringValue?.contains("reverted") ?? false, "\(replanned)")
        XCTAssertEqual(try tick(w, "2026-12-30"), [], "it stands; it never runs by itself")
        XCTAssertEqual(try modelOf(w, w.helper, "2026-12-30"), w.old)
        let approver = try server(w, "2026-12-30", Actors.admin(w.tenant))
        let waiting = try XCTUnwrap(try plans(w, "2026-12-30").first { $0["status"] == "awaiting_approval" })
        XCTAssertEqual(approver.call("policies/approve", ["planId": waiting["planId"]!])["status"], "executed")
        approver.stop()
        XCTAssertEqual(try modelOf(w, w.helper, "2026-12-30"), w.new, "an approval moves it again")
    }

    func testAWarningOutsideAllowWarningsWaitsForApprovalAndAllowingItReannounces() throws {
        let w = try world(targetVision: false)
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 0])
        let actions = try tick(w, "2026-12-01")
        XCTAssertEqual(actions.map { $0["action"] }, ["awaiting_approval"], "\(actions)")
        XCTAssertTrue(actions.first?["reason"]?.stringValue?.contains("lacks_vision") ?? false, "\(actions)")
        XCTAssertEqual(try tick(w, "2026-12-05"), [], "it waits; it never runs by itself")
        XCTAssertEqual(try modelOf(w, w.helper), w.old)
        // Allowing the warning changes the plan's standing: the old one is superseded, a new one announced.
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 0, "allowWarnings": ["lacks_vision"]])
        let again = try tick(w, "2026-12-06")
        XCTAssertEqual(again.map { $0["action"] }, ["superseded", "reannounced", "executed"], "\(again)")
        XCTAssertEqual(try modelOf(w, w.helper, "2026-12-06"), w.new)
    }

    func testApproveRunsExactlyTheStoredPlanAndRefusesOneWhosePreflightMoved() throws {
        let w = try world()
        try setPolicy(w, ["mode": "propose", "leadDays": 60])
        XCTAssertEqual(try tick(w, "2026-12-01").map { $0["action"] }, ["awaiting_approval"])
        let plan = try XCTUnwrap(try plans(w).first)
        // Something changes under the plan: a third assistant on the old model.
        let admin = try server(w, "2026-12-02", Actors.admin(w.tenant))
        admin.call(
            "assistants/create",
            ["spaceId": .string(w.space), "name": "Late", "completionModelId": .string(w.old)])
        let stale = admin.call("policies/approve", ["planId": plan["planId"]!])
        XCTAssertEqual(stale.errorCode, "plan_changed")
        XCTAssertEqual(admin.call("assistants/get", ["id": .string(w.helper)])["completionModelId"], .string(w.old))
        admin.stop()
        let replanned = try tick(w, "2026-12-02")
        XCTAssertEqual(replanned.map { $0["action"] }, ["superseded", "awaiting_approval"], "\(replanned)")
        let fresh = try XCTUnwrap(try plans(w, "2026-12-02").last)
        XCTAssertEqual(fresh["impact"]?["assistants"], 2)
        let approver = try server(w, "2026-12-02", Actors.admin(w.tenant))
        let done = approver.call("policies/approve", ["planId": fresh["planId"]!])
        XCTAssertEqual(done["status"], "executed", "\(done)")
        XCTAssertEqual(approver.call("assistants/get", ["id": .string(w.helper)])["completionModelId"], .string(w.new))
        XCTAssertEqual(approver.call("policies/approve", ["planId": fresh["planId"]!]).errorCode, "conflict")
        // The history and the audit name the plan and the admin who approved it.
        XCTAssertEqual(done["reason"], "approved by Ada")
        let entry = approver.call("migration/history")["items"]?.arrayValue?.first { $0["status"] == "completed" }
        XCTAssertEqual(
            entry?["initiatedBy"], ["userId": "ada", "name": "Ada", "kind": "policy", "planId": fresh["planId"]!])
        let audited = approver.call("audit/list", ["action": "migration.executed"])["items"]?[0]
        XCTAssertEqual(audited?["actor"], entry?["initiatedBy"], "the audit's actor is the history's initiator")
        approver.stop()
    }

    func testAPlanIsAnnouncedInTheNoticeEvenBeforeTheModelIsRetiringByTheWindow() throws {
        let w = try world()
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 7])
        XCTAssertEqual(try tick(w, "2026-12-01").map { $0["action"] }, ["announced"])
        // With a 30-day window the model (retiring 2027-01-15) is still active on 2026-12-01.
        let admin = try ServerProcess(
            ["--catalog", w.catalog, "--today", "2026-12-01", "--retiring-window-days", "30"], store: w.store)
        admin.initialize(actor: Actors.admin(w.tenant))
        XCTAssertTrue(admin.waitFor(timeout: 5) { $0["method"] == "models/lifecycleNotice" }, "admins hear of the plan")
        let notice = admin.take { $0["method"] == "models/lifecycleNotice" }?["params"]
        XCTAssertEqual(admin.call("models/get", ["id": .string(w.old)])["status"], "active")
        let entry = notice?["models"]?.arrayValue?.first { $0["id"] == .string(w.old) }
        XCTAssertEqual(entry?["status"], "active")
        XCTAssertEqual(entry?["plannedMigration"]?["dueAt"], "2026-12-08")
        admin.stop()
    }

    func testAChangedNoticePeriodMovesTheDueDayOfTheStandingPlan() throws {
        let w = try world()
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 7])
        XCTAssertEqual(try tick(w, "2026-12-01").map { $0["action"] }, ["announced"])
        XCTAssertEqual(try plans(w).first?["dueAt"], "2026-12-08")
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 3], today: "2026-12-02")
        XCTAssertEqual(try tick(w, "2026-12-02").map { $0["action"] }, ["rescheduled"])
        let plan = try XCTUnwrap(try plans(w, "2026-12-02").first)
        XCTAssertEqual(plan["dueAt"], "2026-12-04", "announcedOn + the new noticeDays")
        XCTAssertEqual(plan["status"], "announced", "the same plan, still announced")
        XCTAssertEqual(try tick(w, "2026-12-03"), [])
        XCTAssertEqual(try tick(w, "2026-12-04").map { $0["action"] }, ["executed"], "it runs on the day it shows")
    }

    func testABlockerSkipsWithItsReasonOnceAndNotifyNeverRuns() throws {
        let blocked = try world(targetEnabled: false)
        try setPolicy(blocked, ["mode": "auto", "leadDays": 60, "noticeDays": 0])
        let actions = try tick(blocked, "2026-12-01")
        XCTAssertEqual(actions.map { $0["action"] }, ["skipped"])
        XCTAssertEqual(actions.first?["reason"], "blocked: target_disabled")
        XCTAssertEqual(try tick(blocked, "2026-12-02"), [], "the same skipped plan is not made again")
        XCTAssertEqual(try modelOf(blocked, blocked.helper), blocked.old)

        let notify = try world()
        try setPolicy(notify, ["mode": "notify", "leadDays": 60, "noticeDays": 0])
        XCTAssertEqual(try tick(notify, "2026-12-01").map { $0["action"] }, ["announced"])
        XCTAssertEqual(try tick(notify, "2026-12-20"), [], "notify announces only")
        XCTAssertEqual(try modelOf(notify, notify.helper), notify.old)
    }

    func testAPlanThatChangedAfterItsAnnouncementIsAnnouncedAgainNotRun() throws {
        let w = try world()
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 7])
        XCTAssertEqual(try tick(w, "2026-12-01").map { $0["action"] }, ["announced"])
        let admin = try server(w, "2026-12-03", Actors.admin(w.tenant))
        admin.call(
            "assistants/create",
            ["spaceId": .string(w.space), "name": "Late", "completionModelId": .string(w.old)])
        admin.stop()
        let due = try tick(w, "2026-12-08")
        XCTAssertEqual(due.map { $0["action"] }, ["superseded", "reannounced"], "\(due)")
        XCTAssertEqual(try modelOf(w, w.helper, "2026-12-08"), w.old, "not run on its old notice")
        XCTAssertEqual(try plans(w, "2026-12-08").last?["dueAt"], "2026-12-15", "a new notice period")
        XCTAssertEqual(try tick(w, "2026-12-15").map { $0["action"] }, ["executed"])
    }

    func testTheDeprecatedTriggerWaitsForTheDateAndADryRunWritesNothing() throws {
        let w = try world()
        try setPolicy(w, ["mode": "auto", "trigger": "deprecated", "noticeDays": 0])
        XCTAssertEqual(try tick(w, "2027-01-14"), [], "retiring, not yet deprecated")
        let dry = try tick(w, "2027-01-15", dryRun: true)
        XCTAssertEqual(dry.map { $0["action"] }, ["announced"])
        XCTAssertEqual(try plans(w, "2027-01-15"), [], "a dry run writes nothing")
        let cli = try runToEnd(["tick", "--store", w.store, "--catalog", w.catalog, "--today", "2027-01-15"])
        XCTAssertEqual(cli.status, 0, cli.err)
        let report = try JSONParser.parse(Array(cli.out.utf8))
        XCTAssertEqual(report["actions"]?.arrayValue?.map { $0["action"] }, ["announced", "executed"], cli.out)
        XCTAssertEqual(try modelOf(w, w.helper, "2027-01-15"), w.new)
    }

    func testTwoProcessesTickingAtOnceRunAPlanOnce() throws {
        let w = try world()
        try setPolicy(w, ["mode": "auto", "leadDays": 60, "noticeDays": 0])
        let a = try server(w, "2026-12-01", Actors.sysadmin)
        let b = try server(w, "2026-12-01", Actors.sysadmin)
        a.request(7, "lifecycle/tick", [:])
        b.request(7, "lifecycle/tick", [:])
        let ra = a.response(to: 7)?.0["result"]?["actions"]?.arrayValue ?? []
        let rb = b.response(to: 7)?.0["result"]?["actions"]?.arrayValue ?? []
        let all = (ra + rb).compactMap { $0["action"]?.stringValue }
        XCTAssertEqual(all.filter { $0 == "executed" }.count, 1, "\(all)")
        XCTAssertEqual(all.filter { $0 == "announced" }.count, 1, "\(all)")
        a.stop()
        b.stop()
        let admin = try server(w, "2026-12-01", Actors.admin(w.tenant))
        XCTAssertEqual(
            admin.call("migration/history")["items"]?.arrayValue?.filter { $0["initiatedBy"]?["kind"] == "policy" }
                .count, 1)
        admin.stop()
    }

    func testAServingProcessEvaluatesThePoliciesByItselfAndApprovingUnderAnOffPolicyIsAConflict() throws {
        let w = try world()
        try setPolicy(w, ["mode": "propose", "leadDays": 60])
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_POLICY_SECONDS"] = "1"
        env["MODEL_LIFECYCLE_TICK_SECONDS"] = "0.2"
        let s = try ServerProcess(
            ["--catalog", w.catalog, "--today", "2026-12-01"], store: w.store, environment: env)
        s.initialize(actor: Actors.admin(w.tenant))
        var plans: [JSONValue] = []
        let deadline = Date().addingTimeInterval(10)
        while plans.isEmpty && Date() < deadline {
            usleep(200_000)
            plans = s.call("policies/plans")["items"]?.arrayValue ?? []
        }
        XCTAssertEqual(plans.first?["status"], "awaiting_approval", "planned by the scheduled job, no tick asked")
        s.call("policies/set", ["mode": "off"])
        XCTAssertEqual(s.call("policies/approve", ["planId": plans.first?["planId"] ?? .null]).errorCode, "conflict")
        XCTAssertEqual(
            s.call("assistants/get", ["id": .string(w.helper)])["completionModelId"], .string(w.old), "nothing moved")
        s.stop()
    }

    func testPoliciesAndPlansBelongToTheirTenant() throws {
        let w = try world()
        try setPolicy(w, ["mode": "propose", "leadDays": 60])
        _ = try tick(w, "2026-12-01")
        let plan = try XCTUnwrap(try plans(w).first)
        let otherAdmin = try server(w, "2026-12-01", Actors.admin(w.other))
        XCTAssertEqual(otherAdmin.call("policies/get")["mode"], "off")
        XCTAssertEqual(otherAdmin.call("policies/plans")["items"], [])
        XCTAssertEqual(otherAdmin.call("policies/approve", ["planId": plan["planId"]!]).errorCode, "not_found")
        XCTAssertEqual(otherAdmin.call("policies/reject", ["planId": plan["planId"]!]).errorCode, "not_found")
        otherAdmin.stop()
        let member = try server(w, "2026-12-01", Actors.member(w.tenant))
        XCTAssertEqual(member.call("policies/get").errorCode, "forbidden")
        XCTAssertEqual(member.call("policies/set", ["mode": "auto"]).errorCode, "forbidden")
        member.stop()
        let root = try server(w, "2026-12-01", Actors.sysadmin)
        XCTAssertEqual(root.call("policies/get", ["tenantId": .string(w.tenant)])["mode"], "propose")
        XCTAssertEqual(
            root.call("policies/plans", ["tenantId": .string(w.tenant)])["items"]?.arrayValue?.count, 1)
        let rejected = root.call(
            "policies/reject", ["tenantId": .string(w.tenant), "planId": plan["planId"]!, "reason": "not now"])
        XCTAssertEqual(rejected["status"], "rejected")
        XCTAssertEqual(rejected["reason"], "not now")
        root.stop()
        XCTAssertEqual(try tick(w, "2026-12-02"), [], "a rejected plan is not proposed again")
    }
}
