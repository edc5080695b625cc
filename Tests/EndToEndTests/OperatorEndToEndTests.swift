import Foundation
import XCTest
import JSONRPC

/// The operator's commands: `demo` runs unattended, `call` makes one request.
final class OperatorEndToEndTests: XCTestCase {
    private func run(
        _ args: [String], cwd: String? = nil, environment: [String: String]? = nil
    ) throws -> (status: Int32, out: String, err: String) {
        let p = try ServerProcess(args, environment: environment, currentDirectory: cwd)
        let exit = p.waitForExit(timeout: 60)
        return (exit?.status ?? -1, String(decoding: p.rawStdout, as: UTF8.self), p.stderrText)
    }

    func testTheDemoWalksThroughTheProductUnattended() throws {
        guard let catalog = RegistryEndToEndTests.catalogPath else {
            throw XCTSkip("../shared/data/litellm_model_prices.json is absent")
        }
        let r = try run(["demo", "--catalog", catalog])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("Every step behaved as the contract says."), r.out)
        XCTAssertFalse(r.out.contains("\u{1B}["), "no colour when stdout is not a terminal")
        for method in [
            "models/list", "models/suggestReplacement", "migration/validate", "migration/execute", "migration/history",
            "migration/revert", "models/delete", "lifecycle/cleanup",
        ] {
            XCTAssertTrue(r.out.contains("--> [admin] \(method)") || r.out.contains("--> [sysadmin] \(method)"), method)
        }
    }

    func testTheDemoRunsWithoutAnyCatalogOnTheMachine() throws {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = "/nonexistent"
        env["VIRTUAL_ENV"] = nil
        env["PYENV_ROOT"] = "/nonexistent"
        let r = try run(["demo"], cwd: NSTemporaryDirectory(), environment: env)
        if r.out.contains("catalog ../shared") || r.out.contains("site-packages") {
            throw XCTSkip("a catalog was found on this machine")
        }
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("using a small built-in sample"), r.out)
        XCTAssertTrue(r.out.contains("Every step behaved as the contract says."), r.out)
    }

    /// One discovery order for every command: `serve` and `call` find the copy beside a
    /// development checkout as `demo` does, and the server says at start which catalog and which
    /// store it uses, and when it made a new, empty store.
    func testServeAndCallFindTheCatalogAsTheDemoDoesAndSaySo() throws {
        guard FileManager.default.fileExists(atPath: "../shared/data/litellm_model_prices.json") else {
            throw XCTSkip("../shared/data/litellm_model_prices.json is absent")
        }
        var env = ProcessInfo.processInfo.environment
        env["MODEL_LIFECYCLE_CATALOG"] = ""  // unset: discovery decides
        env["HOME"] = "/nonexistent"
        env["VIRTUAL_ENV"] = nil
        env["PYENV_ROOT"] = "/nonexistent"
        let store = ServerProcess.temporaryStore()
        let info = try run(["call", "catalog/info", "--store", store], environment: env)
        XCTAssertEqual(info.status, 0, info.err)
        let parsed = try JSONParser.parse(Array(info.out.utf8))
        XCTAssertEqual(parsed["source"], "development-checkout", info.out)
        XCTAssertEqual(parsed["path"], "../shared/data/litellm_model_prices.json")

        let s = try ServerProcess(["--log-level", "info"], store: ServerProcess.temporaryStore(), environment: env)
        s.initialize(actor: Actors.sysadmin)
        s.stop()
        XCTAssertTrue(
            s.stderrText.contains("catalog ../shared/data/litellm_model_prices.json (development-checkout"),
            s.stderrText)
        XCTAssertTrue(s.stderrText.contains("store "), s.stderrText)
        XCTAssertTrue(
            s.stderrText.contains("created a new, empty store")
                || s.stderrText.contains("created the model_lifecycle tables"), s.stderrText)

        env["MODEL_LIFECYCLE_CATALOG"] = "none"
        let none = try run(["call", "catalog/info", "--store", store], environment: env)
        XCTAssertEqual(try JSONParser.parse(Array(none.out.utf8))["source"], "none", none.out)
    }

    func testCallTakesASysadminsTenantAndSpeaksInFlags() throws {
        let store = ServerProcess.temporaryStore()
        let created = try run(["call", "tenants/create", #"{"name":"Acme"}"#, "--store", store])
        let tenant = try JSONParser.parse(Array(created.out.utf8)).id
        // The default role is sysadmin: --tenant is the tenant a tenant-scoped method acts in.
        let listed = try run(["call", "spaces/list", "--tenant", tenant, "--store", store])
        XCTAssertEqual(listed.status, 0, listed.err)
        XCTAssertEqual(try JSONParser.parse(Array(listed.out.utf8))["total"], 0)
        // A mistyped tenant is reported by the flag typed, as what it must be.
        let mistyped = try run(["call", "spaces/list", "--as", "admin", "--tenant", "acme", "--store", store])
        XCTAssertEqual(mistyped.status, 1)
        XCTAssertEqual(mistyped.err, "model-lifecycle: --tenant: must be a lowercase UUID\n")
    }

    func testCallPrintsTheResultAndFailsWithTheErrorOnStderr() throws {
        let store = ServerProcess.temporaryStore()
        let created = try run(["call", "tenants/create", #"{"name":"Acme"}"#, "--store", store])
        XCTAssertEqual(created.status, 0, created.err)
        let tenant = try JSONParser.parse(Array(created.out.utf8))
        XCTAssertEqual(tenant["name"], "Acme")
        XCTAssertFalse(created.out.contains("\n  "), "compact JSON when piped")

        let listed = try run([
            "call", "models/list", "--as", "admin", "--tenant", tenant.id, "--user", "ada", "--store", store,
        ])
        XCTAssertEqual(listed.status, 0, listed.err)
        XCTAssertEqual(try JSONParser.parse(Array(listed.out.utf8))["total"], 0)

        let refused = try run(["call", "tenants/create", #"{"name":"Acme"}"#, "--store", store])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.out, "")
        XCTAssertEqual(try JSONParser.parse(Array(refused.err.utf8))["data"]?["code"], "conflict")

        let forbidden = try run(["call", "tenants/list", "--as", "member", "--tenant", tenant.id, "--store", store])
        XCTAssertEqual(forbidden.status, 1)
        XCTAssertTrue(forbidden.err.contains("forbidden"), forbidden.err)

        XCTAssertEqual(try run(["call", "tenants/create", "{not json", "--store", store]).status, 64)
        XCTAssertEqual(
            try run(["call", "models/list", "--as", "admin", "--store", store]).status, 64, "an admin needs --tenant")
        XCTAssertEqual(
            try run([
                "call", "models/list", "--as", "admin", "--tenant", "00000000-0000-4000-8000-000000000000", "--store",
                store,
            ]).status, 1,
            "an unknown tenant is refused")
    }
}
