/// Referential rules the store enforces on every commit (contract §7): nothing may point at a
/// missing thing, and a model with questions or an incoming `migratedToModelId` cannot be removed.
extension PlatformState {
    /// The first violation the transaction would cause, or nil when it may be committed.
    public func violation(of tx: Transaction) -> String? {
        var overlay = Overlay()
        for c in tx.changes {
            switch c {
            case .putTenant(let v): overlay.tenants[v.id] = .some(v)
            case .putClassification(let v): overlay.classifications[v.id] = .some(v)
            case .putProvider(let v): overlay.providers[v.id] = .some(v)
            case .putModel(let v): overlay.models[v.id] = .some(v)
            case .putSpace(let v): overlay.spaces[v.id] = .some(v)
            case .putConfig(let v): overlay.configs[v.id] = .some(v)
            case .putTemplate(let v): overlay.templates[v.id] = .some(v)
            case .putCollection(let v): overlay.collections[v.id] = .some(v)
            case .remove(let kind, let id):
                switch kind {
                case .tenant: overlay.tenants[id] = .some(nil)
                case .classification: overlay.classifications[id] = .some(nil)
                case .provider: overlay.providers[id] = .some(nil)
                case .model: overlay.models[id] = .some(nil)
                case .space: overlay.spaces[id] = .some(nil)
                case .config: overlay.configs[id] = .some(nil)
                case .template: overlay.templates[id] = .some(nil)
                case .collection: overlay.collections[id] = .some(nil)
                case .migration, .audit, .meta, .plan: break
                }
            case .moveConfigs(let ids, let to, _):
                overlay.moves.append((ids, to))
            case .migrateConfigs(let from, let to, let kinds, _, _, _):
                overlay.migrations.append((from, to, kinds))
            case .migrateTranscriptions(let from, let to, _, _):
                overlay.transcriptionMigrations.append((from, to))
            // Plans, like history, name models that may be gone since.
            case .recordQuestion, .purgeQuestions, .putMigration, .putAudit, .putMeta, .putPlan, .reserve: break
            }
        }
        func tenant(_ id: String) -> Bool { (overlay.tenants[id] ?? tenants[id]) != nil }
        func model(_ id: String) -> Model? { overlay.models[id] ?? models[id] }
        func space(_ id: String) -> Space? { overlay.spaces[id] ?? spaces[id] }
        func classification(_ id: String) -> Classification? { overlay.classifications[id] ?? classifications[id] }
        func provider(_ id: String) -> Provider? { overlay.providers[id] ?? providers[id] }
        func config(_ id: String) -> ConfigItem? {
            guard var c = overlay.configs[id] ?? configs[id] else { return nil }
            if let to = overlay.moved[id] { c.completionModelId = to }
            return c
        }
        func template(_ id: String) -> Template? { overlay.templates[id] ?? templates[id] }
        // The tenant of a model or space, read where it is: copying a model out of the table
        // retained each of its strings for the one asked (every create checks two or three).
        func modelTenant(_ id: String) -> String? {
            if !overlay.models.isEmpty, let o = overlay.models[id] { return o?.tenantId }
            guard let i = models.index(forKey: id) else { return nil }
            return models.values[i].tenantId
        }
        func spaceTenant(_ id: String) -> String? {
            if !overlay.spaces.isEmpty, let o = overlay.spaces[id] { return o?.tenantId }
            guard let i = spaces.index(forKey: id) else { return nil }
            return spaces.values[i].tenantId
        }
        func collection(_ id: String) -> KnowledgeCollection? { overlay.collections[id] ?? collections[id] }

        for case let v?? in overlay.classifications.values where !tenant(v.tenantId) {
            return "classification \(v.id) names a missing tenant"
        }
        for case let v?? in overlay.providers.values where !tenant(v.tenantId) {
            return "provider \(v.id) names a missing tenant"
        }
        for case let m?? in overlay.models.values {
            if !tenant(m.tenantId) { return "model \(m.id) names a missing tenant" }
            guard let p = provider(m.providerId), p.tenantId == m.tenantId else {
                return "model \(m.id) names a missing provider"
            }
            if let c = m.securityClassificationId, classification(c)?.tenantId != m.tenantId {
                return "model \(m.id) names a missing classification"
            }
            if let t = m.migratedToModelId, model(t) == nil { return "model \(m.id) is migrated to a missing model" }
        }
        for case let s?? in overlay.spaces.values {
            if !tenant(s.tenantId) { return "space \(s.id) names a missing tenant" }
            if let c = s.securityClassificationId, classification(c)?.tenantId != s.tenantId {
                return "space \(s.id) names a missing classification"
            }
            for m in s.modelIds where model(m)?.tenantId != s.tenantId {
                return "space \(s.id) enables a missing model \(m)"
            }
        }
        for case let c?? in overlay.configs.values {
            if modelTenant(c.completionModelId) != c.tenantId {
                return "\(c.kind.rawValue) \(c.id) uses a missing model"
            }
            if spaceTenant(c.spaceId) != c.tenantId { return "\(c.kind.rawValue) \(c.id) is in a missing space" }
            if let t = c.transcriptionModelId, modelTenant(t) != c.tenantId {
                return "\(c.kind.rawValue) \(c.id) transcribes with a missing model"
            }
        }
        for (ids, to) in overlay.moves {
            guard let target = model(to) else { return "configuration is moved to a missing model \(to)" }
            let noOverlay = overlay.configs.isEmpty
            for id in ids {
                // Without copying each configuration out of the table.
                let same: Bool
                if noOverlay || overlay.configs[id] == nil {
                    guard let i = configs.index(forKey: id) else {
                        return "configuration \(id) moved is missing or of another tenant"
                    }
                    same = configs[position: i].tenantId == target.tenantId
                } else {
                    same = overlay.configs[id]!?.tenantId == target.tenantId
                }
                if !same { return "configuration \(id) moved is missing or of another tenant" }
            }
        }
        for (from, to) in overlay.transcriptionMigrations {
            guard let source = model(from), let target = model(to), target.tenantId == source.tenantId else {
                return "apps are migrated between missing models \(from) → \(to)"
            }
        }
        for (from, to, _) in overlay.migrations {
            guard let source = model(from) else { return "configuration is migrated from a missing model \(from)" }
            guard let target = model(to), target.tenantId == source.tenantId else {
                return "configuration is migrated to a missing model \(to)"
            }
        }
        // Removal checks below must see moved configurations where they went (only built when needed).
        if !(overlay.moves.isEmpty && overlay.migrations.isEmpty)
            && overlay.models.values.contains(where: { $0 == nil })
        {
            for (ids, to) in overlay.moves { for id in ids { overlay.moved[id] = to } }
            for (from, to, kinds) in overlay.migrations {
                for id in configsByModel[from] ?? [] where configs[id].map({ kinds.contains($0.kind) }) ?? false {
                    overlay.moved[id] = to
                }
            }
        }
        for case let t?? in overlay.templates.values {
            if let m = t.completionModelId, model(m)?.tenantId != t.tenantId {
                return "template \(t.id) uses a missing model"
            }
        }
        for case let c?? in overlay.collections.values {
            if model(c.embeddingModelId)?.tenantId != c.tenantId { return "collection \(c.id) uses a missing model" }
            if space(c.spaceId)?.tenantId != c.tenantId { return "collection \(c.id) is in a missing space" }
        }
        for c in tx.changes {
            // Without copying the model out (a question is the commonest write of an import).
            guard case .recordQuestion(let m, _) = c else { continue }
            let named =
                overlay.models.isEmpty || overlay.models[m] == nil ? models.index(forKey: m) != nil : model(m) != nil
            if !named { return "a question names a missing model \(m)" }
        }
        // Removals: nothing may still point at what goes.
        for (id, v) in overlay.models where v == nil && models[id] != nil {
            if !(questionTimes[id]?.isEmpty ?? true) { return "model \(id) still has questions" }
            if configsByModel[id, default: []].contains(where: { config($0)?.completionModelId == id }) {
                return "model \(id) is still used by configuration"
            }
            if templatesByModel[id, default: []].contains(where: { template($0)?.completionModelId == id }) {
                return "model \(id) is still used by a template"
            }
            let transcribing = transcriptionsByModel[id, default: []].contains {
                config($0)?.transcriptionModelId == id
            }
            if transcribing && !overlay.transcriptionMigrations.contains(where: { $0.0 == id }) {
                return "model \(id) is still used by an app for transcription"
            }
            if collectionsByModel[id, default: []].contains(where: { collection($0)?.embeddingModelId == id }) {
                return "model \(id) is still used by a collection"
            }
            if migratedFrom[id, default: []].contains(where: { model($0)?.migratedToModelId == id }) {
                return "model \(id) is still a migration target"
            }
            if spacesByModel[id, default: []].contains(where: { space($0)?.modelIds.contains(id) == true }) {
                return "model \(id) is still enabled in a space"
            }
        }
        for (id, v) in overlay.spaces where v == nil && spaces[id] != nil {
            if configsBySpace[id, default: []].contains(where: { config($0)?.spaceId == id }) {
                return "space \(id) still holds configuration"
            }
            if collectionsBySpace[id, default: []].contains(where: { collection($0)?.spaceId == id }) {
                return "space \(id) still holds a collection"
            }
        }
        return nil
    }

    private struct Overlay {
        var tenants: [String: Tenant?] = [:]
        var classifications: [String: Classification?] = [:]
        var providers: [String: Provider?] = [:]
        var models: [String: Model?] = [:]
        var spaces: [String: Space?] = [:]
        var configs: [String: ConfigItem?] = [:]
        var templates: [String: Template?] = [:]
        var collections: [String: KnowledgeCollection?] = [:]
        /// Configurations moved by `moveConfigs`: id → new model.
        var moved: [String: String] = [:]
        var moves: [([String], String)] = []
        /// `migrateConfigs`: from, to, kinds.
        var migrations: [(String, String, [ConfigKind])] = []
        /// `migrateTranscriptions`: from, to.
        var transcriptionMigrations: [(String, String)] = []
    }
}
