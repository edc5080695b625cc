import Foundation
import XCTest
import JSONRPC

/// Lifecycle data from the providers' own exports (`--lifecycle-source`), beside LiteLLM's map:
/// one test per provider through the binary, conflicting sources, a model that vanished from a
/// complete listing, precedence, and a broken file. Today is pinned to 2026-12-01.
final class LifecycleSourcesEndToEndTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/lifecycle-sources").standardized.path

    private func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

    /// A tenant with one provider of `providerType` and a model for each name; returns the store,
    /// the tenant and the model ids by name.
    private func world(_ providerType: String, _ names: [String]) throws -> (String, String, [String: String]) {
        let store = ServerProcess.temporaryStore()
        let s = try ServerProcess([], store: store)
        s.initialize(actor: Actors.sysadmin)
        let tenant = s.call("tenants/create", ["name": "Acme"]).id
        let t: JSONValue = .string(tenant)
        let provider = s.call(
            "providers/create", ["tenantId": t, "name": "P", "providerType": .string(providerType)]
        ).id
        var ids: [String: String] = [:]
        for n in names {
            ids[n] =
                s.call(
                    "models/create",
                    ["tenantId": t, "kind": "completion", "name": .string(n), "providerId": .string(provider)]
                ).id
        }
        s.stop()
        return (store, tenant, ids)
    }

    private func serve(_ store: String, _ args: [String], _ tenant: String) throws -> ServerProcess {
        let s = try ServerProcess(args + ["--today", "2026-12-01"], store: store)
        s.initialize(actor: Actors.admin(tenant))
        return s
    }

    func testBedrockLegacyIsDeprecatedFromItsLegacyTimeAndAnEndOfLifeAheadIsRetiring() throws {
        let haiku = "anthropic.claude-3-haiku-20240307-v1:0"
        let titan = "amazon.titan-text-express-v1"
        let sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0"
        let (store, tenant, ids) = try world("bedrock", [haiku, titan, sonnet])
        let s = try serve(store, ["--lifecycle-source", fixture("bedrock-eu-central-1.json")], tenant)
        let legacy = s.call("models/get", ["id": .string(ids[haiku]!)])
        XCTAssertEqual(legacy["status"], "deprecated")
        XCTAssertEqual(legacy["deprecationDate"], "2026-10-01", "deprecated since it closed to new use")
        XCTAssertEqual(legacy["lifecycle"]?["state"], "deprecated")
        XCTAssertEqual(legacy["lifecycle"]?["retireAt"], "2027-04-01")
        XCTAssertEqual(legacy["lifecycle"]?["retireAtConfidence"], "planned")
        XCTAssertEqual(legacy["lifecycle"]?["closedToNewAt"], "2026-10-01")
        XCTAssertEqual(legacy["lifecycle"]?["sources"]?[0]?["providerStatus"], "LEGACY")
        XCTAssertEqual(legacy["lifecycle"]?["sources"]?[0]?["kind"], "bedrock")
        let retiring = s.call("models/get", ["id": .string(ids[titan]!)])
        XCTAssertEqual(retiring["status"], "retiring")
        XCTAssertEqual(retiring["deprecationDate"], "2027-02-15")
        XCTAssertEqual(retiring["lifecycle"]?["state"], "retiring")
        XCTAssertEqual(s.call("models/get", ["id": .string(ids[sonnet]!)])["status"], "active")
        let info = s.call("catalog/info")["lifecycleSources"]?[0]
        XCTAssertEqual(info?["stale"], false)
        XCTAssertEqual(info?["kind"], "bedrock", "detected from the shape")
        XCTAssertEqual(info?["records"], 3)
        XCTAssertEqual(info?["skippedRecords"], 1, "the record without a modelId")
        XCTAssertEqual(info?["complete"], true)
        s.stop()
    }

    func testAzureWordsMeanWhatAzureMeansAndItsReplacementIsTheSuccessor() throws {
        let (store, tenant, ids) = try world("azure", ["gpt-4o", "gpt-4.1-2025-04-14", "gpt-35-turbo"])
        let s = try serve(store, ["--lifecycle-source", "azure:" + fixture("azure-models-swedencentral.json")], tenant)
        let deprecating = s.call("models/get", ["id": .string(ids["gpt-4o"]!)])
        XCTAssertEqual(deprecating["lifecycle"]?["state"], "deprecated", "Deprecating: closed to new deployments")
        XCTAssertEqual(deprecating["status"], "deprecated")
        XCTAssertEqual(deprecating["lifecycle"]?["retireAt"], "2027-03-15")
        XCTAssertEqual(deprecating["lifecycle"]?["successor"], ["name": "gpt-4.1-2025-04-14", "source": "provider"])
        XCTAssertEqual(deprecating["successorModel"], "gpt-4.1-2025-04-14")
        let ga = s.call("models/get", ["id": .string(ids["gpt-4.1-2025-04-14"]!)])
        XCTAssertEqual(ga["lifecycle"]?["state"], "active", "a tentative date is no known end")
        XCTAssertEqual(ga["lifecycle"]?["retireAtConfidence"], "tentative")
        XCTAssertEqual(ga["status"], "active")
        let retired = s.call("models/get", ["id": .string(ids["gpt-35-turbo"]!)])
        XCTAssertEqual(retired["lifecycle"]?["state"], "retired", "Azure's Deprecated means retired")
        XCTAssertEqual(retired["status"], "deprecated")
        XCTAssertEqual(retired["lifecycle"]?["sources"]?[0]?["providerStatus"], "Deprecated")
        let info = s.call("catalog/info")["lifecycleSources"]?[0]
        XCTAssertEqual(info?["skippedRecords"], 1, "dall-e-3's date that is not a date")
        XCTAssertTrue(info?["skippedExamples"]?[0]?.stringValue?.contains("dall-e-3") ?? false, "\(info ?? .null)")
        // The suggestion follows the provider's successor too.
        let suggestion = s.call("models/suggestReplacement", ["id": .string(ids["gpt-4o"]!)])["items"]?[0]
        XCTAssertEqual(suggestion?["modelId"], .string(ids["gpt-4.1-2025-04-14"]!))
        s.stop()
    }

    func testAnthropicDeprecatedAndRetiredAndAnUnknownWordIsSkipped() throws {
        let (store, tenant, ids) = try world("anthropic", ["claude-3-7-sonnet-20250219", "claude-2.1"])
        let s = try serve(store, ["--lifecycle-source", fixture("anthropic-models.json")], tenant)
        let deprecated = s.call("models/get", ["id": .string(ids["claude-3-7-sonnet-20250219"]!)])
        XCTAssertEqual(deprecated["lifecycle"]?["state"], "deprecated")
        XCTAssertEqual(deprecated["lifecycle"]?["closedToNewAt"], "2025-10-28")
        XCTAssertEqual(deprecated["lifecycle"]?["retireAt"], "2027-02-19")
        XCTAssertEqual(deprecated["lifecycle"]?["retireAtConfidence"], "tentative", "retires_at may be revised")
        let retired = s.call("models/get", ["id": .string(ids["claude-2.1"]!)])
        XCTAssertEqual(retired["lifecycle"]?["state"], "retired")
        XCTAssertEqual(retired["lifecycle"]?["retireAt"], "2025-07-21", "a retired model keeps the day it ended")
        XCTAssertEqual(retired["deprecationDate"], "2025-07-21", "not today")
        XCTAssertEqual(retired["deprecationSource"], .string(fixture("anthropic-models.json")), "the export decided it")
        let info = s.call("catalog/info")["lifecycleSources"]?[0]
        XCTAssertEqual(info?["records"], 3)
        XCTAssertEqual(info?["skippedRecords"], 1)
        XCTAssertEqual(info?["complete"], true, "it lists retired models: it was asked for all of them")
        s.stop()
    }

    func testOpenAIShutdownDatesArePlannedEndsThatPreflightReads() throws {
        let (store, tenant, ids) = try world("openai", ["gpt-4-0613", "gpt-3.5-turbo-instruct-0914", "gpt-4o"])
        let s = try serve(store, ["--lifecycle-source", fixture("openai-models.json")], tenant)
        let shutting = s.call("models/get", ["id": .string(ids["gpt-4-0613"]!)])
        XCTAssertEqual(shutting["lifecycle"]?["state"], "retiring")
        XCTAssertEqual(shutting["lifecycle"]?["retireAtConfidence"], "planned")
        XCTAssertEqual(shutting["deprecationDate"], "2027-01-20")
        XCTAssertEqual(shutting["status"], "retiring")
        XCTAssertEqual(
            s.call("models/get", ["id": .string(ids["gpt-3.5-turbo-instruct-0914"]!)])["lifecycle"]?["state"],
            "retired")
        XCTAssertEqual(s.call("models/get", ["id": .string(ids["gpt-4o"]!)])["lifecycle"]?["state"], "active")
        XCTAssertEqual(
            s.call("catalog/info")["lifecycleSources"]?[0]?["skippedRecords"], 1, "a shutdown_date that is a number")
        // Preflight reads the normalized lifecycle: moving onto a retiring model warns.
        let plan = s.call(
            "migration/validate", ["fromModelId": .string(ids["gpt-4o"]!), "toModelId": .string(ids["gpt-4-0613"]!)])
        XCTAssertTrue(
            plan["issues"]?.arrayValue?.contains { $0["code"] == "target_retiring" } ?? false, "\(plan)")
        s.stop()
    }

    func testOpenRouterExpirationsAreEarliestEnds() throws {
        let (rStore, rTenant, rIds) = try world(
            "openrouter", ["mistralai/mistral-7b-instruct:free", "cognitivecomputations/dolphin-mixtral-8x22b"])
        let r = try serve(rStore, ["--lifecycle-source", fixture("openrouter-models.json")], rTenant)
        let expiring = r.call("models/get", ["id": .string(rIds["mistralai/mistral-7b-instruct:free"]!)])
        XCTAssertEqual(expiring["lifecycle"]?["state"], "retiring")
        XCTAssertEqual(expiring["lifecycle"]?["retireAtConfidence"], "earliest", "may be removed after")
        XCTAssertEqual(
            r.call("models/get", ["id": .string(rIds["cognitivecomputations/dolphin-mixtral-8x22b"]!)])["lifecycle"]?[
                "state"], "retired")
        r.stop()
    }

    func testConflictingSourcesAreReportedAndTheProviderComesBeforeLiteLLM() throws {
        let dir = NSTemporaryDirectory() + "sources-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = dir + "/prices.json"
        let entries: JSONValue = [
            "gpt-4-0613": [
                "litellm_provider": "openai", "mode": "chat", "deprecation_date": "2027-01-15",
                "successor_model": "gpt-4o",
            ],
            "gpt-4o": ["litellm_provider": "openai", "mode": "chat", "deprecation_date": "2026-06-01"],
        ]
        try Data(JSONWriter.serialize(entries)).write(to: URL(fileURLWithPath: catalog))
        let (store, tenant, ids) = try world("openai", ["gpt-4-0613", "gpt-4o"])
        let s = try serve(
            store, ["--catalog", catalog, "--lifecycle-source", fixture("openai-models.json")], tenant)
        let m = s.call("models/get", ["id": .string(ids["gpt-4-0613"]!)])
        XCTAssertEqual(m["deprecationDate"], "2027-01-20", "the provider's date over LiteLLM's")
        XCTAssertEqual(m["lifecycle"]?["sources"]?.arrayValue?.map { $0["kind"] }, ["openai", "litellm"])
        XCTAssertEqual(
            m["lifecycle"]?["conflicts"], ["openai retires it on 2027-01-20, litellm on 2027-01-15"],
            "a disagreement is reported, not hidden")
        XCTAssertEqual(m["lifecycle"]?["successor"], ["name": "gpt-4o", "source": "catalog"])
        let lookup = s.call("catalog/lookup", ["name": "gpt-4-0613", "providerType": "openai"])
        XCTAssertEqual(lookup["deprecationDate"], "2027-01-20")
        XCTAssertEqual(lookup["lifecycle"]?["sources"]?.arrayValue?.count, 2)
        XCTAssertEqual(lookup["lifecycle"]?["conflicts"]?.arrayValue?.count, 1)
        // The export lists gpt-4o with a null shutdown date: it says nothing, and LiteLLM's past date speaks.
        let silent = s.call("models/get", ["id": .string(ids["gpt-4o"]!)])
        XCTAssertEqual(silent["lifecycle"]?["state"], "retired", "\(silent)")
        XCTAssertEqual(silent["status"], "deprecated")
        XCTAssertEqual(silent["deprecationDate"], "2026-06-01")
        XCTAssertEqual(silent["lifecycle"]?["conflicts"], [])
        // The operator's flag comes first of all.
        s.call("models/update", ["id": .string(ids["gpt-4o"]!), "isDeprecated": true])
        let flagged = s.call("models/get", ["id": .string(ids["gpt-4o"]!)])
        XCTAssertEqual(flagged["lifecycle"]?["state"], "deprecated")
        XCTAssertEqual(flagged["lifecycle"]?["sources"]?[0]?["kind"], "operator")
        XCTAssertEqual(flagged["lifecycle"]?["sources"]?[1]?["state"], "active", "the provider's say is kept")
        s.stop()
    }

    func testAModelThatVanishedFromACompleteListingIsRetiredAndAnEarlierDateIsAnnounced() throws {
        let dir = NSTemporaryDirectory() + "sources-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/openai.json"
        func write(_ models: [(String, String?)]) throws {
            let data: JSONValue = [
                "object": "list",
                "data": .array(
                    models.map { ["id": .string($0.0), "object": "model", "shutdown_date": .optionalString($0.1)] }),
            ]
            try Data(JSONWriter.serialize(data)).write(to: URL(fileURLWithPath: file))
        }
        try write([("gpt-4o", nil), ("gpt-4-0613", "2027-06-01")])
        let (store, tenant, ids) = try world("openai", ["gpt-4-0613", "gpt-4o"])
        let setup = try sysadminServer(store)
        let space = setup.call("spaces/create", ["tenantId": .string(tenant), "name": "S"]).id
        setup.call(
            "spaces/enableModel",
            ["tenantId": .string(tenant), "spaceId": .string(space), "modelId": .string(ids["gpt-4-0613"]!)])
        setup.call(
            "assistants/create",
            [
                "tenantId": .string(tenant), "spaceId": .string(space), "name": "A",
                "completionModelId": .string(ids["gpt-4-0613"]!),
            ])
        setup.stop()
        let s = try serve(store, ["--lifecycle-source", "openai:" + file], tenant)
        XCTAssertEqual(s.call("models/get", ["id": .string(ids["gpt-4-0613"]!)])["status"], "active", "182 days out")
        // The provider moves the date earlier, into the window, and drops gpt-4o from its listing.
        try write([("gpt-4-0613", "2027-01-10")])
        _ = s.takeMessages()
        s.request(50, "catalog/reload")
        let (_, before) = try XCTUnwrap(s.response(to: 50))
        let notice = before.first { $0["method"] == "models/lifecycleNotice" }?["params"]
        XCTAssertEqual(
            notice?["models"]?[0]?["deprecationDate"], "2027-01-10",
            "the tenant that uses the model hears of the earlier date")
        let gone = s.call("models/get", ["id": .string(ids["gpt-4o"]!)])
        XCTAssertEqual(gone["lifecycle"]?["state"], "retired")
        XCTAssertEqual(gone["lifecycle"]?["sources"]?[0]?["providerStatus"], "vanished from a complete listing")
        XCTAssertEqual(s.call("catalog/info")["lifecycleSources"]?[0]?["vanished"], ["gpt-4o"])
        // A broken export on reload: refused, the sources as they were.
        try Data("{\"data\": [".utf8).write(to: URL(fileURLWithPath: file))
        let refused = s.call("catalog/reload")
        XCTAssertNotNil(refused["error"], "\(refused)")
        XCTAssertTrue("\(refused)".contains(file), "the refusal names the file: \(refused)")
        XCTAssertEqual(s.call("models/get", ["id": .string(ids["gpt-4-0613"]!)])["deprecationDate"], "2027-01-10")
        s.stop()
    }

    func testAnExportOlderThanThirtyDaysIsFlaggedStale() throws {
        let path = NSTemporaryDirectory() + "old-" + UUID().uuidString + ".json"
        try FileManager.default.copyItem(atPath: fixture("openai-models.json"), toPath: path)
        defer { unlink(path) }
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-40 * 86_400)], ofItemAtPath: path)
        let (store, tenant, _) = try world("openai", ["gpt-4o"])
        let s = try serve(store, ["--lifecycle-source", path], tenant)
        let info = s.call("catalog/info")["lifecycleSources"]?[0]
        XCTAssertEqual(info?["stale"], true)
        XCTAssertEqual(info?["ageDays"], 40)
        s.stop()
    }

    func testABrokenSourceIsAStartupErrorNamingTheFileAndTheByte() throws {
        let path = NSTemporaryDirectory() + "broken-" + UUID().uuidString + ".json"
        try Data("{\"data\": [{\"id\": \"gpt-4o\", }]}".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let r = try runToEnd(["--lifecycle-source", path, "--store", ServerProcess.temporaryStore()])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains(path) && (r.err.contains("at byte 26") || r.err.contains("at byte 27")), r.err)
        let unknown = NSTemporaryDirectory() + "unknown-" + UUID().uuidString + ".json"
        try Data("{\"models\": []}".utf8).write(to: URL(fileURLWithPath: unknown))
        defer { unlink(unknown) }
        let u = try runToEnd(["--lifecycle-source", unknown, "--store", ServerProcess.temporaryStore()])
        XCTAssertEqual(u.status, 64)
        XCTAssertTrue(u.err.contains("KIND:FILE"), u.err)
        let env = try runToEnd(
            ["--store", ServerProcess.temporaryStore()],
            environment: ProcessInfo.processInfo.environment.merging(["MODEL_LIFECYCLE_SOURCES": "openai:" + path]) {
                $1
            })
        XCTAssertEqual(env.status, 64, "the variable names sources too")
        let dangling = try runToEnd(
            ["--store", ServerProcess.temporaryStore()],
            environment: ProcessInfo.processInfo.environment.merging(["MODEL_LIFECYCLE_SOURCES": "azure"]) { $1 })
        XCTAssertEqual(dangling.status, 64, "a kind with no file after it names nothing: refused, not dropped")
        XCTAssertTrue(dangling.err.contains("MODEL_LIFECYCLE_SOURCES") && dangling.err.contains("azure"), dangling.err)
    }
}
