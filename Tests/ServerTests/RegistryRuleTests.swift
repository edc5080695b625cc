import XCTest
import JSONRPC
@testable import Server

/// Registry rules, in-process through the method table (milliseconds, no child process).
final class RegistryRuleTests: XCTestCase {
    private let sysadmin: JSONValue = ["userId": "root", "role": "sysadmin"]
    private var world: InProcessPlatform!
    private var admin: InProcessPlatform.Session!
    private var provider = ""
    private var tenant = ""

    override func setUp() {
        world = InProcessPlatform()
        tenant = world.session(sysadmin).create("tenants/create", ["name": "Acme"])
        admin = world.session(["userId": "ada", "tenantId": .string(tenant), "role": "admin"])
        provider = admin.create("providers/create", ["name": "OpenAI", "providerType": "openai"])
    }

    private func model(_ name: String, provider p: String? = nil) -> JSONValue {
        admin.send(
            "models/create", ["kind": "completion", "name": .string(name), "providerId": .string(p ?? provider)])
    }

    func testAModelNameIsUniquePerProviderAmongModelsNotDeleted() {
        let first = model("gpt-4o")["id"]?.stringValue ?? ""
        XCTAssertEqual(model("gpt-4o").applicationCode, "conflict")
        let other = admin.create("providers/create", ["name": "Azure", "providerType": "azure"])
        XCTAssertNotNil(model("gpt-4o", provider: other)["id"], "another provider may use the name")
        let second = model("gpt-4o-mini")["id"]?.stringValue ?? ""
        XCTAssertEqual(
            admin.send("models/update", ["id": .string(second), "name": "gpt-4o"]).applicationCode, "conflict",
            "an update may not take the name either")
        XCTAssertNotNil(admin.send("models/delete", ["id": .string(first)])["id"])
        XCTAssertNotNil(model("gpt-4o")["id"], "a deleted model's name is free again")
    }

    func testAModelInUseIsNotDeletedAndLinksAloneNeverBlock() {
        let m = model("gpt-4o")["id"]?.stringValue ?? ""
        let space = admin.create("spaces/create", ["name": "S"])
        XCTAssertNil(admin.send("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])["error"])
        let assistant = admin.create(
            "assistants/create", ["spaceId": .string(space), "name": "A", "completionModelId": .string(m)])
        XCTAssertEqual(admin.send("models/delete", ["id": .string(m)]).applicationCode, "model_in_use")
        XCTAssertEqual(admin.send("assistants/delete", ["id": .string(assistant)])["deleted"], true)
        XCTAssertNotNil(admin.send("models/delete", ["id": .string(m)])["id"], "a space link alone does not block")
    }

    func testMembersMayNotChangeTheRegistry() {
        let member = world.session(["userId": "max", "tenantId": .string(tenant), "role": "member"])
        XCTAssertEqual(
            member.send("models/create", ["kind": "completion", "name": "x", "providerId": .string(provider)])
                .applicationCode, "forbidden")
    }
}
