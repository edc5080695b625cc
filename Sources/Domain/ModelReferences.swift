/// What references a model, counted live from the state's indexes (never a stored aggregate).
/// The one place that says what holds a model: deletion (`model_in_use`), usage statistics,
/// lifecycle notices and the cleanup planner all read it.
public struct ModelReferences: Sendable, Equatable {
    public var assistants = 0, apps = 0, services = 0, assistantTemplates = 0, appTemplates = 0
    /// Collections whose vectors were made with the model (an embedding model).
    public var collections = 0
    /// Soft-deleted templates still pointing at the model (not active configuration).
    public var deletedTemplates = 0
    public var spaces = 0, questions = 0
    /// Models whose `migratedToModelId` is this one.
    public var migrationSources = 0

    /// No references.
    public init() {}

    /// Assistants + apps + services + non-deleted templates + collections.
    public var activeCount: Int { assistants + apps + services + assistantTemplates + appTemplates + collections }

    /// The `model_in_use` references (usage key names).
    public var activeReferences: [(String, Int)] {
        [
            ("assistants", assistants), ("apps", apps), ("services", services),
            ("assistantTemplates", assistantTemplates), ("appTemplates", appTemplates), ("collections", collections),
        ]
    }

    /// Counts what references `modelId` in `state`.
    public static func of(_ modelId: String, in state: PlatformState) -> ModelReferences {
        var u = ModelReferences()
        for id in state.configsByModel[modelId] ?? [] {
            switch state.configs[id]?.kind {
            case .assistant?: u.assistants += 1
            case .app?: u.apps += 1
            case .service?: u.services += 1
            case nil: break
            }
        }
        u.collections = state.collectionsByModel[modelId]?.count ?? 0
        // Apps that transcribe with it hold a transcription model as apps.
        u.apps += state.transcriptionsByModel[modelId]?.count ?? 0
        for id in state.templatesByModel[modelId] ?? [] {
            guard let t = state.templates[id] else { continue }
            if t.deletedAt != nil {
                u.deletedTemplates += 1
            } else if t.kind == .assistant {
                u.assistantTemplates += 1
            } else {
                u.appTemplates += 1
            }
        }
        u.spaces = state.spacesByModel[modelId]?.count ?? 0
        u.questions = state.questionTimes[modelId]?.count ?? 0
        u.migrationSources = state.migratedFrom[modelId]?.count ?? 0
        return u
    }
}

extension PlatformState {
    /// Whether another model of the tenant that is not deleted already has `name` on `providerId`
    /// (model names are unique per provider among models that are not deleted).
    public func modelNameTaken(_ name: String, providerId: String, tenantId: String, except id: String? = nil) -> Bool {
        // By the name index: the cost does not grow with the tenant's models.
        (modelsByName[providerId]?[name] ?? []).contains { other in
            guard other != id, let o = models[other] else { return false }
            return o.tenantId == tenantId && o.deletedAt == nil
        }
    }
}
