import Domain

/// Live reference counts of a model (never a stored aggregate).
struct Usage {
    var assistants = 0, apps = 0, services = 0, assistantTemplates = 0, appTemplates = 0
    /// Soft-deleted templates still pointing at the model (not active configuration).
    var deletedTemplates = 0
    var spaces = 0, questions = 0

    /// Assistants + apps + services + non-deleted templates.
    var activeCount: Int { assistants + apps + services + assistantTemplates + appTemplates }

    /// The `model_in_use` references (usage key names).
    var activeReferences: [(String, Int)] {
        [("assistants", assistants), ("apps", apps), ("services", services),
         ("assistantTemplates", assistantTemplates), ("appTemplates", appTemplates)]
    }

    static func references(of modelId: String, in state: PlatformState) -> Usage {
        var u = Usage()
        for id in state.configsByModel[modelId] ?? [] {
            switch state.configs[id]?.kind {
            case .assistant?: u.assistants += 1
            case .app?: u.apps += 1
            case .service?: u.services += 1
            case nil: break
            }
        }
        for id in state.templatesByModel[modelId] ?? [] {
            guard let t = state.templates[id] else { continue }
            if t.deletedAt != nil { u.deletedTemplates += 1; continue }
            if t.kind == .assistant { u.assistantTemplates += 1 } else { u.appTemplates += 1 }
        }
        u.spaces = state.spacesByModel[modelId]?.count ?? 0
        u.questions = state.questionTimes[modelId]?.count ?? 0
        return u
    }
}
