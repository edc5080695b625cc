/// What handlers may ask of the state's indexes, named for the domain; the indexes themselves
/// are the state's own representation and stay inside Domain, so it can change them freely.
extension PlatformState {
    /// The ids of the tenant's models, soft-deleted ones included, in no order.
    public func modelIDs(ofTenant tenantId: String) -> Set<String> { modelsByTenant[tenantId] ?? [] }

    /// The ids of the configurations (assistants, apps, services) whose model is `modelId`.
    public func configurationIDs(using modelId: String) -> IDSet { configsByModel[modelId] ?? [] }

    /// The ids of the configurations in space `spaceId`.
    public func configurationIDs(inSpace spaceId: String) -> IDSet { configsBySpace[spaceId] ?? [] }

    /// The ids of the templates (soft-deleted ones included) whose model is `modelId`.
    public func templateIDs(using modelId: String) -> Set<String> { templatesByModel[modelId] ?? [] }

    /// Ids of the apps that transcribe with `modelId`.
    public func transcribingAppIDs(using modelId: String) -> IDSet { transcriptionsByModel[modelId] ?? [] }

    /// The ids of the spaces that enable `modelId`.
    public func spaceIDs(enabling modelId: String) -> Set<String> { spacesByModel[modelId] ?? [] }

    /// The ids of the models whose `migratedToModelId` is `modelId`.
    public func migrationSourceIDs(of modelId: String) -> Set<String> { migratedFrom[modelId] ?? [] }

    /// When the questions on `modelId` were recorded, in recording order.
    public func questionTimes(of modelId: String) -> [Millis] { questionTimes[modelId] ?? [] }

    /// Every question recorded, in all tenants.
    public var questionCount: Int { questionTimes.values.reduce(0) { $0 + $1.count } }

    /// The tenant's migration history entry ids, oldest first.
    public func historyIDs(ofTenant tenantId: String) -> [String] { migrationsByTenant[tenantId] ?? [] }

    /// The targets of the completed, not reverted, partial migrations of `sourceId` (those that
    /// left configuration on it, so it was not retired), sorted.
    public func partialMigrationTargets(of sourceId: String, inTenant tenantId: String) -> [String] {
        var targets = Set<String>()
        for id in migrationsByTenant[tenantId] ?? [] {
            guard let e = migrations[id], e.kind == .migration, e.status == .completed, !e.sourceRetired,
                e.fromModelId == sourceId, let to = e.toModelId
            else { continue }
            targets.insert(to)
        }
        return targets.sorted()
    }

    /// The tenant's audit entry ids, oldest first.
    public func auditIDs(ofTenant tenantId: String) -> [String] { auditByTenant[tenantId] ?? [] }
}

extension PlatformState {
    /// Whether another tenant than `id` is named `name` (tenant names are unique).
    public func tenantNameTaken(_ name: String, except id: String? = nil) -> Bool {
        tenants.values.contains { $0.name == name && $0.id != id }
    }

    /// Whether the tenant holds anything a delete would orphan: models, providers, classifications,
    /// spaces or templates (configurations live in spaces; history and audit entries are records
    /// and do not count).
    public func tenantHoldsEntities(_ id: String) -> Bool {
        !modelIDs(ofTenant: id).isEmpty || providers.values.contains { $0.tenantId == id }
            || classifications.values.contains { $0.tenantId == id } || spaces.values.contains { $0.tenantId == id }
            || templates.values.contains { $0.tenantId == id }
    }
}

/// Lookups by id: the entity, or nil when there is none (of any tenant: tenant-scoped lookups
/// that treat another tenant's as absent are the server's).
extension PlatformState {
    /// The tenant `id`.
    public func tenant(_ id: String) -> Tenant? { tenants[id] }

    /// Whether any entity (of any kind) has this id: an id given from outside (`import`) must be new.
    public func holdsEntity(id: String) -> Bool {
        tenants[id] != nil || classifications[id] != nil || providers[id] != nil || models[id] != nil
            || spaces[id] != nil || configs[id] != nil || templates[id] != nil || collections[id] != nil
            || migrations[id] != nil || audit[id] != nil || plans[id] != nil
    }
    /// The model `id`, soft-deleted and migrated ones included.
    public func model(_ id: String) -> Model? { models[id] }
    /// The provider account `id`.
    public func provider(_ id: String) -> Provider? { providers[id] }
    /// The security classification `id`.
    public func classification(_ id: String) -> Classification? { classifications[id] }
    /// The space `id`.
    public func space(_ id: String) -> Space? { spaces[id] }
    /// The assistant, app or service `id`.
    public func configuration(_ id: String) -> ConfigItem? { configs[id] }
    /// The template `id`, soft-deleted ones included.
    public func template(_ id: String) -> Template? { templates[id] }
    /// The collection `id`, if it exists.
    public func collection(_ id: String) -> KnowledgeCollection? { collections[id] }
    /// The tenant's collections, in no order.
    public func collections(ofTenant tenantId: String) -> [KnowledgeCollection] {
        collections.values.filter { $0.tenantId == tenantId }
    }
    /// How many collections the space holds.
    public func collectionCount(inSpace spaceId: String) -> Int { collectionsBySpace[spaceId]?.count ?? 0 }
    /// The migration history entry `id`.
    public func migration(_ id: String) -> MigrationEntry? { migrations[id] }
    /// A lifecycle policy plan.
    public func plan(_ id: String) -> PolicyPlan? { plans[id] }
    /// A tenant's plan ids, oldest first.
    public func planIDs(ofTenant tenantId: String) -> [String] { plansByTenant[tenantId] ?? [] }
    /// The tenant's open plans by source model (the newest, should there be several), in one pass.
    public func openPlansBySource(ofTenant tenantId: String) -> [String: PolicyPlan] {
        var out: [String: PolicyPlan] = [:]
        for id in plansByTenant[tenantId] ?? [] {
            if let p = plans[id], p.isOpen { out[p.sourceModelId] = p }
        }
        return out
    }
    /// The audit entry `id`.
    public func auditEntry(_ id: String) -> AuditEntry? { audit[id] }
    /// The provider type of a model's provider, or nil when the provider is gone.
    public func providerType(of model: Model) -> String? { providers[model.providerId]?.providerType }
}

/// The entities of a tenant, and of all tenants (any order; lists sort them).
extension PlatformState {
    /// Every tenant.
    public var allTenants: [Tenant] { Array(tenants.values) }
    /// The ids of every model, of every tenant.
    public var allModelIDs: [String] { Array(models.keys) }
    /// The tenant's provider accounts.
    public func providers(ofTenant tenantId: String) -> [Provider] {
        providers.values.filter { $0.tenantId == tenantId }
    }
    /// The tenant's security classifications.
    public func classifications(ofTenant tenantId: String) -> [Classification] {
        classifications.values.filter { $0.tenantId == tenantId }
    }
    /// The tenant's spaces.
    public func spaces(ofTenant tenantId: String) -> [Space] { spaces.values.filter { $0.tenantId == tenantId } }
    /// The tenant's templates, soft-deleted ones included.
    public func templates(ofTenant tenantId: String) -> [Template] {
        templates.values.filter { $0.tenantId == tenantId }
    }
    /// The tenant's configurations of one kind.
    public func configurations(ofKind kind: ConfigKind, inTenant tenantId: String) -> [ConfigItem] {
        configs.values.filter { $0.kind == kind && $0.tenantId == tenantId }
    }

    /// How many of each entity the state holds (verify's report).
    public var counts: (tenants: Int, models: Int, spaces: Int, configurations: Int, templates: Int) {
        (tenants.count, models.count, spaces.count, configs.count, templates.count)
    }
}
