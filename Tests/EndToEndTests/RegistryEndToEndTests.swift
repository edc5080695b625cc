import Foundation
import XCTest
import JSONRPC

/// Tenants, classifications, providers, models and the catalog through the real binary.
final class RegistryEndToEndTests: XCTestCase {

    static var catalogPath: String? {
        let p = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../shared/data/litellm_model_prices.json"
        ).standardized.path
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    /// A store with one tenant (created by a sysadmin session that has ended).
    private func storeWithTenant(
        _ name: String = "Acme", security: Bool = false
    ) throws -> (store: String, tenant: String) {
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        let t = s.call("tenants/create", ["name": .string(name), "securityEnabled": .bool(security)])
        s.stop()
        return (s.storeDirectory, t.id)
    }

    func testWritesSurviveARestart() throws {
        let (store, tenant) = try storeWithTenant()
        let a = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        let provider = a.call("providers/create", ["name": "OpenAI", "providerType": "openai"])
        let model = a.call(
            "models/create",
            ["kind": "completion", "name": "gpt-4o", "providerId": .string(provider.id), "family": "gpt"])
        a.stop()
        let b = try ServerProcess([], store: store)
        b.initialize(actor: Actors.admin(tenant))
        let got = b.call("models/get", ["id": .string(model.id)])
        XCTAssertEqual(got["name"], "gpt-4o")
        XCTAssertEqual(got["family"], "gpt")
        XCTAssertEqual(got["providerType"], "openai")
        XCTAssertEqual(got["status"], "active")
        b.stop()
    }

    func testPermissionsFollowTheRoleTable() throws {
        let (store, tenant) = try storeWithTenant()
        let anonymous = try ServerProcess([], store: store)
        anonymous.initialize()
        XCTAssertEqual(anonymous.call("models/list").errorCode, "unauthenticated")
        XCTAssertEqual(
            anonymous.call("models/list", ["bogus": 1]).errorCode, "unauthenticated",
            "authentication comes before params")
        anonymous.stop()

        let member = try ServerProcess([], store: store)
        member.initialize(actor: Actors.member(tenant))
        XCTAssertEqual(member.call("models/list")["total"], 0)
        let unknown = "00000000-0000-4000-8000-000000000000"
        XCTAssertEqual(
            member.call("models/delete", ["id": .string(unknown)]).errorCode, "forbidden",
            "the role is checked before the lookup")
        XCTAssertEqual(member.call("classifications/create", ["name": "x", "level": 1]).errorCode, "forbidden")
        XCTAssertEqual(member.call("tenants/list").errorCode, "forbidden")
        member.stop()

        let admin = try ServerProcess([], store: store)
        admin.initialize(actor: Actors.admin(tenant))
        XCTAssertEqual(admin.call("tenants/create", ["name": "Other"]).errorCode, "forbidden")
        XCTAssertEqual(admin.call("catalog/info")["source"], "none")
        admin.stop()

        let root = try ServerProcess([], store: store)
        root.initialize(actor: Actors.sysadmin)
        let missing = root.call("models/list")
        XCTAssertEqual(missing["error"]?["code"], -32602)
        XCTAssertEqual(missing["error"]?["data"]?["field"], "/tenantId")
        XCTAssertEqual(root.call("models/list", ["tenantId": .string(unknown)]).errorCode, "not_found")
        XCTAssertEqual(root.call("models/list", ["tenantId": .string(tenant)])["total"], 0)
        root.stop()
    }

    func testInitializeRefusesAnActorOfAnUnknownTenant() throws {
        let s = try ServerProcess([])
        s.request(
            1, "initialize", ["initializationOptions": ["actor": Actors.admin("00000000-0000-4000-8000-000000000000")]])
        let r = s.response(to: 1)?.0
        XCTAssertEqual(r?["error"]?["code"], -32602)
        XCTAssertEqual(r?["error"]?["data"]?["field"], "/initializationOptions/actor/tenantId")
    }

    func testAnotherTenantsThingsAreNotFound() throws {
        let (store, acme) = try storeWithTenant("Acme")
        let root = try ServerProcess([], store: store)
        root.initialize(actor: Actors.sysadmin)
        let globex = root.call("tenants/create", ["name": "Globex"]).id
        let p = root.call(
            "providers/create", ["tenantId": .string(globex), "name": "OpenAI", "providerType": "openai"])
        let m = root.call(
            "models/create",
            ["tenantId": .string(globex), "kind": "completion", "name": "gpt-4o", "providerId": .string(p.id)])
        root.stop()

        let a = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(acme))
        let get = a.call("models/get", ["id": .string(m.id)])
        XCTAssertEqual(get.errorCode, "not_found")
        XCTAssertEqual(get["error"]?["data"]?["entity"], "model")
        XCTAssertEqual(get["error"]?["data"]?["id"], .string(m.id))
        XCTAssertEqual(a.call("models/list")["total"], 0)
        XCTAssertEqual(
            a.call("models/create", ["kind": "completion", "name": "x", "providerId": .string(p.id)])["error"]?[
                "data"]?["entity"], "provider",
            "a foreign provider is not_found, never forbidden")
        XCTAssertEqual(a.call("models/list", ["tenantId": .string(globex)]).errorCode, "not_found")
        a.stop()
    }

    func testValidationAndConflicts() throws {
        let (store, tenant) = try storeWithTenant()
        let a = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        XCTAssertEqual(a.call("classifications/create", ["name": "Secret", "level": 3])["level"], 3)
        XCTAssertEqual(a.call("classifications/create", ["name": "Secret", "level": 1]).errorCode, "conflict")
        let p = a.call("providers/create", ["name": "Azure", "providerType": "azure"])
        let bad: [(JSONValue, String)] = [
            (
                ["kind": "completion", "name": "m", "providerId": .string(p.id), "confirmMigration": true],
                "/confirmMigration"
            ),
            (["kind": "chat", "name": "m", "providerId": .string(p.id)], "/kind"),
            (["kind": "completion", "name": "", "providerId": .string(p.id)], "/name"),
            (["kind": "completion", "name": "m", "providerId": "not-a-uuid"], "/providerId"),
            (
                ["kind": "completion", "name": "m", "providerId": .string(p.id), "maxInputTokens": "lots"],
                "/maxInputTokens"
            ),
            (["kind": "completion", "providerId": .string(p.id)], "/name"),
        ]
        for (params, field) in bad {
            XCTAssertEqual(a.call("models/create", params)["error"]?["data"]?["field"], .string(field), "\(params)")
        }
        XCTAssertEqual(a.call("models/list")["total"], 0, "nothing is written when a request fails")
        XCTAssertEqual(a.call("models/list", ["limit": 0])["error"]?["data"]?["field"], "/limit")
        XCTAssertEqual(a.call("models/list", ["cursor": "forged"])["error"]?["data"]?["field"], "/cursor")
        a.stop()
    }

    func testDefaultModelIsUniquePerKind() throws {
        let (store, tenant) = try storeWithTenant()
        let a = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        let p = a.call("providers/create", ["name": "OpenAI", "providerType": "openai"])
        let one = a.call(
            "models/create", ["kind": "completion", "name": "a", "providerId": .string(p.id), "isDefault": true])
        let emb = a.call(
            "models/create", ["kind": "embedding", "name": "e", "providerId": .string(p.id), "isDefault": true])
        let two = a.call(
            "models/create", ["kind": "completion", "name": "b", "providerId": .string(p.id), "isDefault": true])
        XCTAssertEqual(
            a.call("models/get", ["id": .string(one.id)])["isDefault"], false, "the new default takes the flag")
        XCTAssertEqual(a.call("models/get", ["id": .string(two.id)])["isDefault"], true)
        XCTAssertEqual(
            a.call("models/get", ["id": .string(emb.id)])["isDefault"], true, "another kind keeps its default")
        a.stop()
    }

    func testPaginationIsKeysetWithTrueTotals() throws {
        let (store, tenant) = try storeWithTenant()
        let a = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        let p = a.call("providers/create", ["name": "vLLM", "providerType": "vllm"])
        var created: [String] = []
        for k in 0..<7 {
            created.append(
                a.call("models/create", ["kind": "completion", "name": .string("m\(k)"), "providerId": .string(p.id)])
                    .id)
        }
        var seen: [String] = []
        var cursor: JSONValue = .null
        repeat {
            var params: JSONObject = ["limit": 3]
            if case .string = cursor { params["cursor"] = cursor }
            let page = a.call("models/list", .object(params))
            XCTAssertEqual(page["total"], 7)
            seen += page["items"]?.arrayValue?.map(\.id) ?? []
            cursor = page["nextCursor"] ?? .null
        } while cursor != .null
        XCTAssertEqual(seen.count, 7, "no model twice")
        XCTAssertEqual(Set(seen), Set(created), "every model once (ordered by createdAt, then id)")
        a.stop()
    }

    func testSoftDeletedModelsAreHiddenAndNotFound() throws {
        let (store, tenant) = try storeWithTenant()
        let a = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        let p = a.call("providers/create", ["name": "OpenAI", "providerType": "openai"])
        let m = a.call("models/create", ["kind": "completion", "name": "old", "providerId": .string(p.id)])
        XCTAssertEqual(a.call("models/delete", ["id": .string(m.id)])["deleted"], "soft")
        XCTAssertEqual(a.call("models/get", ["id": .string(m.id)]).errorCode, "not_found")
        XCTAssertEqual(a.call("models/update", ["id": .string(m.id), "nickname": "x"]).errorCode, "not_found")
        XCTAssertEqual(a.call("models/delete", ["id": .string(m.id)]).errorCode, "not_found")
        XCTAssertEqual(a.call("models/list")["total"], 0)
        let all = a.call("models/list", ["includeDeleted": true])
        XCTAssertEqual(all["total"], 1)
        XCTAssertEqual(all["items"]?.arrayValue?.first?["status"], "deleted")
        XCTAssertEqual(
            a.call("models/delete", ["id": .string(m.id), "force": true]).errorCode, "forbidden",
            "force is for sysadmins")
        a.stop()
    }

    func testCatalogFillsCapabilitiesAndDrivesDeprecation() throws {
        guard let catalog = Self.catalogPath else { throw XCTSkip("../shared/data is absent; catalog test skipped") }
        let (store, tenant) = try storeWithTenant()
        func status(today: String) throws -> JSONValue {
            let s = try ServerProcess(["--catalog", catalog, "--today", today], store: store)
            s.initialize(actor: Actors.admin(tenant))
            defer { s.stop() }
            if s.call("providers/list")["total"] == 0 {
                let p = s.call("providers/create", ["name": "Azure AI", "providerType": "azure_ai"])
                let m = s.call(
                    "models/create",
                    ["kind": "completion", "name": "claude-haiku-4-5", "providerId": .string(p.id), "vision": false])
                XCTAssertEqual(m["vision"], false, "given fields win over the catalog")
                XCTAssertEqual(m["toolCalling"], true, "omitted fields come from the catalog")
                XCTAssertEqual(m["successorModel"], "azure_ai/claude-haiku-5-5")
            }
            let info = s.call("catalog/info")
            XCTAssertEqual(info["entries"], 4778)
            XCTAssertEqual(info["withDeprecationDate"], 924)
            XCTAssertEqual(info["withSuccessor"], 446)
            XCTAssertEqual(
                s.call("catalog/lookup", ["name": "claude-haiku-4-5", "providerType": "azure_ai"])["deprecationDate"],
                "2026-11-15")
            XCTAssertEqual(s.call("catalog/lookup", ["name": "no-such-model"]), .null)
            return s.call("models/list")["items"]?.arrayValue?.first ?? .null
        }
        let before = try status(today: "2026-10-01")
        XCTAssertEqual(before["status"], "retiring")
        XCTAssertEqual(before["canAccess"], true)
        XCTAssertEqual(before["isDeprecated"], false)
        let after = try status(today: "2026-11-15")
        XCTAssertEqual(after["status"], "deprecated", "deprecated on the date itself")
        XCTAssertEqual(after["canAccess"], false)
        XCTAssertEqual(after["isDeprecated"], true)
        let far = try status(today: "2026-01-01")
        XCTAssertEqual(far["status"], "active", "outside the 90-day window")
    }

    func testAMalformedCatalogIsAClearStartupError() throws {
        let path = NSTemporaryDirectory() + "bad-catalog-\(UUID().uuidString).json"
        try Data("{\"gpt-x\": {\"mode\": \"chat\",}}".utf8).write(to: URL(fileURLWithPath: path))
        let s = try ServerProcess(["--catalog", path])
        s.closeStdin()
        XCTAssertEqual(s.waitForExit()?.status, 64)
        XCTAssertTrue(s.stderrText.contains(path) && s.stderrText.contains("at byte 26"), s.stderrText)
    }

    func testBrokenCatalogEntriesAreSkippedAndCountedNotFatal() throws {
        let path = NSTemporaryDirectory() + "partly-broken-catalog-\(UUID().uuidString).json"
        let catalog = """
            {"gpt-good": {"litellm_provider": "openai", "mode": "chat", "deprecation_date": "2026-06-01"},
             "gpt-bad-date": {"litellm_provider": "openai", "mode": "chat", "deprecation_date": "June 2026"},
             "gpt-negative": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": -1}}
            """
        try Data(catalog.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = try ServerProcess(["--catalog", path])
        s.initialize(actor: Actors.sysadmin)
        let info = s.call("catalog/info")
        XCTAssertEqual(info["entries"], 1, "\(info)")
        XCTAssertEqual(info["skippedEntries"], 2)
        let keys = Set(info["skippedExamples"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? [])
        XCTAssertEqual(keys, ["gpt-bad-date", "gpt-negative"])
        XCTAssertTrue(s.stderrText.contains("2 broken entries skipped"), s.stderrText)
        s.stop()
    }

    func testANameIsBoundedInBytesAsWellAsCharacters() throws {
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        // One character: a letter with 100,000 combining acute accents (200,001 bytes).
        let huge = "a" + String(repeating: "\u{301}", count: 100_000)
        let refused = s.call("tenants/create", ["name": .string(huge)])
        XCTAssertEqual(refused["error"]?["data"]?["field"], "/name", "\(refused)")
        XCTAssertEqual(
            refused["error"]?["data"]?["reason"], "must have at most 200 characters and 800 bytes of UTF-8")
        // Within both bounds: one character of 201 bytes.
        let small = "a" + String(repeating: "\u{301}", count: 100)
        XCTAssertNotNil(s.call("tenants/create", ["name": .string(small)])["id"])
        s.stop()
    }

    /// One rule for every name: canonically equivalent spellings (NFC, NFD) are the same name, so
    /// an equivalent name is a conflict and a rename to one changes nothing (the stored spelling
    /// stays, nothing is written, no audit entry).
    func testCanonicallyEquivalentNamesAreTheSameNameEverywhere() throws {
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        let composed = "Caf\u{E9}"  // é as one code point (NFC)
        let decomposed = "Cafe\u{301}"  // e + combining acute (NFD)
        func spelling(_ v: JSONValue?) -> [UInt8] { Array((v?.stringValue ?? "").utf8) }
        let tenant = s.call("tenants/create", ["name": .string(composed)]).id
        XCTAssertEqual(s.call("tenants/create", ["name": .string(decomposed)]).errorCode, "conflict")
        let provider = s.call(
            "providers/create", ["tenantId": .string(tenant), "name": .string(composed), "providerType": "openai"]
        ).id
        let model = s.call(
            "models/create",
            [
                "tenantId": .string(tenant), "kind": "completion", "name": .string(composed),
                "providerId": .string(provider),
            ]
        ).id
        let space = s.call("spaces/create", ["tenantId": .string(tenant), "name": .string(composed)]).id
        let audited = s.call("audit/list", ["tenantId": .string(tenant), "limit": 500])["total"]
        for (method, id) in [
            ("tenants/update", tenant), ("providers/update", provider), ("models/update", model),
            ("spaces/update", space),
        ] {
            var params: JSONObject = ["id": .string(id), "name": .string(decomposed)]
            if method != "tenants/update" { params["tenantId"] = .string(tenant) }
            let renamed = s.call(method, .object(params))
            XCTAssertNil(renamed.errorCode, "\(method): \(renamed)")
            XCTAssertEqual(spelling(renamed["name"]), Array(composed.utf8), "\(method) keeps the stored spelling")
        }
        XCTAssertEqual(
            spelling(s.call("spaces/get", ["tenantId": .string(tenant), "id": .string(space)])["name"]),
            Array(composed.utf8))
        XCTAssertEqual(
            s.call("audit/list", ["tenantId": .string(tenant), "limit": 500])["total"], audited, "nothing audited")
        s.stop()
    }

    func testAStorePathThatIsAFileExitsWithThree() throws {
        let path = NSTemporaryDirectory() + "not-a-dir-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: Data())
        let s = try ServerProcess(["--store", path])
        s.closeStdin()
        XCTAssertEqual(s.waitForExit()?.status, 3)
        XCTAssertTrue(s.stderrText.contains("not a directory"), s.stderrText)
    }

    func testTwoProcessesOnOneStoreSeeEachOthersWrites() throws {
        let (store, tenant) = try storeWithTenant()
        let a = try ServerProcess([], store: store)
        let b = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        b.initialize(actor: Actors.admin(tenant))
        let p = a.call("providers/create", ["name": "OpenAI", "providerType": "openai"])
        XCTAssertEqual(b.call("providers/get", ["id": .string(p.id)])["name"], "OpenAI", "b reads what a committed")
        XCTAssertEqual(
            b.call("providers/create", ["name": "OpenAI", "providerType": "openai"]).errorCode, "conflict",
            "b's write sees a's commit")
        for k in 0..<20 {
            let (w, _) = k % 2 == 0 ? (a, b) : (b, a)
            XCTAssertNotNil(
                w.call("models/create", ["kind": "completion", "name": .string("m\(k)"), "providerId": .string(p.id)])[
                    "id"])
        }
        XCTAssertEqual(a.call("models/list")["total"], 20)
        XCTAssertEqual(b.call("models/list")["total"], 20)
        a.stop()
        b.stop()
    }
    func testListedViewsFollowEveryChangeTheyShowFromThisProcessOrAnother() throws {
        let (store, tenant) = try storeWithTenant("Acme", security: true)
        let a = try ServerProcess([], store: store)
        let b = try ServerProcess([], store: store)
        a.initialize(actor: Actors.admin(tenant))
        b.initialize(actor: Actors.admin(tenant))
        let p = a.call("providers/create", ["name": "OpenAI", "providerType": "openai"])
        let c = a.call("classifications/create", ["name": "Internal", "level": 2])
        let m = a.call(
            "models/create",
            [
                "kind": "completion", "name": "gpt-4o", "providerId": .string(p.id),
                "securityClassificationId": .string(c.id),
            ])
        func listed(_ s: ServerProcess) -> JSONValue { s.call("models/list")["items"]?[0] ?? .null }
        XCTAssertEqual(listed(a)["providerType"], "openai")
        XCTAssertEqual(listed(b)["name"], "gpt-4o", "both processes have rendered (and cached) the view")

        a.call("models/update", ["id": .string(m.id), "name": "gpt-4o-2024"])
        XCTAssertEqual(listed(a)["name"], "gpt-4o-2024", "a model change shows at once")
        XCTAssertEqual(listed(b)["name"], "gpt-4o-2024", "also in a process that only read it")
        b.call("providers/update", ["id": .string(p.id), "providerType": "azure"])
        XCTAssertEqual(listed(a)["providerType"], "azure", "a provider change shows in the views of its models")
        a.call("classifications/update", ["id": .string(c.id), "level": 5])
        XCTAssertEqual(listed(b)["securityClassification"]?["level"], 5, "a classification change too")
        XCTAssertEqual(b.call("models/get", ["id": .string(m.id)]), listed(b), "models/get shows the same view")
        a.stop()
        b.stop()
    }
}

extension RegistryEndToEndTests {
    /// An audit entry names a change as clients send and read it, never as the journal keeps it.
    func testAuditEntriesUseTheNamesOfTheProtocol() throws {
        let (store, tenant) = try storeWithTenant()
        let admin = try ServerProcess([], store: store)
        admin.initialize(actor: Actors.admin(tenant))
        let provider = admin.call("providers/create", ["name": "P", "providerType": "openai"]).id
        let model = admin.call(
            "models/create", ["kind": "completion", "name": "gpt-x", "providerId": .string(provider)]
        ).id
        XCTAssertNotNil(
            admin.call("models/update", ["id": .string(model), "isDeprecated": true, "nickname": "X"])["id"])
        let entry = admin.call("audit/list", ["action": "model.updated"])["items"]?[0]
        XCTAssertEqual(entry?["changes"]?["isDeprecated"], ["from": false, "to": true], "\(entry ?? .null)")
        XCTAssertEqual(entry?["changes"]?["nickname"], ["from": nil, "to": "X"])
        XCTAssertNil(entry?["changes"]?["manualDeprecated"])
        XCTAssertEqual(entry?["changes"]?.objectValue?.count, 2, "only what changed")
        admin.stop()
    }
}
