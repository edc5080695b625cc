import Foundation
import XCTest
import JSONRPC

/// Several server processes on one store: conflicting writes serialize, counts add up, no update
/// is lost.
final class ConcurrencyEndToEndTests: XCTestCase {
    func testProcessesRacingOnOneStoreAddUpAndLoseNoUpdate() throws {
        let root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        let tenant = root.call("tenants/create", ["name": "Race"]).id
        let provider = root.call(
            "providers/create", ["tenantId": .string(tenant), "name": "P", "providerType": "openai"]
        ).id
        let model = root.call(
            "models/create",
            ["tenantId": .string(tenant), "kind": "completion", "name": "shared", "providerId": .string(provider)]
        ).id
        let writers = 3
        let names = 300
        let updates = 500
        let fields = ["nickname", "family", "hosting"]
        var processes: [ServerProcess] = []
        for _ in 0..<writers {
            let p = try ServerProcess([], store: root.storeDirectory)
            p.initialize(actor: Actors.admin(tenant))
            processes.append(p)
        }
        // Every process pipelines the same classification names (conflicts) and its own field's
        // updates of one model (a lost update would show as a stale field).
        for (w, p) in processes.enumerated() {
            var wire: [UInt8] = []
            for k in 0..<max(names, updates) {
                if k < names {
                    wire += ServerProcess.frame([
                        "jsonrpc": "2.0", "id": .int(10_000 + k), "method": "classifications/create",
                        "params": ["name": .string("c-\(k)"), "level": 1],
                    ])
                }
                if k < updates {
                    var params: JSONObject = ["id": .string(model)]
                    params[fields[w]] = .string("\(fields[w])-\(k)")
                    wire += ServerProcess.frame([
                        "jsonrpc": "2.0", "id": .int(20_000 + k), "method": "models/update", "params": .object(params),
                    ])
                }
            }
            p.sendRaw(wire)
        }
        var created = 0
        var conflicts = 0
        for p in processes {
            // In the order sent (waiting for an answer drops what came before it).
            for k in 0..<max(names, updates) {
                if k < names {
                    guard let (r, _) = p.response(to: .int(10_000 + k), timeout: 60) else { return }
                    if r["result"] != nil {
                        created += 1
                    } else if r["error"]?["data"]?["code"] == "conflict" {
                        conflicts += 1
                    } else {
                        XCTFail("\(r)")
                    }
                }
                if k < updates { guard p.response(to: .int(20_000 + k), timeout: 60) != nil else { return } }
            }
        }
        XCTAssertEqual(created, names, "each name created exactly once across processes")
        XCTAssertEqual(conflicts, names * (writers - 1))
        XCTAssertEqual(
            root.call("classifications/list", ["tenantId": .string(tenant)])["items"]?.arrayValue?.count, names)
        let final = root.call("models/get", ["tenantId": .string(tenant), "id": .string(model)])
        for f in fields { XCTAssertEqual(final[f], .string("\(f)-\(updates - 1)"), "\(f): no update lost") }
        XCTAssertEqual(
            root.call("audit/list", ["tenantId": .string(tenant), "action": "model.updated", "limit": 500])["total"],
            .int(writers * updates))
        for p in processes { p.stop() }
        root.stop()
        let v = try ServerProcess(["verify", "--store", root.storeDirectory])
        XCTAssertEqual(v.waitForExit()?.status, 0)
    }
}
