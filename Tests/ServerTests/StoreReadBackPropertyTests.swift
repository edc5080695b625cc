import XCTest
import Foundation
import JSONRPC
@testable import Domain
import Store
@testable import Server

/// What the store acknowledged, it can read back: random accepted requests — kwargs nested as
/// deep as a request may nest them, long and non-ASCII names, migrations that wrap old kwargs in
/// history — through the method table in-process; every so often another "process" opens the
/// files, the store compacts, and it is opened again: each open must succeed and agree.
/// Seeded (`STORE_PROPERTY_SEED`, printed), `STORE_PROPERTY_STEPS` long (default 300).
final class StoreReadBackPropertyTests: XCTestCase {
    private var dir = ""
    private var platform: Platform!
    private var fileStore: FilePlatformStore!
    private var processor: MessageProcessor!
    private let outbox = CollectingOutbox()
    private var nextID = 1

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "model-lifecycle-readback-" + UUID().uuidString.lowercased()
        let store = try FilePlatformStore(directory: dir)
        fileStore = store
        platform = Platform(
            store: store, catalog: Catalog(), catalogSource: CatalogSource(path: nil, origin: "none"),
            calendar: LifecycleCalendar(today: 20_000))
        var table = MethodTable()
        DomainMethods.register(in: &table, platform: platform)
        processor = MessageProcessor(
            table: table, outbox: outbox, actorValidator: DomainMethods.actorValidator(platform: platform))
        send("initialize", ["initializationOptions": ["actor": ["userId": "prop", "role": "sysadmin"]]])
        processor.process(
            IncomingPayload(body: JSONWriter.serialize(["jsonrpc": "2.0", "method": "initialized", "params": [:]])))
        _ = outbox.takeMessages()
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    private func send(_ method: String, _ params: JSONValue) -> JSONValue {
        nextID += 1
        processor.process(
            IncomingPayload(
                body: JSONWriter.serialize([
                    "jsonrpc": "2.0", "id": .int(nextID), "method": .string(method),
                    "params": params,
                ])))
        return outbox.takeMessages().first { $0["id"] == .int(nextID) } ?? .null
    }

    /// A random JSON value at most `depth` levels deep, sometimes exactly that deep.
    private func value(depth: Int, _ rng: inout SplitMix64) -> JSONValue {
        if depth <= 0 { return .int(Int.random(in: 0...9, using: &rng)) }
        if depth == 1 { return Bool.random(using: &rng) ? [:] : [] }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .string(String(repeating: "é\u{301}🦄\"\\\n", count: Int.random(in: 0...40, using: &rng)))
        case 1: return .array([value(depth: depth - 1, &rng), .null, .bool(true)])
        case 2: return .number(JSONNumber(Double.random(in: -1e300...1e300, using: &rng)))
        default:
            var o = JSONObject()
            o.append("k\(Int.random(in: 0...3, using: &rng))", value(depth: depth - 1, &rng))
            o.append("deep", value(depth: depth - 1, &rng))
            return .object(o)
        }
    }

    /// Kwargs as deep as the request may carry them (request, params, kwargs: 126 levels below).
    private func kwargs(_ rng: inout SplitMix64) -> JSONValue {
        var v: JSONValue = Bool.random(using: &rng) ? [:] : ["x": .string(String(repeating: "z", count: 4000))]
        let levels = Bool.random(using: &rng) ? 126 : Int.random(in: 1...126, using: &rng)
        for _ in 1..<levels { v = Bool.random(using: &rng) ? ["k": v] : .object(["k": v, "n": value(depth: 2, &rng)]) }
        return v
    }

    private func name(_ rng: inout SplitMix64) -> JSONValue {
        let pieces = ["a", "Ω", "名前", "🧪", " ", "\u{200B}", "x"]
        return .string(
            (0..<Int.random(in: 1...60, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
    }

    func testEveryAcceptedRequestIsReadBackAfterReopenAndCompaction() throws {
        let seed =
            ProcessInfo.processInfo.environment["STORE_PROPERTY_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...1_000_000)
        let steps = ProcessInfo.processInfo.environment["STORE_PROPERTY_STEPS"].flatMap(Int.init) ?? 300
        print("StoreReadBackPropertyTests seed \(seed), \(steps) steps")
        var rng = SplitMix64(seed: seed)
        let tenant = send("tenants/create", ["name": "Readback"])["result"]?["id"] ?? .null
        let provider =
            send("providers/create", ["tenantId": tenant, "name": "P", "providerType": "openai"])["result"]?["id"]
            ?? .null
        let models = (0..<2).map { k in
            send(
                "models/create",
                ["tenantId": tenant, "kind": "completion", "name": .string("m\(k)"), "providerId": provider])[
                    "result"]?["id"] ?? .null
        }
        let space = send("spaces/create", ["tenantId": tenant, "name": "S"])["result"]?["id"] ?? .null
        for m in models { send("spaces/enableModel", ["tenantId": tenant, "spaceId": space, "modelId": m]) }
        var configs: [(group: String, id: JSONValue)] = []
        var accepted = 0
        var reopened = 0
        for step in 0..<steps {
            let r: JSONValue
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3:
                let group = ["assistants", "apps", "services"].randomElement(using: &rng)!
                r = send(
                    "\(group)/create",
                    [
                        "tenantId": tenant, "spaceId": space, "name": name(&rng),
                        "completionModelId": models.randomElement(using: &rng)!, "kwargs": kwargs(&rng),
                    ])
                if let id = r["result"]?["id"] { configs.append((group, id)) }
            case 4, 5:
                guard let c = configs.randomElement(using: &rng) else { continue }
                r = send(
                    "\(c.group)/update", ["tenantId": tenant, "id": c.id, "kwargs": kwargs(&rng), "name": name(&rng)])
            case 6:
                r = send(
                    "templates/create",
                    [
                        "tenantId": tenant, "kind": "assistant", "name": name(&rng),
                        "completionModelId": models[0], "kwargs": kwargs(&rng),
                    ])
            case 7:
                let (from, to) = Bool.random(using: &rng) ? (models[0], models[1]) : (models[1], models[0])
                r = send(
                    "migration/execute", ["tenantId": tenant, "fromModelId": from, "toModelId": to, "confirm": true])
            case 8:
                r = send(
                    "classifications/create",
                    ["tenantId": tenant, "name": name(&rng), "level": .int(Int.random(in: 0...5, using: &rng))])
            default:
                r = send("tenants/create", ["name": name(&rng)])
            }
            if r["result"] != nil { accepted += 1 }
            XCTAssertNotEqual(r["error"]?["data"]?["code"], "store_unavailable", "step \(step) (seed \(seed)): \(r)")
            XCTAssertNotEqual(r["error"]?["code"], -32603, "step \(step) (seed \(seed)): \(r)")
            if step % 50 == 49 || step == steps - 1 {
                try reopenAndCompact(seed: seed, step: step)
                reopened += 1
            }
        }
        XCTAssertGreaterThan(accepted, steps / 3, "most random requests are accepted (seed \(seed))")
        XCTAssertEqual(try platform.read().invariantViolations(), [])
        print("StoreReadBackPropertyTests: \(accepted) accepted requests, \(reopened) reopen-compact-reopen rounds")
    }

    /// Another process opens the files and agrees; the store compacts; a third open agrees again.
    private func reopenAndCompact(seed: UInt64, step: Int) throws {
        let live = try platform.read()
        func counts(_ s: PlatformState) -> [Int] {
            [s.tenants.count, s.configs.count, s.templates.count, s.migrations.count, s.audit.count]
        }
        let other = try JournalStore<PlatformState>(directory: dir, mode: .verify)
        XCTAssertEqual(
            counts(other.state), counts(live), "another process reads the journal back (seed \(seed), step \(step))")
        try fileStore.journal.compact()
        let after = try JournalStore<PlatformState>(directory: dir, mode: .verify)
        XCTAssertEqual(counts(after.state), counts(live), "and the snapshot (seed \(seed), step \(step))")
        // Field for field: the snapshot keeps configurations in binary records, the journal in JSON.
        for c in live.configs.values {
            XCTAssertEqual(other.state.configuration(c.id), c, "journal (seed \(seed), step \(step))")
            XCTAssertEqual(after.state.configuration(c.id), c, "snapshot (seed \(seed), step \(step))")
        }
        XCTAssertEqual(after.state.invariantViolations(), [])
    }
}
