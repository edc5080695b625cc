import Foundation
import JSONRPC
import Domain
import Store
import Server

/// The demo's platform: two tenants built from real catalog entries, written straight into a
/// fresh store in one transaction (the walkthrough then uses the real protocol).
struct DemoPlatform {
    var acme = "", globex = ""
    /// Acme's models by role, for the walkthrough.
    var retiring = "", retiringName = "", replacement = "", otherFamily = "", unclassified = ""
    var counts: [String: Int] = [:]

    /// Real entries, chosen deterministically: deprecated, retiring and current chat models of
    /// OpenAI and Anthropic.
    static func pick(
        from catalog: Catalog, today: Int
    ) -> (deprecated: [CatalogEntry], retiring: [CatalogEntry], current: [CatalogEntry]) {
        let special = [
            "audio", "realtime", "search", "transcribe", "tts", "ft:", "image", "preview", "codex", "computer",
        ]
        let chat = catalog.entries.values.filter { e in
            (e.provider == "openai" || e.provider == "anthropic") && e.mode == "chat" && !e.key.contains("/")
                && (e.maxInputTokens ?? 0) >= 8_000 && !special.contains { e.key.contains($0) }
        }.sorted { $0.key < $1.key }
        // Aliases resolve to their target's entry: keep each key once.
        var seen = Set<String>()
        let unique = chat.filter { seen.insert($0.key).inserted }
        let deprecated = unique.filter { ($0.deprecationDay ?? .max) <= today }
        let retiring = unique.filter { d in d.deprecationDay.map { $0 > today && $0 <= today + 90 } ?? false }
        let current = unique.filter { $0.deprecationDay == nil || $0.deprecationDay! > today + 90 }
        let claude = current.filter { $0.provider == "anthropic" }
        let openai = current.filter { $0.provider == "openai" }
        return (
            Array(deprecated.suffix(4)), Array(retiring.prefix(3)), Array(claude.suffix(8)) + Array(openai.suffix(12))
        )
    }

    /// Builds the platform into `store`. `progress(done, total)` reports the import.
    static func seed(
        store: any PlatformStore, catalog: Catalog, today: Int, now: Millis,
        newID: () -> String, progress: (Int, Int) -> Void
    ) throws -> DemoPlatform {
        var demo = DemoPlatform()
        var changes: [Change] = [.putMeta(StoreMeta(createdAt: now))]
        let (deprecated, retiring, current) = pick(from: catalog, today: today)
        var rng = SplitMix64(seed: 2026)  // the demo looks the same every run
        // The walkthrough's cast, by catalog key: a retiring (else deprecated) model, its catalog
        // successor (else a current model of the same line), one of another family, and one left
        // unclassified (which Acme's restricted spaces refuse).
        let picked = deprecated + retiring + current
        guard let cast = retiring.first ?? deprecated.last else {
            throw DemoError("the catalog has no deprecated or retiring chat models")
        }
        let successorKey =
            picked.first { e in cast.successorModel.map { e.key == $0 || $0.hasSuffix("/" + e.key) } ?? false }?.key
            ?? current.last { $0.key.hasPrefix(String(cast.key.prefix(5))) }?.key ?? current.last!.key
        let otherKey =
            current.first { !$0.key.hasPrefix(String(cast.key.prefix(3))) && $0.key != successorKey }?.key
            ?? current.first!.key
        let openKey = current.last { ![cast.key, successorKey, otherKey].contains($0.key) }?.key ?? current.first!.key

        for (tenantName, secured) in [("Acme Health", true), ("Globex Retail", false)] {
            let tenant = newID()
            if secured { demo.acme = tenant } else { demo.globex = tenant }
            changes.append(.putTenant(Tenant(id: tenant, name: tenantName, securityEnabled: secured, createdAt: now)))
            var levels: [String] = []
            for (name, level) in [("Public", 1), ("Internal", 2), ("Restricted", 3)] {
                let id = newID()
                levels.append(id)
                changes.append(.putClassification(Classification(id: id, tenantId: tenant, name: name, level: level)))
            }
            var providers: [String: String] = [:]
            for (name, type) in [("OpenAI", "openai"), ("Anthropic", "anthropic")] {
                let id = newID()
                providers[type] = id
                changes.append(.putProvider(Provider(id: id, tenantId: tenant, name: name, providerType: type)))
            }
            // Models: every picked entry, capabilities from the catalog, most classified Internal.
            var models: [(id: String, entry: CatalogEntry)] = []
            for (k, e) in (deprecated + retiring + current).enumerated() {
                var m = Model(
                    id: newID(), tenantId: tenant, kind: .completion, name: e.key,
                    providerId: providers[e.provider ?? "openai"]!, createdAt: now + Millis(k))
                m.family =
                    e.key.contains("claude")
                    ? "claude" : e.key.hasPrefix("gpt-4") ? "gpt-4" : e.key.contains("gpt") ? "gpt" : "openai-o"
                m.maxInputTokens = e.maxInputTokens
                m.maxOutputTokens = e.maxOutputTokens
                m.vision = e.vision ?? false
                m.reasoning = e.reasoning ?? false
                m.toolCalling = e.toolCalling ?? false
                m.hosting = "cloud"
                switch e.key {
                case cast.key, successorKey, otherKey: m.securityClassificationId = levels[2]
                case openKey: m.securityClassificationId = nil
                default: m.securityClassificationId = levels[k % 3 == 0 ? 2 : 1]
                }
                changes.append(.putModel(m))
                models.append((m.id, e))
            }
            let usable = models.filter { ($0.entry.deprecationDay ?? .max) > today }
            // Spaces with the non-deprecated models enabled (the deprecated ones stay enabled where they were).
            var spaces: [String] = []
            var enabledIn: [String: Set<String>] = [:]
            for (k, name) in ["Research", "Support", "Clinical", "Marketing", "Engineering"].enumerated() {
                let id = newID()
                spaces.append(id)
                let enabled = models.enumerated().filter {
                    $0.offset % 5 != k % 5 || $0.offset < deprecated.count + retiring.count
                }.map(\.element.id)
                enabledIn[id] = Set(enabled)
                changes.append(
                    .putSpace(
                        Space(
                            id: id, tenantId: tenant, name: name,
                            securityClassificationId: k == 2 ? levels[2] : k == 0 ? levels[1] : nil,
                            modelIds: enabled, createdAt: now)))
            }
            // Configuration: weighted towards the retiring and deprecated models (what needs migrating).
            let heavy = Array(models.prefix(deprecated.count + retiring.count)) + Array(usable.suffix(6))
            func model(_ k: Int) -> (id: String, entry: CatalogEntry) { heavy[k % heavy.count] }
            var configIDs: [(String, String)] = []
            for (kind, count) in [(ConfigKind.assistant, 60), (.app, 15), (.service, 8)] {
                for k in 0..<count {
                    let m = model(k * 7 + kind.rawValue.count)
                    // A space that has the model enabled (rotating, so configuration spreads out).
                    let candidates = spaces.filter { enabledIn[$0]?.contains(m.id) ?? false }
                    guard !candidates.isEmpty else { continue }
                    let s = candidates[k % candidates.count]
                    let id = newID()
                    configIDs.append((id, m.id))
                    changes.append(
                        .putConfig(
                            ConfigItem(
                                kind: kind, id: id, tenantId: tenant, spaceId: s,
                                name: "\(kind.rawValue.capitalized) \(k + 1)",
                                completionModelId: m.id,
                                kwargs: kind == .assistant && k % 3 == 0 ? ["temperature": 0.3] : [:],
                                createdBy: "demo", createdAt: now)))
                }
            }
            for k in 0..<10 {
                var t = Template(
                    id: newID(), tenantId: tenant, kind: k % 2 == 0 ? .assistant : .app, name: "Template \(k + 1)",
                    completionModelId: model(k).id, kwargs: [:], createdAt: now)
                if k == 9 { t.deletedAt = now }
                changes.append(.putTemplate(t))
            }
            let questions = secured ? 3_000 : 1_500
            for k in 0..<questions {
                let m = configIDs[Int(rng.next() % UInt64(configIDs.count))].1
                changes.append(.recordQuestion(modelId: m, at: now - Millis(k) * 60_000))
                if k % 500 == 0 { progress(k, questions) }
            }
            if secured {
                func id(_ key: String) -> String { models.first { $0.entry.key == key }!.id }
                demo.retiring = id(cast.key)
                demo.retiringName = cast.key
                demo.replacement = id(successorKey)
                demo.otherFamily = id(otherKey)
                demo.unclassified = id(openKey)
            }
            demo.counts[tenantName] = configIDs.count
        }
        let tx = Transaction(changes)
        try store.commit { (_: PlatformState) throws(ServerError) -> (Transaction, Void) in (tx, ()) }
        progress(1, 1)
        return demo
    }
}
