import Foundation
import JSONRPC
import Domain
import Store
import Server

/// Deterministic bench data: stores written directly with the store engine, plus the same
/// records as one JSON file for the `json.loads` baseline.
struct BenchStore {
    var directory: String
    var tenant: String
    /// Models by role: `a` and `c` hold the bulk, `d` holds 100 assistants, `b` and `e` are targets.
    var models: [String: String]
    var assistantsOnD: [String]
    var assistantCount: Int
    var questionCount: Int

    /// Deterministic lowercase UUIDs from a counter.
    final class Ids {
        var n: UInt64 = 0
        func next() -> String {
            n += 1
            let hex = String(n, radix: 16)
            let tail = String(repeating: "0", count: 12 - hex.count) + hex
            return "00000000-0000-4000-8000-" + tail
        }
    }

    /// `bulk` assistants on each of `a` and `c` (over 100 spaces), 100 on `d`, `questions` questions
    /// split over `a` and `c`, and `extraModels` more models (for listing).
    static func generate(at dir: String, bulk: Int, questions: Int, extraModels: Int = 0) throws -> BenchStore {
        try? FileManager.default.removeItem(atPath: dir)
        let ids = Ids()
        let now: Millis = 1_764_000_000_000
        let tenant = ids.next()
        let provider = ids.next()
        var changes: [Change] = [
            .putMeta(StoreMeta(createdAt: Platform.systemClock())),
            .putTenant(Tenant(id: tenant, name: "Bench", securityEnabled: false, createdAt: now)),
            .putProvider(Provider(id: provider, tenantId: tenant, name: "OpenAI", providerType: "openai")),
        ]
        var models: [String: String] = [:]
        for (role, name) in [
            ("a", "gpt-4-0613"), ("b", "gpt-4o-2024-08-06"), ("c", "gpt-4-turbo"), ("d", "gpt-3.5-turbo"),
            ("e", "gpt-4o-mini"),
        ] {
            let id = ids.next()
            models[role] = id
            var m = Model(id: id, tenantId: tenant, kind: .completion, name: name, providerId: provider, createdAt: now)
            m.family = "gpt-4"
            m.maxInputTokens = 128_000
            m.toolCalling = true
            changes.append(.putModel(m))
        }
        for k in 0..<extraModels {
            var m = Model(
                id: ids.next(), tenantId: tenant, kind: .completion, name: "model-\(k)", providerId: provider,
                createdAt: now + Millis(k))
            m.family = "family-\(k % 7)"
            m.maxInputTokens = 8192 * (1 + k % 16)
            m.vision = k % 2 == 0
            m.nickname = "Model \(k)"
            changes.append(.putModel(m))
        }
        let spaces = (0..<100).map { _ in ids.next() }
        for (k, s) in spaces.enumerated() {
            changes.append(
                .putSpace(
                    Space(
                        id: s, tenantId: tenant, name: "space-\(k)", securityClassificationId: nil,
                        modelIds: [models["a"]!, models["c"]!, models["d"]!], createdAt: now)))
        }
        let store = try JournalStore<PlatformState>(directory: dir)
        func commit() throws {
            guard !changes.isEmpty else { return }
            let tx = Transaction(changes)
            try store.write { (_: PlatformState) throws(StoreError) -> (record: [UInt8], result: Void) in
                (tx.record, ())
            }
            changes.removeAll(keepingCapacity: true)
        }
        var onD: [String] = []
        var count = 0
        for (role, n) in [("a", bulk), ("c", bulk), ("d", 100)] {
            for k in 0..<n {
                let id = ids.next()
                if role == "d" { onD.append(id) }
                changes.append(
                    .putConfig(
                        ConfigItem(
                            kind: .assistant, id: id, tenantId: tenant, spaceId: spaces[k % spaces.count],
                            name: "assistant-\(role)-\(k)", completionModelId: models[role]!,
                            kwargs: k % 3 == 0 ? ["temperature": 0.7] : [:], createdBy: "bench", createdAt: now)))
                count += 1
                if changes.count >= 20_000 { try commit() }
            }
        }
        for k in 0..<questions {
            changes.append(.recordQuestion(modelId: models[k % 2 == 0 ? "a" : "c"]!, at: now - Millis(k)))
            if changes.count >= 100_000 { try commit() }
        }
        try commit()
        try store.compact()
        return BenchStore(
            directory: dir, tenant: tenant, models: models, assistantsOnD: onD, assistantCount: count,
            questionCount: questions)
    }

    /// The store's records as one JSON file: every entity's journal form and every question as
    /// `{modelId, at}`.
    func writeJSON(to path: String) throws {
        let store = try JournalStore<PlatformState>(directory: directory, mode: .verify)
        var w = JSONWriter(reservingCapacity: 64 << 20)
        var first = true
        var out: [UInt8] = Array("[".utf8)
        for tx in store.state.snapshotTransactions() {
            for c in tx.changes {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                w = JSONWriter(reservingCapacity: 512)
                w.write(.object(c.json))
                out += w.bytes
            }
        }
        let state = store.state
        for m in state.allModelIDs.sorted() {
            for t in state.questionTimes(of: m) {
                out += Array(",{\"modelId\":\"\(m)\",\"at\":\(t)}".utf8)
            }
        }
        out.append(UInt8(ascii: "]"))
        try Data(out).write(to: URL(fileURLWithPath: path))
    }

    /// A copy of the store directory (for runs that change it).
    func copy(to dir: String) throws -> BenchStore {
        try? FileManager.default.removeItem(atPath: dir)
        // Written back before anything is timed: otherwise the first fsync of the server under test
        // (or the kernel's journal commit it triggers) pays for writing the copy.
        try shell("cp -r '\(directory)' '\(dir)' && sync")
        var c = self
        c.directory = dir
        return c
    }
}
