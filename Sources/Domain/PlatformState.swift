import JSONRPC

/// Everything the store keeps, with the reference indexes the rules need.
///
/// Pure: `apply` is deterministic and total for transactions that passed `check`, so replaying
/// the journal rebuilds exactly the state the writer had. Indexes are kept in step by `apply`
/// only, so a commit costs in proportion to what it changes, not to the size of the store.
public struct PlatformState: Sendable {
    /// Every table and index lives in one object, so that a copy of the state (a request takes
    /// a few) retains one reference instead of thirty; changing a copy that shares it first
    /// copies the object (its tables still shared until each is changed, as a copy of the
    /// fields themselves would share them).
    private final class Storage: @unchecked Sendable {
        var tenants: [String: Tenant] = [:]
        var classifications: [String: Classification] = [:]
        var providers: [String: Provider] = [:]
        var models: [String: Model] = [:]
        var spaces: [String: Space] = [:]
        var configs: ConfigTable = ConfigTable()
        var templates: [String: Template] = [:]
        var collections: [String: KnowledgeCollection] = [:]
        var migrations: [String: MigrationEntry] = [:]
        var migrationsByTenant: [String: [String]] = [:]
        var audit: [String: AuditEntry] = [:]
        var auditByTenant: [String: [String]] = [:]
        var plans: [String: PolicyPlan] = [:]
        var plansByTenant: [String: [String]] = [:]
        var meta: StoreMeta? = nil
        var questionTimes: [String: [Millis]] = [:]
        var configsByModel: [String: IDSet] = [:]
        var templatesByModel: [String: Set<String>] = [:]
        var collectionsByModel: [String: Set<String>] = [:]
        var modelsByName: [String: [String: Set<String>]] = [:]
        var defaultModels: [String: Set<String>] = [:]
        var transcriptionsByModel: [String: IDSet] = [:]
        var collectionsBySpace: [String: Set<String>] = [:]
        var spacesByModel: [String: Set<String>] = [:]
        var migratedFrom: [String: Set<String>] = [:]
        var configsBySpace: [String: IDSet] = [:]
        var modelsByTenant: [String: Set<String>] = [:]
        var usageByModel: [String: ConfigUsage] = [:]
        var modelViewRevision: UInt64 = 0
        var latestRetirementAt: Millis = 0

        init() {}

        init(copying other: Storage) {
            tenants = other.tenants
            classifications = other.classifications
            providers = other.providers
            models = other.models
            spaces = other.spaces
            configs = other.configs
            templates = other.templates
            collections = other.collections
            migrations = other.migrations
            migrationsByTenant = other.migrationsByTenant
            audit = other.audit
            auditByTenant = other.auditByTenant
            plans = other.plans
            plansByTenant = other.plansByTenant
            meta = other.meta
            questionTimes = other.questionTimes
            configsByModel = other.configsByModel
            templatesByModel = other.templatesByModel
            collectionsByModel = other.collectionsByModel
            modelsByName = other.modelsByName
            defaultModels = other.defaultModels
            transcriptionsByModel = other.transcriptionsByModel
            collectionsBySpace = other.collectionsBySpace
            spacesByModel = other.spacesByModel
            migratedFrom = other.migratedFrom
            configsBySpace = other.configsBySpace
            modelsByTenant = other.modelsByTenant
            usageByModel = other.usageByModel
            modelViewRevision = other.modelViewRevision
            latestRetirementAt = other.latestRetirementAt
        }
    }

    private var storage = Storage()

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
    }

    /// Tenants by id.
    private(set) var tenants: [String: Tenant] {
        _read { yield storage.tenants }
        _modify {
            makeUnique()
            yield &storage.tenants
        }
    }
    /// Security classifications by id (each belongs to a tenant).
    private(set) var classifications: [String: Classification] {
        _read { yield storage.classifications }
        _modify {
            makeUnique()
            yield &storage.classifications
        }
    }
    /// Providers by id.
    private(set) var providers: [String: Provider] {
        _read { yield storage.providers }
        _modify {
            makeUnique()
            yield &storage.providers
        }
    }
    /// Models by id, soft-deleted and migrated ones included until cleanup removes them.
    private(set) var models: [String: Model] {
        _read { yield storage.models }
        _modify {
            makeUnique()
            yield &storage.models
        }
    }
    /// Spaces by id, with the models each enables.
    private(set) var spaces: [String: Space] {
        _read { yield storage.spaces }
        _modify {
            makeUnique()
            yield &storage.spaces
        }
    }
    /// Assistants, apps and services by id.
    private(set) var configs: ConfigTable {
        _read { yield storage.configs }
        _modify {
            makeUnique()
            yield &storage.configs
        }
    }
    /// Assistant and app templates by id, soft-deleted ones included.
    private(set) var templates: [String: Template] {
        _read { yield storage.templates }
        _modify {
            makeUnique()
            yield &storage.templates
        }
    }
    /// Collections (knowledge bases) by id.
    private(set) var collections: [String: KnowledgeCollection] {
        _read { yield storage.collections }
        _modify {
            makeUnique()
            yield &storage.collections
        }
    }
    /// Migration history entries by id (they outlive the models they name).
    private(set) var migrations: [String: MigrationEntry] {
        _read { yield storage.migrations }
        _modify {
            makeUnique()
            yield &storage.migrations
        }
    }
    /// History ids per tenant, oldest first.
    private(set) var migrationsByTenant: [String: [String]] {
        _read { yield storage.migrationsByTenant }
        _modify {
            makeUnique()
            yield &storage.migrationsByTenant
        }
    }
    /// Audit entries by id.
    private(set) var audit: [String: AuditEntry] {
        _read { yield storage.audit }
        _modify {
            makeUnique()
            yield &storage.audit
        }
    }
    /// Audit ids per tenant, oldest first.
    private(set) var auditByTenant: [String: [String]] {
        _read { yield storage.auditByTenant }
        _modify {
            makeUnique()
            yield &storage.auditByTenant
        }
    }
    /// Lifecycle policy plans by id.
    private(set) var plans: [String: PolicyPlan] {
        _read { yield storage.plans }
        _modify {
            makeUnique()
            yield &storage.plans
        }
    }
    /// Plan ids per tenant, oldest first.
    private(set) var plansByTenant: [String: [String]] {
        _read { yield storage.plansByTenant }
        _modify {
            makeUnique()
            yield &storage.plansByTenant
        }
    }
    /// The store's own facts (creation time, last cleanup); nil until a serving process set them.
    public private(set) var meta: StoreMeta? {
        _read { yield storage.meta }
        _modify {
            makeUnique()
            yield &storage.meta
        }
    }
    /// Question timestamps per model (questions are counted and purged, never read back one by one).
    private(set) var questionTimes: [String: [Millis]] {
        _read { yield storage.questionTimes }
        _modify {
            makeUnique()
            yield &storage.questionTimes
        }
    }

    // The tables above are Domain's own, like the indexes below: code outside Domain reads
    // through the lookups and queries of `PlatformState+Queries.swift`, so the representation
    // can change without touching handlers.
    // Indexes: model id → ids of what references it. Domain's own: handlers ask the queries of
    // `PlatformState+Queries.swift`.
    private(set) var configsByModel: [String: IDSet] {
        _read { yield storage.configsByModel }
        _modify {
            makeUnique()
            yield &storage.configsByModel
        }
    }
    private(set) var templatesByModel: [String: Set<String>] {
        _read { yield storage.templatesByModel }
        _modify {
            makeUnique()
            yield &storage.templatesByModel
        }
    }
    private(set) var collectionsByModel: [String: Set<String>] {
        _read { yield storage.collectionsByModel }
        _modify {
            makeUnique()
            yield &storage.collectionsByModel
        }
    }
    /// Provider id → model name → the ids of that provider's models of that name (deleted ones
    /// included; names compare as Swift strings: canonically equivalent spellings are one key).
    private(set) var modelsByName: [String: [String: Set<String>]] {
        _read { yield storage.modelsByName }
        _modify {
            makeUnique()
            yield &storage.modelsByName
        }
    }
    /// "tenant/kind" → the ids of the models flagged default (at most one alive).
    private(set) var defaultModels: [String: Set<String>] {
        _read { yield storage.defaultModels }
        _modify {
            makeUnique()
            yield &storage.defaultModels
        }
    }
    /// Transcription model id → the apps that transcribe with it.
    private(set) var transcriptionsByModel: [String: IDSet] {
        _read { yield storage.transcriptionsByModel }
        _modify {
            makeUnique()
            yield &storage.transcriptionsByModel
        }
    }
    private(set) var collectionsBySpace: [String: Set<String>] {
        _read { yield storage.collectionsBySpace }
        _modify {
            makeUnique()
            yield &storage.collectionsBySpace
        }
    }
    private(set) var spacesByModel: [String: Set<String>] {
        _read { yield storage.spacesByModel }
        _modify {
            makeUnique()
            yield &storage.spacesByModel
        }
    }
    private(set) var migratedFrom: [String: Set<String>] {
        _read { yield storage.migratedFrom }
        _modify {
            makeUnique()
            yield &storage.migratedFrom
        }
    }
    private(set) var configsBySpace: [String: IDSet] {
        _read { yield storage.configsBySpace }
        _modify {
            makeUnique()
            yield &storage.configsBySpace
        }
    }
    private(set) var modelsByTenant: [String: Set<String>] {
        _read { yield storage.modelsByTenant }
        _modify {
            makeUnique()
            yield &storage.modelsByTenant
        }
    }
    /// Model id → what its configurations add up to (see `ConfigUsage`).
    private(set) var usageByModel: [String: ConfigUsage] {
        _read { yield storage.usageByModel }
        _modify {
            makeUnique()
            yield &storage.usageByModel
        }
    }
    /// Counts every change of a model, provider or classification (what a model's view shows), so
    /// a cache of rendered views knows when it may still be used.
    public private(set) var modelViewRevision: UInt64 {
        _read { yield storage.modelViewRevision }
        _modify {
            makeUnique()
            yield &storage.modelViewRevision
        }
    }
    /// The latest time a model was retired (soft-deleted or migrated away), over every model
    /// in the state: retirements are given later times than it, so that their order is their
    /// times' order even within one millisecond (see `retirementTime`).
    public private(set) var latestRetirementAt: Millis {
        _read { yield storage.latestRetirementAt }
        _modify {
            makeUnique()
            yield &storage.latestRetirementAt
        }
    }

    /// An empty platform.
    public init() {}

    // MARK: apply

    /// Applies every change of a committed transaction, keeping the indexes in step.
    public mutating func apply(_ tx: Transaction) {
        for c in tx.changes { apply(c) }
    }

    mutating func apply(_ change: Change) {
        switch change {
        case .putTenant(let t): tenants[t.id] = t
        case .putClassification(let c):
            classifications[c.id] = c
            modelViewRevision &+= 1
        case .putProvider(let p):
            providers[p.id] = p
            modelViewRevision &+= 1
        case .putModel(let m):
            modelViewRevision &+= 1
            if let retired = m.deletedAt ?? m.migratedAt { latestRetirementAt = max(latestRetirementAt, retired) }
            if let old = models[m.id] {
                if let target = old.migratedToModelId { migratedFrom[target]?.remove(m.id) }
                if old.name != m.name || old.providerId != m.providerId {
                    modelsByName[old.providerId]?[old.name]?.remove(m.id)
                }
                if old.isDefault { defaultModels[old.tenantId + "/" + old.kind.rawValue]?.remove(m.id) }
            }
            modelsByName[m.providerId, default: [:]][m.name, default: []].insert(m.id)
            if m.isDefault { defaultModels[m.tenantId + "/" + m.kind.rawValue, default: []].insert(m.id) }
            models[m.id] = m
            modelsByTenant[m.tenantId, default: []].insert(m.id)
            if let target = m.migratedToModelId { migratedFrom[target, default: []].insert(m.id) }
        case .putSpace(let s):
            if let old = spaces[s.id] { for m in old.modelIds { spacesByModel[m]?.remove(s.id) } }
            spaces[s.id] = s
            for m in s.modelIds { spacesByModel[m, default: []].insert(s.id) }
        case .putConfig(let c): put(c)
        case .putTemplate(let t):
            if let old = templates[t.id], let m = old.completionModelId { templatesByModel[m]?.remove(t.id) }
            templates[t.id] = t
            if let m = t.completionModelId { templatesByModel[m, default: []].insert(t.id) }
        case .putCollection(let c):
            if let old = collections[c.id] {
                collectionsByModel[old.embeddingModelId]?.remove(c.id)
                collectionsBySpace[old.spaceId]?.remove(c.id)
            }
            collections[c.id] = c
            collectionsByModel[c.embeddingModelId, default: []].insert(c.id)
            collectionsBySpace[c.spaceId, default: []].insert(c.id)
        case .putMigration(let e):
            if migrations[e.id] == nil { migrationsByTenant[e.tenantId, default: []].append(e.id) }
            migrations[e.id] = e
        case .putAudit(let e):
            if audit[e.id] == nil { auditByTenant[e.tenantId, default: []].append(e.id) }
            audit[e.id] = e
        case .putMeta(let m): meta = m
        case .putPlan(let p):
            if plans[p.id] == nil { plansByTenant[p.tenantId, default: []].append(p.id) }
            plans[p.id] = p
        case .reserve(let counts):
            configs.reserveCapacity(configs.count + (counts["configs"] ?? 0))
            models.reserveCapacity(models.count + (counts["models"] ?? 0))
            templates.reserveCapacity(templates.count + (counts["templates"] ?? 0))
            spaces.reserveCapacity(spaces.count + (counts["spaces"] ?? 0))
            for (key, n) in counts where key.hasPrefix("m:") || key.hasPrefix("s:") {
                let id = String(key.dropFirst(2))
                if key.hasPrefix("m:") {
                    configsByModel[id, default: []].reserveCapacity(n)
                } else {
                    configsBySpace[id, default: []].reserveCapacity(n)
                }
            }
        case .moveConfigs(let ids, let to, let at):
            move(ids, to: to, at: at)
        case .migrateTranscriptions(let from, let to, let at, let history):
            migrateTranscriptions(from: from, to: to, at: at, history: history)
        case .migrateConfigs(let from, let to, let kinds, let at, let history, let exceptPinned):
            migrate(from: from, to: to, kinds: kinds, at: at, history: history, exceptPinned: exceptPinned)
        case .remove(let kind, let id):
            remove(kind, id)
        case .recordQuestion(let m, let at):
            questionTimes[m, default: []].append(at)
        case .purgeQuestions(let tenantId, let before):
            for m in modelsByTenant[tenantId] ?? [] {
                guard var times = questionTimes[m] else { continue }
                times.removeAll { $0 < before }
                questionTimes[m] = times.isEmpty ? nil : times
            }
        }
    }

    /// Stores a configuration, keeping its indexes and usage in step.
    mutating func put(_ c: ConfigItem) {
        // One lookup for both the old value and the store (this runs 100k times on open).
        if let old = configs.insert(c) {
            if old.transcriptionModelId != c.transcriptionModelId {
                if let t = old.transcriptionModelId { transcriptionsByModel[t]?.remove(c.id) }
                if let t = c.transcriptionModelId { transcriptionsByModel[t, default: []].insert(c.id) }
            }
            usageByModel[old.completionModelId, default: ConfigUsage()].remove(old)
            usageByModel[c.completionModelId, default: ConfigUsage()].add(c)
            if old.completionModelId != c.completionModelId {
                configsByModel[old.completionModelId]?.remove(c.id)
                configsByModel[c.completionModelId, default: []].insert(c.id)
            }
            if old.spaceId != c.spaceId {
                configsBySpace[old.spaceId]?.remove(c.id)
                configsBySpace[c.spaceId, default: []].insert(c.id)
            }
            return
        }
        usageByModel[c.completionModelId, default: ConfigUsage()].add(c)
        if let t = c.transcriptionModelId { transcriptionsByModel[t, default: []].insert(c.id) }
        configsByModel[c.completionModelId, default: []].insert(c.id)
        configsBySpace[c.spaceId, default: []].insert(c.id)
    }

    /// Takes what configuration `c` added out of the indexes and usage (it left the table).
    private mutating func unindex(_ c: ConfigItem) {
        if let t = c.transcriptionModelId { transcriptionsByModel[t]?.remove(c.id) }
        usageByModel[c.completionModelId]?.remove(c)
        configsByModel[c.completionModelId]?.remove(c.id)
        configsBySpace[c.spaceId]?.remove(c.id)
    }

    /// Applies a decoded `ConfigBatch` record: as many `putConfig` changes would.
    ///
    /// Its configurations are read in place and grouped by model and by space (by the bits of
    /// those ids' strings, so that grouping retains nothing and hashes 16 bytes; equal ids in
    /// different storage only make two groups), so that each per-model and per-space table is
    /// looked up once per group, not once per configuration; then the table takes them without a
    /// copy. A configuration already there (not in a snapshot, which holds each once) gives back
    /// what it added, and the memberships that took away are put back.
    public mutating func apply(_ batch: ConfigBatch.Decoded) {
        let modelField = MemoryLayout<ConfigItem>.offset(of: \ConfigItem.completionModelId)!
        let spaceField = MemoryLayout<ConfigItem>.offset(of: \ConfigItem.spaceId)!
        batch.withItems { items in
            var byModel: [StringBits: [Int]] = [:]
            var bySpace: [StringBits: [Int]] = [:]
            let raw = UnsafeRawPointer(items.baseAddress!)
            let stride = MemoryLayout<ConfigItem>.stride
            for k in items.indices {
                byModel[StringBits(raw + k * stride + modelField), default: []].append(k)
                bySpace[StringBits(raw + k * stride + spaceField), default: []].append(k)
                if let t = items[k].transcriptionModelId { transcriptionsByModel[t, default: []].insert(items[k].id) }
            }
            for (_, positions) in byModel {
                let model = items[positions[0]].completionModelId
                usageByModel[model, default: ConfigUsage()].add(positions, of: items)
                configsByModel[model, default: []].formUnion(positions.lazy.map { items[$0].id })
            }
            for (_, positions) in bySpace {
                configsBySpace[items[positions[0]].spaceId, default: []].formUnion(positions.lazy.map { items[$0].id })
            }
        }
        batch.takeAll { c in
            guard let old = configs.insert(c) else { return }
            unindex(old)
            let new = configs[old.id]!
            if let t = new.transcriptionModelId { transcriptionsByModel[t, default: []].insert(new.id) }
            configsByModel[new.completionModelId, default: []].insert(new.id)
            configsBySpace[new.spaceId, default: []].insert(new.id)
        }
    }

    /// `moveConfigs` (what migrations committed before `migrateConfigs`; now only replayed from
    /// older journals): each configuration gets `completionModelId = to` and `updatedAt = at`, and
    /// assistants' kwargs become `{}`; indexes and usage follow.
    private mutating func move(_ ids: [String], to: String, at: Millis) {
        for id in ids {
            guard let index = configs.index(forKey: id) else { continue }
            let from = configs[position: index].completionModelId
            usageByModel[from, default: ConfigUsage()].remove(configs[position: index])
            configs[position: index].completionModelId = to
            configs[position: index].updatedAt = at
            if configs[position: index].kind == .assistant { configs[position: index].kwargs = JSONObject() }
            usageByModel[to, default: ConfigUsage()].add(configs[position: index])
            if from != to {
                configsByModel[from]?.remove(id)
                configsByModel[to, default: []].insert(id)
            }
        }
    }

    /// `migrateConfigs`: every configuration of the given kinds on `from` moves to `to` as
    /// `moveConfigs` moves it; the history entry `history` records each one with its old kwargs.
    ///
    /// One pass, each configuration updated in place (`inout` through the table: no copy of the
    /// entity), the usage summaries of both models taken out of their table while they change.
    private mutating func migrate(
        from: String, to: String, kinds: [ConfigKind], at: Millis, history: String?, exceptPinned: Bool
    ) {
        guard from != to, let ids = configsByModel[from], !ids.isEmpty else { return }
        let wanted = [kinds.contains(.assistant), kinds.contains(.app), kinds.contains(.service)]
        let recording = history.map { migrations[$0] != nil } ?? false
        var recorded: [[MovedEntity]] = [[], [], []]
        if recording { recorded[0].reserveCapacity(ids.count) }
        var sourceUsage = usageByModel.removeValue(forKey: from) ?? ConfigUsage()
        var targetUsage = usageByModel.removeValue(forKey: to) ?? ConfigUsage()
        // Every configuration of a chosen kind leaves: the usage moves kind by kind, and only the
        // digests of the moved ones (their updatedAt changes) are computed one by one.
        var movedDigests: [(UInt64, UInt64)] = [(0, 0), (0, 0), (0, 0)]
        let typeNames = [ConfigKind.assistant, .app, .service].map(\.entityType)  // built once, not per entity
        func step(_ c: inout ConfigItem) -> Bool {
            let k = ConfigUsage.slot(of: c.kind)
            guard wanted[k], !(exceptPinned && c.lifecyclePinned) else { return false }
            if recording {
                recorded[k].append(
                    MovedEntity(
                        entityType: typeNames[k], entityId: c.id, oldKwargs: k == 0 ? c.kwargs : nil, movedAt: at))
            }
            c.completionModelId = to
            c.updatedAt = at
            if k == 0 { c.kwargs = JSONObject() }
            let d = ConfigUsage.digest(c)
            movedDigests[k] = (movedDigests[k].0 &+ d.0, movedDigests[k].1 &+ d.1)
            return true
        }
        // Positions stay valid: nothing is removed here. A model holding a good part of all
        // configurations is served by walking the table in order (sequential memory, no hashing),
        // a smaller one by looking its ids up.
        var moved: [Int] = []
        moved.reserveCapacity(ids.count)
        if ids.count * 4 >= configs.count {
            for k in 0..<configs.count where configs.values[k].completionModelId == from {
                if step(&configs[position: k]) { moved.append(k) }
            }
        } else {
            for id in ids {
                guard let k = configs.index(forKey: id), step(&configs[position: k]) else { continue }
                moved.append(k)
            }
        }
        for k in 0..<3 where wanted[k] {
            ConfigUsage.transfer(slot: k, from: &sourceUsage, to: &targetUsage, movedDigest: movedDigests[k])
        }
        // The reference sets: when everything leaves, the source's set becomes the target's (or
        // joins it, hashing only the smaller of the two).
        var arriving = configsByModel.removeValue(forKey: to) ?? []
        if moved.count == ids.count {
            configsByModel[from] = []
            if arriving.count < ids.count {
                var all = ids
                all.formUnion(arriving)
                arriving = all
            } else {
                arriving.formUnion(ids)
            }
        } else {
            let movedIds = moved.map { configs.values[$0].id }
            configsByModel[from]?.subtract(movedIds)
            arriving.formUnion(movedIds)
        }
        configsByModel[to] = arriving
        usageByModel[from] = sourceUsage
        usageByModel[to] = targetUsage
        if recording, let history {
            // Handed over, not copied, when the entry has none yet (a copy retains every id again).
            for k in 0..<3 where !recorded[k].isEmpty {
                if migrations[history]?.movedEntities.isEmpty == true {
                    migrations[history]?.movedEntities = recorded[k]
                } else {
                    migrations[history]?.movedEntities.append(contentsOf: recorded[k])
                }
            }
        }
    }

    /// `migrateTranscriptions`: every app transcribing with `from` gets `transcriptionModelId =
    /// to` and `updatedAt = at` (its completion model's usage summary follows the new `updatedAt`);
    /// the history entry `history` records each.
    private mutating func migrateTranscriptions(from: String, to: String, at: Millis, history: String?) {
        guard from != to, let ids = transcriptionsByModel[from], !ids.isEmpty else { return }
        let recording = history.map { migrations[$0] != nil } ?? false
        var recorded: [MovedEntity] = []
        for id in ids.sorted() {
            guard var c = configs[id], c.transcriptionModelId == from else { continue }
            usageByModel[c.completionModelId, default: ConfigUsage()].remove(c)
            c.transcriptionModelId = to
            c.updatedAt = at
            usageByModel[c.completionModelId, default: ConfigUsage()].add(c)
            configs[id] = c
            transcriptionsByModel[to, default: []].insert(id)
            if recording {
                recorded.append(MovedEntity(entityType: c.kind.entityType, entityId: id, oldKwargs: nil, movedAt: at))
            }
        }
        transcriptionsByModel[from] = []
        if recording, let history { migrations[history]?.movedEntities.append(contentsOf: recorded) }
    }

    private mutating func remove(_ kind: EntityKind, _ id: String) {
        switch kind {
        case .tenant: tenants[id] = nil
        case .classification:
            classifications[id] = nil
            modelViewRevision &+= 1
        case .provider:
            providers[id] = nil
            modelViewRevision &+= 1
        case .model:
            guard let m = models.removeValue(forKey: id) else { return }
            modelViewRevision &+= 1
            modelsByName[m.providerId]?[m.name]?.remove(id)
            if m.isDefault { defaultModels[m.tenantId + "/" + m.kind.rawValue]?.remove(id) }
            modelsByTenant[m.tenantId]?.remove(id)
            if let target = m.migratedToModelId { migratedFrom[target]?.remove(id) }
            configsByModel[id] = nil
            templatesByModel[id] = nil
            collectionsByModel[id] = nil
            transcriptionsByModel[id] = nil
            spacesByModel[id] = nil
            migratedFrom[id] = nil
            usageByModel[id] = nil
            questionTimes[id] = nil
        case .space:
            guard let s = spaces.removeValue(forKey: id) else { return }
            for m in s.modelIds { spacesByModel[m]?.remove(id) }
            configsBySpace[id] = nil
            collectionsBySpace[id] = nil
        case .collection:
            guard let c = collections.removeValue(forKey: id) else { return }
            collectionsByModel[c.embeddingModelId]?.remove(id)
            collectionsBySpace[c.spaceId]?.remove(id)
        case .config:
            guard let c = configs.removeValue(forKey: id) else { return }
            unindex(c)
        case .template:
            guard let t = templates.removeValue(forKey: id) else { return }
            if let m = t.completionModelId { templatesByModel[m]?.remove(id) }
        case .migration:
            guard let e = migrations.removeValue(forKey: id) else { return }
            migrationsByTenant[e.tenantId]?.removeAll { $0 == id }
        case .audit:
            guard let e = audit.removeValue(forKey: id) else { return }
            auditByTenant[e.tenantId]?.removeAll { $0 == id }
        case .meta: meta = nil
        case .plan:
            guard let p = plans.removeValue(forKey: id) else { return }
            plansByTenant[p.tenantId]?.removeAll { $0 == id }
        }
    }

    // MARK: snapshot

    /// Transactions that rebuild this state from empty (entities first, referenced before referencing).
    public func snapshotTransactions(batch: Int = 2000, includingConfigurations: Bool = true) -> [Transaction] {
        var out: [Transaction] = []
        // A size hint first, so loading allocates each table once instead of growing it.
        var hint = [
            "configs": configs.count, "models": models.count, "templates": templates.count, "spaces": spaces.count,
        ]
        // Per-model and per-space index sizes too (the big sets): "m:<id>" and "s:<id>".
        for (m, ids) in configsByModel where ids.count >= 64 { hint["m:" + m] = ids.count }
        for (sp, ids) in configsBySpace where ids.count >= 64 { hint["s:" + sp] = ids.count }
        var current = Transaction([.reserve(hint)])
        func add(_ c: Change) {
            current.add(c)
            if current.changes.count >= batch {
                out.append(current)
                current = Transaction()
            }
        }
        for t in tenants.values.sorted(by: { $0.id < $1.id }) { add(.putTenant(t)) }
        for c in classifications.values.sorted(by: { $0.id < $1.id }) { add(.putClassification(c)) }
        for p in providers.values.sorted(by: { $0.id < $1.id }) { add(.putProvider(p)) }
        for m in models.values.sorted(by: { $0.id < $1.id }) { add(.putModel(m)) }
        for s in spaces.values.sorted(by: { $0.id < $1.id }) { add(.putSpace(s)) }
        if includingConfigurations {
            for c in configs.values.sorted(by: { $0.id < $1.id }) { add(.putConfig(c)) }
        }
        for t in templates.values.sorted(by: { $0.id < $1.id }) { add(.putTemplate(t)) }
        for c in collections.values.sorted(by: { $0.id < $1.id }) { add(.putCollection(c)) }
        for ids in migrationsByTenant.keys.sorted().map({ migrationsByTenant[$0]! }) {
            for id in ids { add(.putMigration(migrations[id]!)) }
        }
        for ids in auditByTenant.keys.sorted().map({ auditByTenant[$0]! }) {
            for id in ids { add(.putAudit(audit[id]!)) }
        }
        for ids in plansByTenant.keys.sorted().map({ plansByTenant[$0]! }) {
            for id in ids { add(.putPlan(plans[id]!)) }
        }
        if let meta { add(.putMeta(meta)) }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The configurations as `ConfigBatch` records, in id order.
    public func configurationRecords() -> [[UInt8]] {
        let sorted = configs.values.sorted(by: { $0.id < $1.id })
        return stride(from: 0, to: sorted.count, by: ConfigBatch.batch).map {
            ConfigBatch.record(sorted[$0..<min($0 + ConfigBatch.batch, sorted.count)])
        }
    }

    /// Question timestamps in compact binary records:
    /// `Q`, id length (u16 LE), model id (UTF-8), count (u32 LE), then count × Int64 LE times.
    public func questionRecords() -> [[UInt8]] {
        questionTimes.keys.sorted().map { m in
            let times = questionTimes[m]!
            let id = Array(m.utf8)
            var r: [UInt8] = [UInt8(ascii: "Q")]
            r.reserveCapacity(7 + id.count + times.count * 8)
            withUnsafeBytes(of: UInt16(id.count).littleEndian) { r.append(contentsOf: $0) }
            r.append(contentsOf: id)
            withUnsafeBytes(of: UInt32(times.count).littleEndian) { r.append(contentsOf: $0) }
            for t in times { withUnsafeBytes(of: t.littleEndian) { r.append(contentsOf: $0) } }
            return r
        }
    }

    /// Applies a record written by `questionRecords`.
    public mutating func applyQuestionRecord(_ r: ArraySlice<UInt8>) throws(DecodeError) {
        // Read in place: a model's record holds 8 bytes per question (40 MB for 5 million).
        try r.withUnsafeBufferPointer { (bytes) throws(DecodeError) in try applyQuestionRecord(bytes: bytes) }
    }

    private mutating func applyQuestionRecord(bytes: UnsafeBufferPointer<UInt8>) throws(DecodeError) {
        guard bytes.count >= 7, bytes[0] == UInt8(ascii: "Q") else { throw DecodeError("bad question record") }
        let idLength = Int(bytes[1]) | Int(bytes[2]) << 8
        guard bytes.count >= 7 + idLength else { throw DecodeError("question record too short") }
        let model = String(decoding: bytes[3..<(3 + idLength)], as: UTF8.self)
        let countAt = 3 + idLength
        let n =
            Int(bytes[countAt]) | Int(bytes[countAt + 1]) << 8 | Int(bytes[countAt + 2]) << 16 | Int(bytes[countAt + 3])
            << 24
        let timesAt = countAt + 4
        guard bytes.count == timesAt + n * 8 else { throw DecodeError("question record length mismatch") }
        // Taken out of the table while it grows, so it is not copied.
        var times = questionTimes.removeValue(forKey: model) ?? []
        times.reserveCapacity(times.count + n)
        let raw = UnsafeRawBufferPointer(bytes)
        for k in 0..<n {
            times.append(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: timesAt + k * 8, as: Int64.self)))
        }
        questionTimes[model] = times
    }
}
