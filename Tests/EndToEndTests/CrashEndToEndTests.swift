import Foundation
import XCTest
import JSONRPC

/// SIGKILL at random moments of a write workload: every acknowledged write survives, nothing is
/// half there, and `verify` passes every time.
final class CrashEndToEndTests: XCTestCase {
    private func verify(_ store: String) throws -> (Int32, JSONValue) {
        let v = try ServerProcess(["verify", "--store", store])
        guard let exit = v.waitForExit() else { return (-1, .null) }
        let out = try? JSONParser.parse(Array(v.rawStdout))
        return (exit.status, out ?? .null)
    }

    func testKilledWritersLoseNoAcknowledgedWrite() throws {
        let rounds = 12
        var rng = seededGenerator()
        let store = ServerProcess.temporaryStore()
        var acknowledged: Set<String> = []
        var tenant = ""
        for round in 0..<rounds {
            let s = try ServerProcess([], store: store)
            s.initialize(actor: Actors.sysadmin)
            if tenant.isEmpty { tenant = s.call("tenants/create", ["name": "Crash"]).id }
            var wire: [UInt8] = []
            for k in 0..<400 {
                wire += ServerProcess.frame([
                    "jsonrpc": "2.0", "id": .int(k), "method": "providers/create",
                    "params": [
                        "tenantId": .string(tenant), "name": .string("p-\(round)-\(k)"), "providerType": "vllm",
                    ],
                ])
            }
            s.sendRaw(wire)
            usleep(UInt32.random(in: 1_000...60_000, using: &rng))  // a random moment to kill at
            kill(s.process.processIdentifier, SIGKILL)
            _ = s.waitForExit()
            for m in s.takeMessages() where m["result"]?["id"] != nil { acknowledged.insert(m["result"]!.id) }

            let (status, report) = try verify(store)
            XCTAssertEqual(status, 0, "verify after kill \(round): \(report)")
            XCTAssertEqual(report["sound"], true)
        }
        let check = try ServerProcess([], store: store)
        check.initialize(actor: Actors.sysadmin)
        let listed = check.call("providers/list", ["tenantId": .string(tenant)])
        let ids = Set(listed["items"]?.arrayValue?.map(\.id) ?? [])
        XCTAssertGreaterThan(acknowledged.count, 0, "the workload must have been acknowledged at least partly")
        XCTAssertTrue(acknowledged.isSubset(of: ids), "\(acknowledged.subtracting(ids).count) acknowledged writes lost")
        check.stop()
    }

    func testDamageInTheMiddleRefusesToOpenAndATornTailIsRecovered() throws {
        try skipOnDatabase("it damages the journal file")
        let store = ServerProcess.temporaryStore()
        let s = try ServerProcess([], store: store)
        s.initialize(actor: Actors.sysadmin)
        for k in 0..<3 { s.call("tenants/create", ["name": .string("t\(k)")]) }
        s.stop()
        let journal = URL(fileURLWithPath: store + "/journal-0")
        let good = try Data(contentsOf: journal)

        // A torn tail: half of a record appended, as a crash mid-write leaves it.
        try (good + good.prefix(20)).write(to: journal)
        let torn = try verify(store)
        XCTAssertEqual(torn.0, 0)
        XCTAssertEqual(torn.1["tornTailBytes"], 20)
        let t = try ServerProcess([], store: store)
        t.initialize(actor: Actors.sysadmin)
        XCTAssertEqual(t.call("tenants/list")["total"], 3, "the torn tail is dropped on open")
        t.stop()

        // A flipped byte in the first record, with more records after it.
        var bytes = [UInt8](try Data(contentsOf: journal))
        bytes[20] ^= 0x5A
        try Data(bytes).write(to: journal)
        let damaged = try verify(store)
        XCTAssertEqual(damaged.0, 3)
        let u = try ServerProcess([], store: store)
        u.closeStdin()
        XCTAssertEqual(u.waitForExit()?.status, 3)
        XCTAssertTrue(u.stderrText.contains("journal-0 is damaged at byte offset 0: checksum mismatch"), u.stderrText)
    }
}
