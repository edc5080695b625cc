/// The rules of spaces and of the configurations (assistants, apps, services) that live in them
/// (contract §4): which models a space accepts, which model a configuration may use, when a space
/// may be deleted; and what a question purge removes.
extension PlatformState {
    /// Why `space` does not accept `model`, or nil when it does (contract §4 space acceptance).
    ///
    /// `canAccess` is the model's accessibility under the process's catalog and calendar
    /// (`LifecycleRules.canAccess`). The security levels apply only when the space's tenant has
    /// security enabled; they are those of the space's and the model's classifications.
    public func spaceRefusal(of model: Model, in space: Space, canAccess: Bool) -> String? {
        let secured = tenants[space.tenantId]?.securityEnabled ?? false
        let spaceLevel = space.securityClassificationId.flatMap { classifications[$0]?.level }
        let modelLevel = model.securityClassificationId.flatMap { classifications[$0]?.level }
        return LifecycleRules.spaceRefusal(
            canAccess: canAccess, securityEnabled: secured, spaceLevel: spaceLevel, modelLevel: modelLevel)
    }

    /// Why `model` may not serve as the `kind` model of something in `space` (a configuration's
    /// completion model, an app's transcription model, a collection's embedding model), or of a
    /// template when `space` is nil; nil when it may.
    ///
    /// The first that fails, in this order: the model is of that kind (`not_a_completion_model`,
    /// `not_a_transcription_model`, `not_an_embedding_model`); in a space, it is enabled there
    /// (`not_enabled_in_space`) and accepted by it (`spaceRefusal(of:in:canAccess:)`); without one,
    /// it can be used (`model_not_accessible`).
    public func modelRefusal(of model: Model, as kind: ModelKind, in space: Space?, canAccess: Bool) -> String? {
        if model.kind != kind {
            switch kind {
            case .completion: return "not_a_completion_model"
            case .transcription: return "not_a_transcription_model"
            case .embedding: return "not_an_embedding_model"
            }
        }
        guard let space else { return canAccess ? nil : "model_not_accessible" }
        if !space.modelIds.contains(model.id) { return "not_enabled_in_space" }
        return spaceRefusal(of: model, in: space, canAccess: canAccess)
    }

    /// How many configurations (assistants, apps, services) live in space `spaceId`; a space is
    /// deleted only when none do.
    public func configurationCount(inSpace spaceId: String) -> Int { configurationIDs(inSpace: spaceId).count }

    /// How many questions on the tenant's models (soft-deleted ones included) were recorded
    /// strictly before `before`: what a purge at `before` removes.
    public func questionsRecorded(ofTenant tenantId: String, before: Millis) -> Int {
        var count = 0
        for m in modelIDs(ofTenant: tenantId) {
            count += questionTimes(of: m).reduce(0) { $0 + ($1 < before ? 1 : 0) }
        }
        return count
    }
}
