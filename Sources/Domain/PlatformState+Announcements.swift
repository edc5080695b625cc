/// Which commits other processes are told about at once (the PostgreSQL store's wake of idle
/// admin sessions): those that can change a tenant's lifecycle notice, which names the retiring
/// and deprecated models and counts what references them. Everything else (a rename, a question,
/// an audit entry) reaches other processes with their next request, as every commit does.
extension PlatformState {
    /// Whether committing `tx` on this state can change what a lifecycle notice says.
    public func mayChangeLifecycleNotices(_ tx: Transaction) -> Bool {
        tx.changes.contains { change in
            switch change {
            case .putModel, .putProvider, .moveConfigs, .migrateConfigs, .migrateTranscriptions, .putPlan:
                return true
            case .putConfig(let c):
                guard let before = configuration(c.id) else { return true }
                return before.completionModelId != c.completionModelId
                    || before.transcriptionModelId != c.transcriptionModelId
            case .putTemplate(let t):
                guard let before = template(t.id) else { return t.completionModelId != nil }
                return before.completionModelId != t.completionModelId || before.deletedAt != t.deletedAt
            case .putCollection(let c):
                return collection(c.id)?.embeddingModelId != c.embeddingModelId
            case .remove(let kind, _):
                return kind == .model || kind == .provider || kind == .config || kind == .template
                    || kind == .collection
            case .putTenant(let t):
                return tenant(t.id)?.defaultsLost != t.defaultsLost
            case .putClassification, .putSpace, .putMigration, .putAudit, .putMeta, .reserve,
                .recordQuestion, .purgeQuestions:
                return false
            }
        }
    }
}
