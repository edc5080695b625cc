import Foundation
import XCTest
import JSONRPC

/// Spaces, assistants/apps/services, templates, questions and usage through the real binary.
final class ConfigurationEndToEndTests: XCTestCase {
    var admin: ServerProcess!
    var tenant = ""
    var provider = ""

    override func setUpWithError() throws {
        let root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        tenant = root.call("tenants/create", ["name": "Acme", "securityEnabled": true]).id
        root.stop()
        admin = try ServerProcess([], store: root.storeDirectory)
        admin.initialize(actor: Actors.admin(tenant))
        provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
    }

    override func tearDown() { admin.stop() }

    private func model(_ name: String, _ extra: JSONObject = [:]) -> String {
        var p: JSONObject = ["kind": "completion", "name": .string(name), "providerId": .string(provider)]
        for m in extra { p[m.key] = m.value }
        return admin.call("models/create", .object(p)).id
    }

    func testSpaceAcceptanceFollowsClassificationLevels() {
        let secret = admin.call("classifications/create", ["name": "Secret", "level": 3]).id
        let internalC = admin.call("classifications/create", ["name": "Internal", "level": 1]).id
        let space = admin.call("spaces/create", ["name": "Vault", "securityClassificationId": .string(secret)]).id
        let open = admin.call("spaces/create", ["name": "Lobby"]).id
        let unclassified = model("plain")
        let low = model("low", ["securityClassificationId": .string(internalC)])
        let high = model("high", ["securityClassificationId": .string(secret)])
        let disabled = model("off", ["isEnabled": false])
        let deprecated = model("old", ["isDeprecated": true])

        func enable(_ s: String, _ m: String) -> JSONValue {
            admin.call("spaces/enableModel", ["spaceId": .string(s), "modelId": .string(m)])
        }
        XCTAssertEqual(enable(space, unclassified)["error"]?["data"]?["reason"], "model_unclassified")
        XCTAssertEqual(enable(space, low)["error"]?["data"]?["reason"], "classification_too_low")
        XCTAssertEqual(enable(space, high)["modelIds"], [.string(high)], "a model at the space's level passes")
        XCTAssertEqual(
            enable(open, unclassified)["modelIds"], [.string(unclassified)],
            "an unclassified space accepts any accessible model")
        XCTAssertEqual(enable(open, disabled)["error"]?["data"]?["reason"], "model_not_accessible")
        XCTAssertEqual(enable(open, deprecated).errorCode, "model_unavailable")
        XCTAssertEqual(enable(open, unclassified)["modelIds"]?.arrayValue?.count, 1, "enabling twice changes nothing")
    }

    func testConfigurationNeedsItsModelEnabledInTheSpace() {
        let space = admin.call("spaces/create", ["name": "Team"]).id
        let m = model("gpt-4o")
        for group in ["assistants", "apps", "services"] {
            let refused = admin.call(
                "\(group)/create", ["spaceId": .string(space), "name": "x", "completionModelId": .string(m)])
            XCTAssertEqual(refused.errorCode, "model_unavailable", group)
            XCTAssertEqual(refused["error"]?["data"]?["reason"], "not_enabled_in_space")
        }
        admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])
        let a = admin.call(
            "assistants/create",
            [
                "spaceId": .string(space), "name": "Helper", "completionModelId": .string(m),
                "kwargs": ["temperature": 0.2],
            ])
        XCTAssertEqual(a["createdBy"], "ada")
        XCTAssertEqual(a["kwargs"]?["temperature"], 0.2)
        XCTAssertEqual(
            admin.call("apps/create", ["spaceId": .string(space), "name": "App", "completionModelId": .string(m)])[
                "kwargs"], [:])
        XCTAssertEqual(admin.call("assistants/get", ["id": .string(a.id)])["name"], "Helper")
        XCTAssertEqual(
            admin.call("apps/get", ["id": .string(a.id)]).errorCode, "not_found", "an assistant is not an app")
        XCTAssertEqual(admin.call("assistants/list", ["spaceId": .string(space)])["total"], 1)
        XCTAssertEqual(admin.call("spaces/delete", ["id": .string(space)]).errorCode, "conflict")
        admin.call("spaces/disableModel", ["spaceId": .string(space), "modelId": .string(m)])
        XCTAssertEqual(
            admin.call("assistants/get", ["id": .string(a.id)])["completionModelId"], .string(m),
            "disabling leaves configuration alone")
        XCTAssertEqual(admin.call("assistants/update", ["id": .string(a.id), "name": "Renamed"])["name"], "Renamed")
        XCTAssertEqual(
            admin.call("assistants/update", ["id": .string(a.id), "completionModelId": .string(m)]).errorCode,
            "model_unavailable")
    }

    func testDeleteIsRefusedWhileConfigurationUsesTheModelButLinksAloneNeverBlock() {
        let space = admin.call("spaces/create", ["name": "Team"]).id
        let m = model("gpt-4o")
        admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])
        let a = admin.call(
            "assistants/create", ["spaceId": .string(space), "name": "A", "completionModelId": .string(m)])
        let t = admin.call("templates/create", ["kind": "app", "name": "T", "completionModelId": .string(m)])
        let refused = admin.call("models/delete", ["id": .string(m)])
        XCTAssertEqual(refused.errorCode, "model_in_use")
        XCTAssertEqual(
            refused["error"]?["data"]?["references"],
            ["assistants": 1, "apps": 0, "services": 0, "assistantTemplates": 0, "appTemplates": 1, "collections": 0])
        admin.call("assistants/delete", ["id": .string(a.id)])
        admin.call("templates/delete", ["id": .string(t.id)])
        XCTAssertEqual(
            admin.call("models/delete", ["id": .string(m)])["deleted"], "soft",
            "a soft-deleted template and a space link do not block")
        XCTAssertEqual(admin.call("spaces/get", ["id": .string(space)])["modelIds"], [], "the space link is removed")
        XCTAssertEqual(
            admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)]).errorCode, "not_found")
        XCTAssertEqual(
            admin.call("templates/restore", ["id": .string(t.id)])["deletedAt"], .null,
            "restore works whatever the model's state")
    }

    func testUsageIsLive() {
        let s1 = admin.call("spaces/create", ["name": "One"]).id
        let s2 = admin.call("spaces/create", ["name": "Two"]).id
        let m = model("gpt-4o")
        for s in [s1, s2] { admin.call("spaces/enableModel", ["spaceId": .string(s), "modelId": .string(m)]) }
        for k in 0..<3 {
            admin.call(
                "assistants/create",
                ["spaceId": .string(s1), "name": .string("a\(k)"), "completionModelId": .string(m)])
        }
        admin.call("services/create", ["spaceId": .string(s2), "name": "svc", "completionModelId": .string(m)])
        admin.call("templates/create", ["kind": "assistant", "name": "tpl", "completionModelId": .string(m)])
        for _ in 0..<5 {
            admin.call("questions/record", ["completionModelId": .string(m), "tokensIn": 10, "tokensOut": 20])
        }
        let stats = admin.call("usage/stats", ["modelId": .string(m)])
        XCTAssertEqual(
            stats,
            [
                "assistants": 3, "apps": 0, "services": 1, "assistantTemplates": 1, "appTemplates": 0,
                "collections": 0, "spaces": 2, "questions": 5, "totalUsage": 4,
            ])
        let details = admin.call("usage/details", ["modelId": .string(m), "limit": 2])
        XCTAssertEqual(details["total"], 7, "3 assistants + 1 service + 1 template + 2 spaces")
        XCTAssertEqual(details["items"]?.arrayValue?.count, 2)
        XCTAssertEqual(admin.call("usage/details", ["modelId": .string(m), "entityType": "spaces"])["total"], 2)
        XCTAssertEqual(
            admin.call("usage/details", ["modelId": .string(m), "entityType": "questions"])["error"]?["data"]?["field"],
            "/entityType")
        XCTAssertEqual(admin.call("usage/summary")["totals"]?["totalUsage"], 4)
    }

    func testQuestionsAreCountedAndPurgedByAge() {
        let m = model("gpt-4o")
        for _ in 0..<4 {
            admin.call("questions/record", ["completionModelId": .string(m), "tokensIn": 1, "tokensOut": 2])
        }
        XCTAssertEqual(admin.call("questions/count", ["modelId": .string(m)])["count"], 4)
        XCTAssertEqual(admin.call("questions/purge", ["before": "2000-01-01T00:00:00Z"])["purged"], 0)
        let force = admin.call("models/delete", ["id": .string(m)])
        XCTAssertEqual(force["deleted"], "soft", "questions do not block a soft delete")
        XCTAssertEqual(admin.call("questions/count", ["modelId": .string(m)])["count"], 4, "questions are history")
        XCTAssertEqual(admin.call("questions/purge", ["before": "2999-01-01T00:00:00Z"])["purged"], 4)
        XCTAssertEqual(admin.call("questions/count", ["modelId": .string(m)])["count"], 0)
        XCTAssertEqual(admin.call("questions/purge", ["before": "yesterday"])["error"]?["data"]?["field"], "/before")
    }

    func testSysadminForceDeleteIsRefusedWhileQuestionsRemain() throws {
        let m = model("gpt-4o")
        admin.call("questions/record", ["completionModelId": .string(m), "tokensIn": 1, "tokensOut": 2])
        let root = try ServerProcess([], store: admin.storeDirectory)
        root.initialize(actor: Actors.sysadmin)
        let refused = root.call("models/delete", ["tenantId": .string(tenant), "id": .string(m), "force": true])
        XCTAssertEqual(refused.errorCode, "model_in_use")
        XCTAssertEqual(refused["error"]?["data"]?["references"]?["questions"], 1)
        root.call("questions/purge", ["tenantId": .string(tenant), "before": "2999-01-01T00:00:00Z"])
        XCTAssertEqual(
            root.call("models/delete", ["tenantId": .string(tenant), "id": .string(m), "force": true])["deleted"],
            "hard")
        XCTAssertEqual(root.call("models/list", ["tenantId": .string(tenant), "includeDeleted": true])["total"], 0)
        root.stop()
    }
}

/// `store_unavailable` when another process holds the store's write lock too long.
final class StoreUnavailableEndToEndTests: XCTestCase {
    func testALockHeldTooLongIsStoreUnavailableAndNothingIsWritten() throws {
        try skipOnDatabase("it holds the file store's lock file")
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_LOCK_TIMEOUT_MS"] = "300"
        let s = try ServerProcess([], environment: env)
        s.initialize(actor: Actors.sysadmin)
        s.call("tenants/create", ["name": "Before"])
        let fd = open(s.storeDirectory + "/lock", O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let refused = s.call("tenants/create", ["name": "Blocked"])
        XCTAssertEqual(refused.errorCode, "store_unavailable")
        XCTAssertEqual(refused["error"]?["code"], 1030)
        XCTAssertEqual(s.call("tenants/list")["total"], 1, "reads still work while a writer holds the lock")
        flock(fd, LOCK_UN)
        close(fd)
        XCTAssertNotNil(s.call("tenants/create", ["name": "After"])["id"])
        s.stop()
    }
}
