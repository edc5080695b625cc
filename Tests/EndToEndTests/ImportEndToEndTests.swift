import Foundation
import XCTest
import JSONRPC

/// `model-lifecycle import`: a platform's inventory from NDJSON, through the same rules as the
/// protocol, with the platform's own ids, all of it or nothing.
final class ImportEndToEndTests: XCTestCase {
    private let tenant = "11111111-1111-4111-8111-111111111111"
    private let provider = "22222222-2222-4222-8222-222222222222"
    private let model = "33333333-3333-4333-8333-333333333333"
    private let space = "44444444-4444-4444-8444-444444444444"
    private let assistant = "55555555-5555-4555-8555-555555555555"
    private let secret = "66666666-6666-4666-8666-666666666666"

    private func line(_ method: String, _ params: JSONObject, id: String? = nil, at: String? = nil) -> String {
        var o: JSONObject = ["method": .string(method), "params": .object(params)]
        if let id { o["id"] = .string(id) }
        if let at { o["at"] = .string(at) }
        return JSONWriter.string(.object(o))
    }

    /// One of every kind of entity, the later lines naming the earlier ones by their ids.
    private var inventory: [String] {
        let t: JSONValue = .string(tenant)
        return [
            line("tenants/create", ["name": "Acme"], id: tenant),
            line("classifications/create", ["tenantId": t, "name": "Secret", "level": 3], id: secret),
            line(
                "providers/create", ["tenantId": t, "name": "OpenAI", "providerType": "openai"], id: provider),
            line(
                "models/create",
                ["tenantId": t, "kind": "completion", "name": "gpt-4o", "providerId": .string(provider)], id: model),
            line("spaces/create", ["tenantId": t, "name": "Team"], id: space),
            line("spaces/enableModel", ["tenantId": t, "spaceId": .string(space), "modelId": .string(model)]),
            "",
            line(
                "assistants/create",
                [
                    "tenantId": t, "spaceId": .string(space), "name": "Helper", "completionModelId": .string(model),
                    "kwargs": ["temperature": 0.2],
                ], id: assistant),
            line(
                "apps/create",
                ["tenantId": t, "spaceId": .string(space), "name": "App", "completionModelId": .string(model)]),
            line(
                "services/create",
                ["tenantId": t, "spaceId": .string(space), "name": "svc", "completionModelId": .string(model)]),
            line(
                "templates/create",
                ["tenantId": t, "kind": "assistant", "name": "tpl", "completionModelId": .string(model)]),
            line(
                "questions/record",
                [
                    "tenantId": t, "completionModelId": .string(model), "assistantId": .string(assistant),
                    "tokensIn": 10, "tokensOut": 20,
                ], at: "2025-06-01T10:00:00+02:00"),
            line(
                "questions/record",
                ["tenantId": t, "completionModelId": .string(model), "tokensIn": 1, "tokensOut": 2],
                at: "2025-06-02T08:00:00.250Z"),
        ]
    }

    private func file(_ lines: [String]) throws -> String {
        let path = NSTemporaryDirectory() + "import-" + UUID().uuidString + ".ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { unlink(path) }
        return path
    }

    private func importing(_ arguments: [String]) throws -> (status: Int32, result: JSONValue?, err: String) {
        let (status, out, err) = try runToEnd(["import"] + arguments)
        return (status, try? JSONParser.parse(Array(out.utf8)), err)
    }

    func testAnInventoryComesInWithItsOwnIdsAndQuestionsAtTheirTimes() throws {
        let store = ServerProcess.temporaryStore()
        let (status, summary, err) = try importing(["--store", store, try file(inventory)])
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(summary?["imported"], true)
        XCTAssertEqual(summary?["lines"], 13)
        XCTAssertEqual(summary?["entities"], 12, "the blank line is no entity")
        XCTAssertEqual(summary?["counts"]?["questions/record"], 2)
        XCTAssertEqual(summary?["counts"]?["spaces/enableModel"], 1)
        if !TestDatabases.isOn {
            // Committed as the next generation: a snapshot and CURRENT switched, all at once.
            let v = try runToEnd(["verify", "--store", store])
            XCTAssertEqual(v.status, 0, v.out + v.err)
            let report = try JSONParser.parse(Array(v.out.utf8))
            XCTAssertEqual(report["generation"], 1, v.out)
        }

        let admin = try ServerProcess([], store: store)
        admin.initialize(actor: Actors.admin(tenant))
        XCTAssertEqual(admin.call("assistants/get", ["id": .string(assistant)])["completionModelId"], .string(model))
        XCTAssertEqual(admin.call("assistants/get", ["id": .string(assistant)])["kwargs"]?["temperature"], 0.2)
        XCTAssertEqual(admin.call("models/get", ["id": .string(model)])["providerId"], .string(provider))
        XCTAssertEqual(admin.call("classifications/list")["items"]?[0]?["id"], .string(secret))
        XCTAssertEqual(admin.call("apps/list", ["spaceId": .string(space)])["total"], 1)
        XCTAssertEqual(admin.call("questions/count", ["modelId": .string(model)])["count"], 2)
        // A question keeps its time: 10:00 at +02:00 is 08:00 UTC.
        XCTAssertEqual(admin.call("questions/purge", ["before": "2025-06-01T08:00:00Z"])["purged"], 0)
        XCTAssertEqual(admin.call("questions/purge", ["before": "2025-06-01T08:00:00.001Z"])["purged"], 1)
        XCTAssertEqual(admin.call("questions/count", ["modelId": .string(model)])["count"], 1)
        admin.stop()
    }

    /// An import's lines are never written as journal records (the new snapshot is checked as it
    /// is written): kwargs nested as deeply as a request may send come in and read back after a
    /// reopen, and a line nested deeper is refused at its line, nothing imported.
    func testNestingAsDeepAsARequestMayIsImportedAndDeeperIsRefusedAtItsLine() throws {
        let store = ServerProcess.temporaryStore()
        // The line, its params and its kwargs are three of the 128 levels a request may nest.
        func nested(_ levels: Int) -> JSONValue { (0..<levels).reduce(JSONValue.int(1)) { v, _ in ["n": v] } }
        func assistantLine(kwargsDepth: Int) -> String {
            line(
                "assistants/create",
                [
                    "tenantId": .string(tenant), "spaceId": .string(space), "name": "Deep",
                    "completionModelId": .string(model), "kwargs": ["k": nested(kwargsDepth)],
                ], id: assistant)
        }
        let setup = Array(inventory.prefix(6))
        let deeper = try importing(["--store", store, try file(setup + [assistantLine(kwargsDepth: 126)])])
        XCTAssertEqual(deeper.status, 1, deeper.err)
        XCTAssertEqual(deeper.result?["line"], 7)
        XCTAssertEqual(deeper.result?["code"], "invalid_line")
        let (status, _, err) = try importing(["--store", store, try file(setup + [assistantLine(kwargsDepth: 125)])])
        XCTAssertEqual(status, 0, err)
        let admin = try ServerProcess([], store: store)
        admin.initialize(actor: Actors.admin(tenant))
        var v = admin.call("assistants/get", ["id": .string(assistant)])["kwargs"]?["k"]
        var depth = 0
        while let inner = v?["n"] {
            v = inner
            depth += 1
        }
        XCTAssertEqual(depth, 125, "read back whole from the imported snapshot")
        admin.stop()
    }

    func testARefusedLineNamesTheLineMemberAndReasonAndNothingIsImported() throws {
        let store = ServerProcess.temporaryStore()
        let before = try sysadminServer(store)
        before.call("tenants/create", ["name": "Existing"])
        before.stop()
        var lines = inventory
        // The assistant's model is not enabled in the space: refused by the same rule as the protocol.
        lines.insert(
            line(
                "assistants/create",
                [
                    "tenantId": .string(tenant), "spaceId": .string(space), "name": "Early",
                    "completionModelId": .string(model),
                ]), at: 5)
        let (status, refusal, err) = try importing(["--store", store, try file(lines)])
        XCTAssertEqual(status, 1)
        XCTAssertEqual(refusal?["imported"], false)
        XCTAssertEqual(refusal?["line"], 6)
        XCTAssertEqual(refusal?["method"], "assistants/create")
        XCTAssertEqual(refusal?["code"], "model_unavailable")
        XCTAssertTrue(err.contains("line 6") && err.contains("nothing was imported"), err)

        let after = try sysadminServer(store)
        XCTAssertEqual(after.tenantNames, ["Existing"], "none of the lines before it was committed")
        after.stop()
    }

    func testEveryBadLineIsRefusedWithTheMemberThatIsWrong() throws {
        let store = ServerProcess.temporaryStore()
        let t: JSONValue = .string(tenant)
        let cases: [(String, member: String?, code: String)] = [
            ("{not json", nil, "invalid_line"),
            ("[1, 2]", nil, "invalid_line"),
            (#"{"method":"tenants/create","params":{"name":"A"},"extra":1}"#, "/extra", "invalid_line"),
            (#"{"params":{"name":"A"}}"#, "/method", "invalid_line"),
            (#"{"method":"models/delete","params":{}}"#, "/method", "invalid_line"),
            (#"{"method":"tenants/create","params":[]}"#, "/params", "invalid_params"),
            (#"{"method":"tenants/create","params":{"nam":"A"}}"#, "/params/nam", "invalid_params"),
            (#"{"method":"tenants/create","params":{"name":"A"},"id":"NOT-A-UUID"}"#, "/id", "invalid_line"),
            (line("tenants/create", ["name": "A"], at: "2025-01-01T00:00:00Z"), "/at", "invalid_line"),
            (
                line("spaces/enableModel", ["tenantId": t, "spaceId": t, "modelId": t], id: model), "/id",
                "invalid_line"
            ),
        ]
        for (text, member, code) in cases {
            let (status, refusal, _) = try importing(["--store", store, try file([inventory[0], text])])
            XCTAssertEqual(status, 1, text)
            XCTAssertEqual(refusal?["line"], 2, text)
            XCTAssertEqual(refusal?["member"], member.map { .string($0) } ?? .null, text)
            XCTAssertEqual(refusal?["code"], .string(code), text)
        }
        let twice = try importing([
            "--store", store, try file([inventory[0], line("tenants/create", ["name": "B"], id: tenant)]),
        ])
        XCTAssertEqual(twice.result?["member"], "/id")
        XCTAssertEqual(twice.result?["code"], "conflict", "an id is used once")
        let question = try importing([
            "--store", store,
            try file(
                Array(inventory.prefix(4)) + [
                    line(
                        "questions/record",
                        ["tenantId": t, "completionModelId": .string(model), "tokensIn": 1, "tokensOut": 1],
                        at: "yesterday")
                ]),
        ])
        XCTAssertEqual(question.result?["member"], "/at")
        let s = try sysadminServer(store)
        XCTAssertEqual(s.tenantNames, [], "nothing of any refused file was committed")
        s.stop()
    }

    func testADryRunChecksEverythingAndWritesNothing() throws {
        let store = ServerProcess.temporaryStore()
        let (status, summary, err) = try importing(["--dry-run", "--store", store, try file(inventory)])
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(summary?["imported"], false)
        XCTAssertEqual(summary?["dryRun"], true)
        XCTAssertEqual(summary?["entities"], 12)
        if !TestDatabases.isOn {
            XCTAssertFalse(FileManager.default.fileExists(atPath: store), "a dry run creates no store")
        }
        let s = try sysadminServer(store)
        XCTAssertEqual(s.tenantNames, [])
        s.stop()
    }

    func testStandardInputAndAServingProcessThatSeesTheImportWhole() throws {
        let store = ServerProcess.temporaryStore()
        let serving = try sysadminServer(store)
        XCTAssertEqual(serving.tenantNames, [])
        let p = try ServerProcess(["import", "--store", store, "-"])
        p.sendRaw(Array((inventory.joined(separator: "\n") + "\n").utf8))
        p.closeStdin()
        XCTAssertEqual(p.waitForExit(timeout: 60)?.status, 0, p.stderrText)
        XCTAssertEqual(serving.tenantNames, ["Acme"], "the serving process reads the import on its next request")
        XCTAssertEqual(
            serving.call("assistants/get", ["tenantId": .string(tenant), "id": .string(assistant)])["name"], "Helper")
        serving.stop()
    }
}
