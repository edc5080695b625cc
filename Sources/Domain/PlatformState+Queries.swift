/// What handlers may ask of the state's indexes, named for the domain; the indexes themselves
/// are the state's own representation and stay inside Domain, so it can change them freely.
extension PlatformState {
    /// The ids of the tenant's models, soft-deleted ones included, in no order.
    public func modelIDs(ofTenant tenantId: String) -> Set<String> { modelsByTenant[tenantId] ?? [] }

    /// The ids of the configurations (assistants, apps, services) whose model is `modelId`.
    public func configurationIDs(using modelId: String) -> Set<String> { configsByModel[modelId] ?? [] }

    /// The ids of the configurations in space `spaceId`.
    public func configurationIDs(inSpace spaceId: String) -> Set<String> { configsBySpace[spaceId] ?? [] }

    /// The ids of the templates (soft-deleted ones included) whose model is `modelId`.
    public func templateIDs(using modelId: String) -> Set<String> { templatesByModel[modelId] ?? [] }

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
