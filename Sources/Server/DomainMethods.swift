import Domain

/// Every domain method of this build, registered against a platform.
public enum DomainMethods {
    /// Registers every domain method in `table`, served by `platform`.
    public static func register(in table: inout MethodTable, platform: Platform) {
        table.register(all(), platform: platform)
        table.registerServerNotification(LifecycleNotice.spec)
    }

    /// The methods declared one per file (`Methods/<Group>/<Method>.swift`), in the order of the
    /// contract's sections.
    static let declarations: [any MethodDeclaration.Type] = [
        TenantsCreate.self, TenantsGet.self, TenantsList.self, TenantsUpdate.self, TenantsDelete.self,
        ClassificationsCreate.self, ClassificationsGet.self, ClassificationsList.self, ClassificationsUpdate.self,
        ClassificationsDelete.self,
        ProvidersCreate.self, ProvidersGet.self, ProvidersList.self, ProvidersUpdate.self, ProvidersDelete.self,
        CatalogInfo.self, CatalogLookup.self, CatalogReload.self,
        LifecycleCleanup.self, LifecycleStatus.self, LifecycleTick.self,
        SpacesCreate.self, SpacesGet.self, SpacesList.self, SpacesUpdate.self, SpacesDelete.self,
        SpacesEnableModel.self, SpacesDisableModel.self,
        AssistantsCreate.self, AssistantsGet.self, AssistantsList.self, AssistantsUpdate.self, AssistantsDelete.self,
        AppsCreate.self, AppsGet.self, AppsList.self, AppsUpdate.self, AppsDelete.self,
        ServicesCreate.self, ServicesGet.self, ServicesList.self, ServicesUpdate.self, ServicesDelete.self,
        CollectionsCreate.self, CollectionsGet.self, CollectionsList.self, CollectionsUpdate.self,
        CollectionsDelete.self,
        TemplatesCreate.self, TemplatesGet.self, TemplatesList.self, TemplatesUpdate.self, TemplatesDelete.self,
        TemplatesRestore.self,
        QuestionsRecord.self, QuestionsCount.self, QuestionsPurge.self,
        ModelsList.self, ModelsGet.self, ModelsCreate.self, ModelsUpdate.self, ModelsDelete.self,
        UsageStats.self, UsageDetails.self, UsageSummary.self,
        MigrationValidate.self, MigrationExecute.self, MigrationExecuteFleet.self, MigrationRevert.self,
        MigrationHistory.self,
        ModelsSuggestReplacement.self,
        PoliciesGet.self, PoliciesSet.self, PoliciesPlans.self, PoliciesApprove.self, PoliciesReject.self,
        AuditList.self,
    ]

    /// Every domain method, as declared (name, role, params, result, handler).
    static func all() -> [DomainMethod] {
        declarations.map { $0.method }
    }

    /// `initialize`'s actor check: a member or admin needs an existing tenant; a sysadmin's
    /// tenant, when given, must exist too.
    public static func actorValidator(platform: Platform) -> @Sendable (ActorIdentity) -> ParamsError? {
        { actor in
            guard let tenantId = actor.tenantId else { return nil }
            guard Formats.isLowercaseUUID(tenantId) else {
                return ParamsError("/initializationOptions/actor/tenantId", "must be a lowercase UUID")
            }
            guard let state = try? platform.read(), state.tenant(tenantId) != nil else {
                return ParamsError("/initializationOptions/actor/tenantId", "no tenant with id \(tenantId)")
            }
            return nil
        }
    }
}
