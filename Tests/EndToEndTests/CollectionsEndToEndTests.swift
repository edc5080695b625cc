import Foundation
import XCTest
import JSONRPC

/// Collections (knowledge bases) hold the embedding models they were made with: an embedding
/// model is retired, never swapped.
final class CollectionsEndToEndTests: XCTestCase {
    func testACollectionHoldsItsEmbeddingModelWhichIsRetiredNeverSwapped() throws {
        let root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        let tenant = root.call("tenants/create", ["name": "Docs"]).id
        let admin = try ServerProcess([], store: root.storeDirectory)
        admin.initialize(actor: Actors.admin(tenant))
        let provider = admin.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).id
        func model(_ name: String, _ kind: String) -> String {
            admin.call(
                "models/create", ["kind": .string(kind), "name": .string(name), "providerId": .string(provider)]
            )
            .id
        }
        let small = model("text-embedding-3-small", "embedding")
        let large = model("text-embedding-3-large", "embedding")
        let chat = model("gpt-4o", "completion")
        let space = admin.call("spaces/create", ["name": "Handbook"]).id
        let other = admin.call("spaces/create", ["name": "Elsewhere"]).id
        for m in [small, large, chat] {
            admin.call("spaces/enableModel", ["spaceId": .string(space), "modelId": .string(m)])
        }
        func create(_ name: String, _ m: String, in sp: String) -> JSONValue {
            admin.call(
                "collections/create", ["spaceId": .string(sp), "name": .string(name), "embeddingModelId": .string(m)])
        }
        func reason(_ r: JSONValue) -> JSONValue? { r["error"]?["data"]?["reason"] }

        XCTAssertEqual(reason(create("Wrong kind", chat, in: space)), "not_an_embedding_model")
        XCTAssertEqual(reason(create("Not enabled", small, in: other)), "not_enabled_in_space")
        let made = create("Policies", small, in: space)
        XCTAssertEqual(made["embeddingModelId"], .string(small), "\(made)")
        let collection = made.id
        XCTAssertEqual(admin.call("collections/get", ["id": .string(collection)])["name"], "Policies")
        XCTAssertEqual(
            admin.call("collections/list", ["embeddingModelId": .string(small)])["items"]?.arrayValue?.count, 1)
        XCTAssertEqual(admin.call("collections/list", ["spaceId": .string(other)])["total"], 0)
        XCTAssertEqual(admin.call("usage/stats", ["modelId": .string(small)])["collections"], 1)

        // Another tenant sees nothing of it.
        let stranger = root.call("tenants/create", ["name": "Stranger"]).id
        let outsider = try ServerProcess([], store: root.storeDirectory)
        outsider.initialize(actor: Actors.admin(stranger))
        XCTAssertEqual(outsider.call("collections/get", ["id": .string(collection)]).errorCode, "not_found")
        XCTAssertEqual(outsider.call("collections/list")["total"], 0)
        outsider.stop()

        // Rename; a move to a space that does not enable its model is refused; the model never changes.
        XCTAssertEqual(admin.call("collections/update", ["id": .string(collection), "name": "HR"])["name"], "HR")
        XCTAssertEqual(
            reason(admin.call("collections/update", ["id": .string(collection), "spaceId": .string(other)])),
            "not_enabled_in_space")
        let refusedModel = admin.call(
            "collections/update", ["id": .string(collection), "embeddingModelId": .string(large)])
        XCTAssertEqual(refusedModel["error"]?["data"]?["field"], "/embeddingModelId", "\(refusedModel)")

        // Held like active configuration.
        let inUse = admin.call("models/delete", ["id": .string(small)])
        XCTAssertEqual(inUse.errorCode, "model_in_use")
        XCTAssertEqual(inUse["error"]?["data"]?["references"]?["collections"], 1)
        XCTAssertEqual(admin.call("spaces/delete", ["id": .string(space)]).errorCode, "conflict")

        // Retired, never swapped: no migration between embedding models, not even by override.
        let plan = admin.call("migration/validate", ["fromModelId": .string(small), "toModelId": .string(large)])
        XCTAssertEqual(plan["canMigrate"], false)
        XCTAssertEqual(plan["issues"]?[0]?["code"], "requires_reembedding")
        let forced = root.call(
            "migration/execute",
            [
                "tenantId": .string(tenant), "fromModelId": .string(small), "toModelId": .string(large),
                "overrideBlockers": ["requires_reembedding"], "overrideReason": "try",
            ])
        XCTAssertEqual(forced["error"]?["data"]?["field"], "/overrideBlockers/0", "\(forced)")

        // Re-embedded as a new collection on the new model, the old one deleted: the old model goes.
        XCTAssertNotNil(create("HR (large)", large, in: space)["id"])
        XCTAssertEqual(admin.call("collections/delete", ["id": .string(collection)])["deleted"], true)
        XCTAssertEqual(admin.call("collections/get", ["id": .string(collection)]).errorCode, "not_found")
        XCTAssertNil(admin.call("models/delete", ["id": .string(small)]).errorCode)
        let cleaned = root.call("lifecycle/cleanup")
        XCTAssertEqual(cleaned["removed"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, [small], "\(cleaned)")
        admin.stop()
        root.stop()
        XCTAssertEqual(try runToEnd(["verify", "--store", root.storeDirectory]).status, 0)
    }
}
