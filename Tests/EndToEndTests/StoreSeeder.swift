import Foundation
import JSONRPC
import Domain
import Store
import Server

/// Writes large stores directly (one transaction) so end-to-end tests can drive big migrations
/// through the binary without creating 100,000 entities over the protocol first.
enum StoreSeeder {
    /// A tenant with two models of one provider and `assistants` assistants on the source, spread
    /// over `spaces` spaces that have the source enabled.
    struct BigTenant {
        var store: String
        var tenant: String
        var source: String
        var target: String
        var spaces: [String]
    }

    static func id() -> String { UUID().uuidString.lowercased() }

    /// Commits `tx` to the store at `location` (a directory, or a database in the PostgreSQL runs)
    /// as the server would.
    static func commit(_ tx: Transaction, to location: String, compact: Bool = false) throws {
        let write = { (store: any PlatformStore) throws in
            try store.commit { (_: PlatformState) throws(ServerError) -> (Transaction, Void) in (tx, ()) }
        }
        if PostgresStore<PlatformState>.isDatabaseURI(location) {
            let database = try PostgresStore<PlatformState>(uri: location)
            try write(PostgresPlatformStore(database))
            if compact { try database.compact() }
        } else {
            let journal = try JournalStore<PlatformState>(directory: location)
            try write(FilePlatformStore(journal))
            if compact { try journal.compact() }
        }
    }

    static func bigTenant(
        assistants: Int, spaces spaceCount: Int = 10, questions: Int = 0, filler: Int = 0, retired: Int = 0,
        createdAt: Millis? = nil, store: String = ServerProcess.temporaryStore()
    ) throws -> BigTenant {
        let now: Millis = 1_764_000_000_000
        let tenant = id()
        let provider = id()
        let source = id()
        let target = id()
        var changes: [Change] = [
            // By default created just now: no cleanup is due.
            .putMeta(StoreMeta(createdAt: createdAt ?? Platform.systemClock())),
            .putTenant(Tenant(id: tenant, name: "Big", securityEnabled: false, createdAt: now)),
            .putProvider(Provider(id: provider, tenantId: tenant, name: "OpenAI", providerType: "openai")),
        ]
        for (mid, name) in [(source, "gpt-4-0613"), (target, "gpt-4o-2024-08-06")] {
            var m = Model(
                id: mid, tenantId: tenant, kind: .completion, name: name, providerId: provider, createdAt: now)
            m.family = "gpt-4"
            changes.append(.putModel(m))
        }
        let spaces = (0..<spaceCount).map { _ in id() }
        for (k, s) in spaces.enumerated() {
            changes.append(
                .putSpace(
                    Space(
                        id: s, tenantId: tenant, name: "space-\(k)", securityClassificationId: nil, modelIds: [source],
                        createdAt: now)))
        }
        for k in 0..<assistants {
            changes.append(
                .putConfig(
                    ConfigItem(
                        kind: .assistant, id: id(), tenantId: tenant, spaceId: spaces[k % spaceCount],
                        name: "assistant-\(k)",
                        completionModelId: source, kwargs: k % 2 == 0 ? ["temperature": 0.5] : [:],
                        createdBy: "seed", createdAt: now)))
        }
        // Unrelated configuration on the target in a space of its own: makes the snapshot larger than
        // the migration's journal record, so no compaction hides what the journal received.
        if filler > 0 {
            let fillerSpace = id()
            changes.append(
                .putSpace(
                    Space(
                        id: fillerSpace, tenantId: tenant, name: "filler", securityClassificationId: nil,
                        modelIds: [target], createdAt: now)))
            for k in 0..<filler {
                changes.append(
                    .putConfig(
                        ConfigItem(
                            kind: .app, id: id(), tenantId: tenant, spaceId: fillerSpace,
                            name: "filler-app-\(k)-" + String(repeating: "x", count: 700),
                            completionModelId: target, kwargs: [:], createdBy: "seed", createdAt: now)))
            }
        }
        // Soft-deleted models, each with a soft-deleted template, a migration history entry naming it
        // and a space link (as a store that was never cleaned up looks).
        for k in 0..<retired {
            let mid = id()
            var m = Model(
                id: mid, tenantId: tenant, kind: .completion, name: "retired-\(k)", providerId: provider, createdAt: now
            )
            m.deletedAt = now + Millis(k)
            changes.append(.putModel(m))
            var t = Template(
                id: id(), tenantId: tenant, kind: .app, name: "old-template-\(k)", completionModelId: mid, kwargs: [:],
                createdAt: now)
            t.deletedAt = now
            changes.append(.putTemplate(t))
            changes.append(
                .putMigration(
                    MigrationEntry(
                        id: id(), tenantId: tenant, kind: .migration, status: .failed, fromModelId: mid,
                        fromModelName: m.name, fromProviderType: "openai", toModelId: target,
                        toModelName: "gpt-4o-2024-08-06", toProviderType: "openai", entityTypes: ["apps"],
                        affectedCount: 0, moved: [:], issues: ["target_disabled"], errorMessage: "blocked",
                        initiatedBy: Initiator(userId: "seed", name: nil), startedAt: now, completedAt: now)))
        }
        for k in 0..<questions { changes.append(.recordQuestion(modelId: source, at: now + Millis(k))) }
        // Compacted, as a long-lived store looks: a snapshot and a short journal.
        try commit(Transaction(changes), to: store, compact: true)
        return BigTenant(store: store, tenant: tenant, source: source, target: target, spaces: spaces)
    }

    /// The records of the store's current journal, read with the store's own record decoder.
    static func journalRecordCount(_ store: String) throws -> Int {
        let journal = try JournalStore<PlatformState>(directory: store, mode: .verify)
        guard let path = journal.files.first(where: { $0.contains("journal-") }) else { return 0 }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 0
        var count = 0
        while offset < bytes.count, case .record(_, let next) = Record.decode(bytes, at: offset) {
            count += 1
            offset = next
        }
        return count
    }

    /// SHA-free fingerprint of a store directory: every file's name and bytes.
    static func fingerprint(_ store: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: store) where !name.hasPrefix("lock") {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: store + "/" + name))
        }
        return out
    }
}
