import Foundation
import XCTest
import JSONRPC

/// An idle admin session hears again when its tenant's lifecycle notice changes because of
/// another process: at once on PostgreSQL (every commit wakes the listening processes), by the
/// worker's next tick on files (polling; one second here, thirty by default).
final class LifecycleNoticeEndToEndTests: XCTestCase {
    func testAnIdleAdminHearsWhatAnotherProcessChangedAboutItsModelsInUse() throws {
        let store = ServerProcess.temporaryStore()
        let other = try sysadminServer(store)
        let tenant = JSONValue.string(other.call("tenants/create", ["name": "Watched"]).id)
        let provider = other.call("providers/create", ["tenantId": tenant, "name": "P", "providerType": "openai"]).id
        let model = JSONValue.string(
            other.call(
                "models/create",
                ["tenantId": tenant, "kind": "completion", "name": "in-house-1", "providerId": .string(provider)]
            ).id)
        let space = JSONValue.string(other.call("spaces/create", ["tenantId": tenant, "name": "S"]).id)
        other.call("spaces/enableModel", ["tenantId": tenant, "spaceId": space, "modelId": model])
        func assistant(_ name: String) {
            let made = other.call(
                "assistants/create",
                ["tenantId": tenant, "name": .string(name), "spaceId": space, "completionModelId": model])
            XCTAssertNotNil(made["id"], "\(made)")
        }
        assistant("first")
        assistant("second")

        // On files the notice can only come with a tick: one a second here. On PostgreSQL the
        // tick stays at its thirty seconds, so a notice within seconds is the commit's wake.
        var environment = ProcessInfo.processInfo.environment
        if !TestDatabases.isOn { environment["MODEL_LIFECYCLE_TICK_SECONDS"] = "1" }
        let admin = try ServerProcess([], store: store, environment: environment)
        admin.initialize(actor: Actors.admin(tenant.stringValue ?? ""))
        XCTAssertNotNil(admin.call("models/list")["items"], "ready; nothing to hear yet")
        XCTAssertFalse(admin.takeMessages().contains { $0["method"] == "models/lifecycleNotice" })

        func nextNotice() -> JSONValue? {
            guard admin.waitFor(timeout: 10, { $0["method"] == "models/lifecycleNotice" }) else { return nil }
            return admin.take { $0["method"] == "models/lifecycleNotice" }?["params"]?["models"]?[0]
        }
        func deprecate(_ flag: Bool) {
            XCTAssertNotNil(
                other.call("models/update", ["tenantId": tenant, "id": model, "isDeprecated": .bool(flag)])["id"])
        }

        deprecate(true)
        let first = nextNotice()
        XCTAssertEqual(first?["id"], model)
        XCTAssertEqual(first?["status"], "deprecated")
        XCTAssertEqual(first?["activeReferences"], 2)

        let assistants = other.call("assistants/list", ["tenantId": tenant])["items"]?.arrayValue ?? []
        let deleted = other.call("assistants/delete", ["tenantId": tenant, "id": assistants[0]["id"] ?? .null])
        XCTAssertNil(deleted.errorCode, "\(deleted)")
        XCTAssertEqual(nextNotice()?["activeReferences"], 1, "the notice is renewed when what it says changes")

        // Nothing to say for a while (long enough for a renewal to see it), then the same as
        // before: said again.
        deprecate(false)
        Thread.sleep(forTimeInterval: 2.5)
        deprecate(true)
        XCTAssertEqual(nextNotice()?["activeReferences"], 1)
        admin.stop()
        other.stop()
    }
}
