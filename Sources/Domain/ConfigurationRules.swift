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

    /// Why a configuration in `space` may not use `model`, or nil when it may.
    ///
    /// The first that fails, in this order: the model is a completion model
    /// (`not_a_completion_model`), enabled in the space (`not_enabled_in_space`), and accepted by
    /// the space (`spaceRefusal(of:in:canAccess:)`).
    /// Why an app may not transcribe with `model` in `space`, or nil: a transcription model the
    /// space enables and accepts.
    public func transcriptionModelRefusal(of model: Model, in space: Space, canAccess: Bool) -> String? {
        if model.kind != .transcription { return "not_a_transcription_model" }
        if !space.modelIds.contains(model.id) { return "not_enabled_in_space" }
        return spaceRefusal(of: model, in: space, canAccess: canAccess)
    }

    /// Why a collection may not use `model` in `space`, or nil: an embedding model the space
    /// enables and accepts.
    public func collectionModelRefusal(of model: Model, in space: Space, canAccess: Bool) -> String? {
        if model.kind != .embedding { return "not_an_embedding_model" }
        if !space.modelIds.contains(model.id) { return "not_enabled_in_space" }
        return spaceRefusal(of: model, in: space, canAccess: canAccess)
    }

    /// Why a template may not be put on `model` (at create, or by an update naming a model), or
    /// nil: as for a configuration, a completion model that can be used (enabled, not deprecated,
    /// not migrated, not deleted); a template has no space.
    public func templateModelRefusal(of model: Model, canAccess: Bool) -> String? {
        if model.kind != .completion { return "not_a_completion_model" }
        if !canAccess { return "model_not_accessible" }
        return nil
    }

    public func configurationModelRefusal(of model: Model, in space: Space, canAccess: Bool) -> String? {
        if model.kind != .completion { return "not_a_completion_model" }
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
