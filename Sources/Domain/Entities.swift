import JSONRPC

/// Milliseconds since the Unix epoch (UTC).
public typealias Millis = Int64

/// A tenant of the platform.
public struct Tenant: Sendable, Equatable {
    public var id: String
    public var name: String
    public var securityEnabled: Bool
    public var createdAt: Millis
    public init(id: String, name: String, securityEnabled: Bool, createdAt: Millis) {
        self.id = id
        self.name = name
        self.securityEnabled = securityEnabled
        self.createdAt = createdAt
    }
}

/// A security classification; a higher level is more restrictive.
public struct Classification: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var name: String
    public var level: Int
    public init(id: String, tenantId: String, name: String, level: Int) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.level = level
    }
}

/// A model provider account of a tenant.
public struct Provider: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var name: String
    public var providerType: String
    public init(id: String, tenantId: String, name: String, providerType: String) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.providerType = providerType
    }
}

/// What a model does.
public enum ModelKind: String, Sendable, CaseIterable { case completion, embedding, transcription }

/// A model as stored. Catalog-derived fields (deprecation date, successor) and the effective
/// status are computed when it is shown, from the process's catalog and date.
public struct Model: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var kind: ModelKind
    public var name: String
    public var nickname: String?
    public var providerId: String
    public var family: String?
    public var maxInputTokens: Int?
    public var maxOutputTokens: Int?
    public var vision: Bool
    public var reasoning: Bool
    public var toolCalling: Bool
    public var hosting: String?
    public var openSource: Bool
    public var securityClassificationId: String?
    public var isEnabled: Bool
    public var isDefault: Bool
    /// The admin's manual flag (`isDeprecated` on input).
    public var manualDeprecated: Bool
    public var migratedToModelId: String?
    /// When the migration that retired it completed.
    public var migratedAt: Millis?
    public var deletedAt: Millis?
    public var createdAt: Millis
    public var updatedAt: Millis

    public init(id: String, tenantId: String, kind: ModelKind, name: String, providerId: String, createdAt: Millis) {
        self.id = id
        self.tenantId = tenantId
        self.kind = kind
        self.name = name
        self.providerId = providerId
        nickname = nil
        family = nil
        maxInputTokens = nil
        maxOutputTokens = nil
        vision = false
        reasoning = false
        toolCalling = false
        hosting = nil
        openSource = false
        securityClassificationId = nil
        isEnabled = true
        isDefault = false
        manualDeprecated = false
        migratedToModelId = nil
        migratedAt = nil
        deletedAt = nil
        self.createdAt = createdAt
        updatedAt = createdAt
    }
}

/// A space: a workspace whose configuration may use the models enabled in it.
public struct Space: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var name: String
    public var securityClassificationId: String?
    /// Enabled models, in the order they were enabled.
    public var modelIds: [String]
    public var createdAt: Millis
    public init(
        id: String, tenantId: String, name: String, securityClassificationId: String?, modelIds: [String] = [],
        createdAt: Millis
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.securityClassificationId = securityClassificationId
        self.modelIds = modelIds
        self.createdAt = createdAt
    }
}

/// The three kinds of configuration that live in a space and use a completion model.
public enum ConfigKind: String, Sendable, CaseIterable {
    case assistant, app, service
    /// The migration / usage entity type name (`assistants`, `apps`, `services`).
    public var entityType: String { rawValue + "s" }
}

/// An assistant, app or service.
public struct ConfigItem: Sendable, Equatable {
    public var kind: ConfigKind
    public var id: String
    public var tenantId: String
    public var spaceId: String
    public var name: String
    public var completionModelId: String
    public var kwargs: JSONObject
    public var createdBy: String
    public var createdAt: Millis
    public var updatedAt: Millis
    public init(
        kind: ConfigKind, id: String, tenantId: String, spaceId: String, name: String, completionModelId: String,
        kwargs: JSONObject, createdBy: String, createdAt: Millis
    ) {
        self.kind = kind
        self.id = id
        self.tenantId = tenantId
        self.spaceId = spaceId
        self.name = name
        self.completionModelId = completionModelId
        self.kwargs = kwargs
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// What a template makes.
public enum TemplateKind: String, Sendable, CaseIterable {
    case assistant, app
    /// `assistantTemplates` or `appTemplates`.
    public var entityType: String { rawValue + "Templates" }
}

/// A template; soft-deletable. Its model may become null when cleanup removes a model.
public struct Template: Sendable, Equatable {
    public var id: String
    public var tenantId: String
    public var kind: TemplateKind
    public var name: String
    public var completionModelId: String?
    public var kwargs: JSONObject
    public var deletedAt: Millis?
    public var createdAt: Millis
    public var updatedAt: Millis
    public init(
        id: String, tenantId: String, kind: TemplateKind, name: String, completionModelId: String?, kwargs: JSONObject,
        createdAt: Millis
    ) {
        self.id = id
        self.tenantId = tenantId
        self.kind = kind
        self.name = name
        self.completionModelId = completionModelId
        self.kwargs = kwargs
        deletedAt = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}
