import Foundation
import XCTest
import JSONRPC
import Domain

/// Model-based random testing: thousands of random operations by admins of three tenants go to
/// the real binary and, step by step, to a small reference model of the rules written here. Every
/// answer must agree (success, or the same `data.code`), no admin may ever see another tenant's
/// data, and `verify` passes at the end. Seeded: a failure names its seed and step.
final class ModelBasedEndToEndTests: XCTestCase {
    /// The reference: what the contract says, in a few dictionaries.
    struct Reference {
        struct M {
            var tenant: Int
            var name: String
            var enabled = true
            var deleted = false
            var migratedTo: String?
        }
        struct A {
            var tenant: Int
            var space: String
            var model: String
        }
        var models: [String: M] = [:]
        var spaces: [String: (tenant: Int, models: Set<String>)] = [:]
        var assistants: [String: A] = [:]

        func canAccess(_ id: String) -> Bool {
            models[id].map { $0.enabled && !$0.deleted && $0.migratedTo == nil } ?? false
        }
        func visible(_ id: String, to tenant: Int) -> Bool {
            models[id].map { $0.tenant == tenant && !$0.deleted } ?? false
        }
        func inUse(_ id: String) -> Bool { assistants.values.contains { $0.model == id } }
    }

    func testRandomOperationsAgreeWithTheReferenceModel() throws {
        let seed =
            UInt64(ProcessInfo.processInfo.environment["MODEL_BASED_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        let steps = Int(ProcessInfo.processInfo.environment["MODEL_BASED_STEPS"] ?? "") ?? 1500
        var rng = SplitMix64(seed: seed)
        let root = try ServerProcess([])
        root.initialize(actor: Actors.sysadmin)
        var sessions: [ServerProcess] = []
        var providers: [String] = []
        var tenants: [String] = []
        for k in 0..<3 {
            let t = root.call("tenants/create", ["name": .string("tenant-\(k)")]).id
            tenants.append(t)
            let s = try ServerProcess([], store: root.storeDirectory)
            s.initialize(actor: Actors.admin(t))
            providers.append(s.call("providers/create", ["name": "P", "providerType": "openai"]).id)
            sessions.append(s)
        }
        var ref = Reference()
        var names = 0
        func pick<T>(_ xs: [T]) -> T? { xs.isEmpty ? nil : xs[Int(rng.next() % UInt64(xs.count))] }
        func anyModel() -> String { pick(Array(ref.models.keys).sorted()) ?? "00000000-0000-4000-8000-000000000000" }
        func anySpace() -> String { pick(Array(ref.spaces.keys).sorted()) ?? "00000000-0000-4000-8000-000000000000" }
        var checked = 0

        for step in 0..<steps {
            let k = Int(rng.next() % 3)
            let s = sessions[k]
            let op = rng.next() % 100
            let context = "seed \(seed) step \(step) tenant \(k)"
            func agree(_ r: JSONValue, _ expected: String?, _ what: String) -> Bool {
                checked += 1
                let got = r.errorCode
                if got != expected {
                    XCTFail("\(context) \(what): expected \(expected ?? "success"), got \(got ?? "success") \(r)")
                    return false
                }
                return true
            }
            switch op {
            case 0..<15:  // create a model (names repeat now and then: conflicts)
                names += 1
                let name = "m-\(rng.next() % 4 == 0 ? names / 2 : names)"
                let clash = ref.models.values.contains { $0.tenant == k && $0.name == name && !$0.deleted }
                let r = s.call(
                    "models/create", ["kind": "completion", "name": .string(name), "providerId": .string(providers[k])])
                guard agree(r, clash ? "conflict" : nil, "models/create \(name)") else { return }
                if !clash { ref.models[r.id] = .init(tenant: k, name: name) }
            case 15..<22:  // enable or disable a model
                let m = anyModel()
                let on = rng.next() % 3 != 0
                let r = s.call("models/update", ["id": .string(m), "isEnabled": .bool(on)])
                guard agree(r, ref.visible(m, to: k) ? nil : "not_found", "models/update \(m)") else { return }
                if ref.visible(m, to: k) { ref.models[m]!.enabled = on }
            case 22..<30:  // a space
                let r = s.call("spaces/create", ["name": .string("s-\(step)")])
                guard agree(r, nil, "spaces/create") else { return }
                ref.spaces[r.id] = (k, [])
            case 30..<42:  // enable a model in a space
                let m = anyModel()
                let sp = anySpace()
                // Enabling a model the space already has changes nothing and succeeds, even when
                // the model has become unusable since.
                let expected: String? =
                    ref.spaces[sp]?.tenant != k || !ref.visible(m, to: k)
                    ? "not_found"
                    : ref.canAccess(m) || ref.spaces[sp]!.models.contains(m) ? nil : "model_unavailable"
                let r = s.call("spaces/enableModel", ["spaceId": .string(sp), "modelId": .string(m)])
                guard agree(r, expected, "spaces/enableModel") else { return }
                if expected == nil { ref.spaces[sp]!.models.insert(m) }
            case 42..<60:  // an assistant
                let m = anyModel()
                let sp = anySpace()
                let expected: String?
                if ref.spaces[sp]?.tenant != k || !ref.visible(m, to: k) {
                    expected = "not_found"
                } else if !ref.canAccess(m) || !(ref.spaces[sp]!.models.contains(m)) {
                    expected = "model_unavailable"
                } else {
                    expected = nil
                }
                let r = s.call(
                    "assistants/create", ["spaceId": .string(sp), "name": "a", "completionModelId": .string(m)])
                guard agree(r, expected, "assistants/create") else { return }
                if expected == nil { ref.assistants[r.id] = .init(tenant: k, space: sp, model: m) }
            case 60..<66:  // delete an assistant
                guard let a = pick(Array(ref.assistants.keys).sorted()) else { continue }
                let r = s.call("assistants/delete", ["id": .string(a)])
                guard agree(r, ref.assistants[a]!.tenant == k ? nil : "not_found", "assistants/delete") else { return }
                if ref.assistants[a]!.tenant == k { ref.assistants[a] = nil }
            case 66..<74:  // delete a model
                let m = anyModel()
                let expected: String? = !ref.visible(m, to: k) ? "not_found" : ref.inUse(m) ? "model_in_use" : nil
                let r = s.call("models/delete", ["id": .string(m)])
                guard agree(r, expected, "models/delete") else { return }
                if expected == nil {
                    ref.models[m]!.deleted = true
                    for (id, space) in ref.spaces where space.models.contains(m) { ref.spaces[id]!.models.remove(m) }
                }
            case 74..<84:  // migrate
                let a = anyModel()
                let b = anyModel()
                let expected: String?
                if !ref.visible(a, to: k) || !ref.visible(b, to: k) {
                    expected = "not_found"
                } else if a == b || ref.models[a]!.migratedTo != nil || ref.models[b]!.migratedTo != nil
                    || !ref.models[b]!.enabled
                {
                    expected = "migration_blocked"
                } else {
                    expected = nil
                }
                let r = s.call("migration/execute", ["fromModelId": .string(a), "toModelId": .string(b)])
                guard agree(r, expected, "migration/execute \(a) → \(b)") else { return }
                if expected == nil {
                    let moving = ref.assistants.filter { $0.value.model == a && $0.value.tenant == k }
                    if r["moved"]?["assistants"] != .int(moving.count) {
                        XCTFail("\(context): moved \(r["moved"] ?? .null), expected \(moving.count)")
                        return
                    }
                    for (id, _) in moving { ref.assistants[id]!.model = b }
                    for (id, space) in ref.spaces
                    where space.tenant == k && (space.models.contains(a) || moving.values.contains { $0.space == id }) {
                        ref.spaces[id]!.models.insert(b)
                        ref.spaces[id]!.models.remove(a)
                    }
                    ref.models[a]!.migratedTo = b
                }
            default:  // reads, including other tenants' ids
                let m = anyModel()
                let r = s.call("models/get", ["id": .string(m)])
                guard agree(r, ref.visible(m, to: k) ? nil : "not_found", "models/get") else { return }
                if r.errorCode == nil {
                    let status = r["status"]?.stringValue
                    let want =
                        ref.models[m]!.migratedTo != nil ? "migrated" : !ref.models[m]!.enabled ? "disabled" : "active"
                    if status != want {
                        XCTFail("\(context): status \(status ?? "?") of \(m), expected \(want)")
                        return
                    }
                }
            }
            if step % 250 == 249 {
                for (t, session) in sessions.enumerated() {
                    let listed = session.call("models/list", ["limit": 500])["items"]?.arrayValue ?? []
                    let mine = Set(ref.models.filter { $0.value.tenant == t && !$0.value.deleted }.map(\.key))
                    XCTAssertEqual(Set(listed.map(\.id)), mine, "\(context): models of tenant \(t)")
                    for m in mine.sorted().prefix(20) {
                        let n = session.call("usage/stats", ["modelId": .string(m)])["assistants"]
                        XCTAssertEqual(
                            n, .int(ref.assistants.values.filter { $0.model == m }.count),
                            "\(context): assistants on \(m)")
                    }
                }
            }
        }
        for s in sessions { s.stop() }
        root.stop()
        let v = try ServerProcess(["verify", "--store", root.storeDirectory])
        XCTAssertEqual(v.waitForExit()?.status, 0, "verify after seed \(seed)")
        print("model-based: seed \(seed), \(steps) steps, \(checked) answers checked")
    }
}
