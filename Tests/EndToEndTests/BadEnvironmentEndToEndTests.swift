import Foundation
import XCTest
import JSONRPC

/// Hostile surroundings: a full disk, damaged files at random offsets, a broken catalog, a client
/// that vanishes mid-request. Each gives a clear error or a safe exit, never corruption or a hang.
final class BadEnvironmentEndToEndTests: XCTestCase {
    private func verify(_ store: String) throws -> Int32 {
        let v = try ServerProcess(["verify", "--store", store])
        return v.waitForExit(timeout: 30)?.status ?? -1
    }

    func testAFullDiskRefusesWritesWithStoreUnavailableAndLosesNothing() throws {
        try skipOnDatabase("it fills and damages the file store's files")
        let store = ServerProcess.temporaryStore()
        let setup = try ServerProcess([], store: store)
        setup.initialize(actor: Actors.sysadmin)
        let tenant = setup.call("tenants/create", ["name": "Full"]).id
        setup.stop()
        // A file-size limit of 64 KiB stands in for a full disk.
        let shell = try ServerProcess(
            ["-c", "ulimit -f 128; exec \"$0\" --store \"$1\" --log-level error", ServerProcess.binary.path, store],
            environment: nil, executable: "/bin/sh")
        shell.request(
            0, "initialize", ["capabilities": [:], "initializationOptions": ["actor": Actors.sysadmin]])
        guard shell.waitFor(timeout: 20, { $0["id"] == 0 }) else {
            if shell.stderrText.contains("Sanitizer") {
                throw XCTSkip("a sanitizer runtime cannot start under a file-size limit")
            }
            XCTFail("the server did not start: \(shell.stderrText)")
            return
        }
        shell.notify("initialized", [:])
        var acknowledged: [String] = []
        var refused = 0
        for k in 0..<400 {
            let r = shell.call(
                "providers/create",
                [
                    "tenantId": .string(tenant), "name": .string("provider-\(k)-" + String(repeating: "x", count: 150)),
                    "providerType": "vllm",
                ])
            if let id = r["id"]?.stringValue {
                acknowledged.append(id)
            } else {
                XCTAssertEqual(r.errorCode, "store_unavailable", "\(r)")
                refused += 1
                if refused > 5 { break }
            }
        }
        XCTAssertGreaterThan(refused, 0, "the limit must have been reached")
        XCTAssertEqual(
            shell.call("providers/list", ["tenantId": .string(tenant)])["items"]?.arrayValue?.count, acknowledged.count,
            "reads still work and show exactly the acknowledged writes")
        shell.stop()
        XCTAssertEqual(try verify(store), 0, "no partial record left behind")
        let after = try ServerProcess([], store: store)
        after.initialize(actor: Actors.sysadmin)
        XCTAssertEqual(
            Set(after.call("providers/list", ["tenantId": .string(tenant)])["items"]?.arrayValue?.map(\.id) ?? []),
            Set(acknowledged))
        after.stop()
    }

    func testDamageAtRandomOffsetsIsRecoveredOrRefusedNeverMisread() throws {
        try skipOnDatabase("it fills and damages the file store's files")
        let store = ServerProcess.temporaryStore()
        let s = try ServerProcess([], store: store)
        s.initialize(actor: Actors.sysadmin)
        for k in 0..<20 { s.call("tenants/create", ["name": .string("t\(k)")]) }
        s.stop()
        let journal = URL(fileURLWithPath: store + "/journal-0")
        let good = [UInt8](try Data(contentsOf: journal))
        var rng = seededGenerator()
        var recovered = 0
        var refusedToOpen = 0
        for _ in 0..<40 {
            var bytes = good
            if Bool.random(using: &rng) {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))  // truncated
            } else {
                // A flipped byte.
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
            try Data(bytes).write(to: journal)
            let p = try ServerProcess([], store: store)
            p.request(
                0, "initialize",
                ["capabilities": [:], "initializationOptions": ["actor": Actors.sysadmin]])
            p.notify("initialized", [:])
            p.request(1, "tenants/list", ["limit": 500])
            if p.waitFor(timeout: 10, { $0["id"] == 1 }), let (r, _) = p.response(to: 1, timeout: 1),
                let names = r["result"]?["items"]?.arrayValue?.compactMap({ $0["name"]?.stringValue })
            {
                // What opens is a prefix of what was committed (the list's order within one millisecond is by id).
                XCTAssertEqual(Set(names), Set((0..<names.count).map { "t\($0)" }))
                recovered += 1
                p.stop()
            } else {
                let exit = p.waitForExit(timeout: 10)
                XCTAssertEqual(exit?.status, 3, "damage must refuse to open with exit 3")
                XCTAssertTrue(p.stderrText.contains("journal-0 is damaged at byte offset"), p.stderrText)
                refusedToOpen += 1
            }
            try Data(good).write(to: journal)
        }
        XCTAssertGreaterThan(recovered, 0)
        XCTAssertGreaterThan(refusedToOpen, 0)
    }

    func testABrokenOrMissingCatalogIsAClearStartupError() throws {
        let dir = NSTemporaryDirectory() + "catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, content) in [
            ("missing.json", nil), ("truncated.json", "{\"gpt-4\": {\"litellm_provider\": \"openai\""),
            ("array.json", "[1,2]"),
        ] as [(String, String?)] {
            let path = dir + "/" + name
            if let content { try content.write(toFile: path, atomically: true, encoding: .utf8) }
            let p = try ServerProcess(["--catalog", path])
            p.closeStdin()
            XCTAssertEqual(p.waitForExit()?.status, 64, name)
            XCTAssertTrue(p.stderrText.contains("catalog \(path)"), p.stderrText)
        }
    }

    func testAClientThatVanishesMidRequestLeavesASoundStore() throws {
        let big = try StoreSeeder.bigTenant(assistants: 20_000)
        let s = try ServerProcess([], store: big.store)
        s.initialize(actor: Actors.admin(big.tenant))
        s.request(1, "migration/execute", ["fromModelId": .string(big.source), "toModelId": .string(big.target)])
        s.closeStdin()
        s.closeStdout()
        let exit = s.waitForExit(timeout: 60)
        XCTAssertNotNil(exit, "the server must not hang when its client is gone")
        XCTAssertEqual(exit?.bySignal, false)
        XCTAssertEqual(try verify(big.store), 0)
    }
}
