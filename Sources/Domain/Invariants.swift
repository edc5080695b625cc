/// Whole-state checks for `model-lifecycle verify`: every rule the store enforces per commit,
/// plus the indexes agreeing with the tables.
extension PlatformState {
    /// Every invariant the state breaks (indexes recounted from the tables, references, uniqueness); empty when sound.
    public func invariantViolations() -> [String] {
        var out: [String] = []
        for c in classifications.values where tenants[c.tenantId] == nil {
            out.append("classification \(c.id): missing tenant")
        }
        for p in providers.values where tenants[p.tenantId] == nil { out.append("provider \(p.id): missing tenant") }
        var defaults: [String: String] = [:]
        for m in models.values {
            if tenants[m.tenantId] == nil { out.append("model \(m.id): missing tenant") }
            if providers[m.providerId]?.tenantId != m.tenantId { out.append("model \(m.id): missing provider") }
            if let c = m.securityClassificationId, classifications[c]?.tenantId != m.tenantId {
                out.append("model \(m.id): missing classification")
            }
            if let t = m.migratedToModelId, models[t] == nil {
                out.append("model \(m.id): migrated to a missing model")
            }
            if m.isDefault && m.deletedAt == nil {
                let key = m.tenantId + "/" + m.kind.rawValue
                if let other = defaults[key] { out.append("models \(other) and \(m.id): two defaults for \(key)") }
                defaults[key] = m.id
            }
            if !(modelsByTenant[m.tenantId]?.contains(m.id) ?? false) {
                out.append("model \(m.id): missing from the tenant index")
            }
        }
        for s in spaces.values {
            for mid in s.modelIds where models[mid]?.tenantId != s.tenantId {
                out.append("space \(s.id): enables missing model \(mid)")
            }
            for mid in s.modelIds where !(spacesByModel[mid]?.contains(s.id) ?? false) {
                out.append("space \(s.id): index misses model \(mid)")
            }
            if Set(s.modelIds).count != s.modelIds.count { out.append("space \(s.id): a model is enabled twice") }
        }
        for c in configs.values {
            if models[c.completionModelId]?.tenantId != c.tenantId {
                out.append("\(c.kind.rawValue) \(c.id): missing model")
            }
            if spaces[c.spaceId]?.tenantId != c.tenantId { out.append("\(c.kind.rawValue) \(c.id): missing space") }
            if !(configsByModel[c.completionModelId]?.contains(c.id) ?? false) {
                out.append("\(c.kind.rawValue) \(c.id): missing from the model index")
            }
        }
        for (t, ids) in transcriptionsByModel {
            for id in ids where configs[id]?.transcriptionModelId != t {
                out.append("app \(id): in the transcription index of \(t) without using it")
            }
        }
        for c in configs.values {
            guard let t = c.transcriptionModelId else { continue }
            if models[t]?.tenantId != c.tenantId {
                out.append("\(c.kind.rawValue) \(c.id): missing transcription model")
            }
            if !(transcriptionsByModel[t]?.contains(c.id) ?? false) {
                out.append("\(c.kind.rawValue) \(c.id): missing from the transcription index")
            }
        }
        for m in models.values {
            if !(modelsByName[m.providerId]?[m.name]?.contains(m.id) ?? false) {
                out.append("model \(m.id): missing from the name index")
            }
            if m.isDefault != (defaultModels[m.tenantId + "/" + m.kind.rawValue]?.contains(m.id) ?? false) {
                out.append("model \(m.id): the default index disagrees")
            }
        }
        for c in collections.values {
            if models[c.embeddingModelId]?.tenantId != c.tenantId { out.append("collection \(c.id): missing model") }
            if spaces[c.spaceId]?.tenantId != c.tenantId { out.append("collection \(c.id): missing space") }
            if !(collectionsByModel[c.embeddingModelId]?.contains(c.id) ?? false)
                || !(collectionsBySpace[c.spaceId]?.contains(c.id) ?? false)
            {
                out.append("collection \(c.id): missing from an index")
            }
        }
        for t in templates.values {
            if let m = t.completionModelId, models[m]?.tenantId != t.tenantId {
                out.append("template \(t.id): missing model")
            }
        }
        for (m, times) in questionTimes where !times.isEmpty && models[m] == nil {
            out.append("questions on missing model \(m)")
        }
        for (m, ids) in configsByModel {
            for id in ids where configs[id]?.completionModelId != m {
                out.append("index: config \(id) under model \(m)")
            }
        }
        for m in Set(usageByModel.keys).union(configsByModel.keys).sorted() {
            let recounted = ConfigUsage.recount((configsByModel[m] ?? []).compactMap { configs[$0] })
            if (usageByModel[m] ?? ConfigUsage()) != recounted {
                out.append("usage of model \(m) disagrees with its configurations")
            }
        }
        return out
    }
}
