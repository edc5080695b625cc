/// The role of the person a session acts for (contract §2).
public enum Role: String, Sendable, CaseIterable {
    case member, admin, sysadmin
}

/// Who a session acts for: `initializationOptions.actor`.
public struct ActorIdentity: Sendable, Hashable {
    public var userId: String
    public var name: String?
    /// The actor's own tenant; nil only for a sysadmin without one.
    public var tenantId: String?
    public var role: Role

    public init(userId: String, name: String? = nil, tenantId: String? = nil, role: Role) {
        self.userId = userId
        self.name = name
        self.tenantId = tenantId
        self.role = role
    }
}
