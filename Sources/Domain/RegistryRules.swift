/// The rules of a tenant's registry entries (security classifications and provider accounts):
/// which names are free and what still refers to an entry a delete would remove.
extension PlatformState {
    /// Whether a classification of tenant `tenantId` other than `id` is named `name`
    /// (classification names are unique in a tenant).
    public func classificationNameTaken(_ name: String, inTenant tenantId: String, except id: String? = nil) -> Bool {
        classifications.values.contains { $0.tenantId == tenantId && $0.name == name && $0.id != id }
    }

    /// Whether any model (soft-deleted ones included) or space is classified `classificationId`,
    /// which keeps the classification from being deleted.
    public func classificationInUse(_ classificationId: String) -> Bool {
        models.values.contains { $0.securityClassificationId == classificationId }
            || spaces.values.contains { $0.securityClassificationId == classificationId }
    }

    /// Whether a provider of tenant `tenantId` other than `id` is named `name` (provider names are
    /// unique in a tenant).
    public func providerNameTaken(_ name: String, inTenant tenantId: String, except id: String? = nil) -> Bool {
        providers.values.contains { $0.tenantId == tenantId && $0.name == name && $0.id != id }
    }

    /// Whether any stored model (soft-deleted ones included) uses provider `providerId`, which keeps
    /// the provider from being deleted.
    public func providerInUse(_ providerId: String) -> Bool {
        models.values.contains { $0.providerId == providerId }
    }
}
