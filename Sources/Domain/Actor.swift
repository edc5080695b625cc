/// The role of the person a session acts for (contract §2).
public enum Role: String, Sendable, CaseIterable {
    case member, admin, sysadmin
}

/// Who a session acts for: `initializationOptions.actor`.
public struct ActorIdentity: Sendable, Hashable {
    /// The user's id as the frontend knows it.
    public var userId: String
    /// Their display name, for history and audit.
    public var name: String?
    /// The actor's own tenant; nil only for a sysadmin without one.
    public var tenantId: String?
    /// member, admin or sysadmin.
    public var role: Role

    /// An actor; `tenantId` is nil only for a sysadmin.
    public init(userId: String, name: String? = nil, tenantId: String? = nil, role: Role) {
        self.userId = userId
        self.name = name
        self.tenantId = tenantId
        self.role = role
    }
}
