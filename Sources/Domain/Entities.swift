import JSONRPC

/// Milliseconds since the Unix epoch (UTC).
public typealias Millis = Int64

/// A tenant of the platform.
public struct Tenant: Sendable, Equatable {
    /// The tenant's id (a lowercase UUID).
    public var id: String
    /// The tenant's display name, unique among tenants.
    public var name: String
    /// Whether security classifications are enforced: a classified space then accepts only models classified at
    /// its level or above, and migrations check the same rule.
    public var securityEnabled: Bool
    /// When the tenant was created.
    public var createdAt: Millis
    /// Kinds whose default model the tenant lost (soft-deleted, or retired by a migration whose
    /// target could not serve as the default) and has not set again: its admins hear of it.
    public var defaultsLost: [ModelKind] = []
    /// The tenant's lifecycle policy (off unless an admin set one).
    public var policy = LifecyclePolicy()
    /// Creates a tenant from its fields.
    public init(id: String, name: String, securityEnabled: Bool, createdAt: Millis) {
        self.id = id
        self.name = name
        self.securityEnabled = securityEnabled
        self.createdAt = createdAt
    }
}

/// A security classification; a higher level is more restrictive.
public struct Classification: Sendable, Equatable {
    /// The classification's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that owns it.
    public var tenantId: String
    /// The classification's name, unique within the tenant.
    public var name: String
    /// The level as the admin gave it; a higher level is more restrictive.
    public var level: Int
    /// Creates a classification from its fields.
    public init(id: String, tenantId: String, name: String, level: Int) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.level = level
    }
}

/// A model provider account of a tenant.
public struct Provider: Sendable, Equatable {
    /// The provider account's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that owns it.
    public var tenantId: String
    /// The account's display name, unique within the tenant.
    public var name: String
    /// The provider kind (`openai`, `azure`, `anthropic`, `vllm`, …): the prefix of `providerType/name` catalog keys.
    public var providerType: String
    /// Creates a provider account from its fields.
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
    /// The model's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that offers it.
    public var tenantId: String
    /// What the model does; fixed at creation.
    public var kind: ModelKind
    /// The provider's model id (`gpt-4o-2024-08-06`), unique per provider among models that are not deleted; the
    /// name the catalog is searched by.
    public var name: String
    /// A display name for people, or nil when none was given.
    public var nickname: String?
    /// The id of the `Provider` account that serves it; fixed at creation.
    public var providerId: String
    /// The model family (`gpt-4`, `claude`), or nil when unknown; a migration between known, different families warns.
    public var family: String?
    /// The largest input the model accepts, in tokens, or nil when unknown.
    public var maxInputTokens: Int?
    /// The largest output the model produces, in tokens, or nil when unknown.
    public var maxOutputTokens: Int?
    /// Whether the model accepts images.
    public var vision: Bool
    /// Whether the model supports reasoning.
    public var reasoning: Bool
    /// Whether the model supports tool (function) calling.
    public var toolCalling: Bool
    /// Where the model is hosted, as free text the admin gave, or nil when not given.
    public var hosting: String?
    /// Whether the model is open source.
    public var openSource: Bool
    /// The id of the model's security `Classification`, or nil when unclassified (a classified space of a tenant
    /// with security enabled then refuses it).
    public var securityClassificationId: String?
    /// Whether the admin enabled it; a disabled model is not accessible and cannot be a migration target.
    public var isEnabled: Bool
    /// Whether it is the tenant's default model of its kind (at most one per tenant and kind).
    public var isDefault: Bool
    /// The admin's manual flag (`isDeprecated` on input).
    public var manualDeprecated: Bool
    /// The model a completed migration retired it to, or nil while not retired (a revert clears it).
    public var migratedToModelId: String?
    /// When the migration that retired it completed, or nil while not retired.
    public var migratedAt: Millis?
    /// When the model was soft-deleted, or nil while it is not deleted.
    public var deletedAt: Millis?
    /// When the model was created.
    public var createdAt: Millis
    /// When the model was last changed (a migration or revert also sets it).
    public var updatedAt: Millis

    /// Creates an enabled, non-default, unclassified model without capabilities, deprecation or migration;
    /// `updatedAt` starts at `createdAt`.
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
    /// The space's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that owns it.
    public var tenantId: String
    /// The space's display name.
    public var name: String
    /// The id of the space's security `Classification`, or nil when unclassified (then any accessible model is
    /// accepted).
    public var securityClassificationId: String?
    /// Enabled models, in the order they were enabled.
    public var modelIds: [String]
    /// When the space was created.
    public var createdAt: Millis
    /// Creates a space; `modelIds` lists the models enabled in it, in the order they were enabled.
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
    // The two one-byte fields come last: the struct is 144 bytes instead of 152, and a big store
    // keeps a million of them.
    /// The item's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that owns it.
    public var tenantId: String
    /// The id of the space it lives in.
    public var spaceId: String
    /// The item's display name.
    public var name: String
    /// The id of the completion model it uses; a migration repoints it to the target.
    public var completionModelId: String
    /// Model call parameters (such as `temperature`), `{}` by default; a migration resets an assistant's to `{}`.
    public var kwargs: JSONObject
    /// The transcription model an app uses for speech, or nil (apps only); a migration of that
    /// model repoints it to the target.
    public var transcriptionModelId: String?
    /// The `userId` of the actor that created it.
    public var createdBy: String
    /// When the item was created.
    public var createdAt: Millis
    /// When the item was last changed (a migration or revert also sets it); a revert skips items changed since
    /// the migration moved them.
    public var updatedAt: Millis
    /// Whether it is an assistant, an app or a service.
    public var kind: ConfigKind
    /// Whether no lifecycle policy may move it (it is listed as kept by the policy's plans).
    public var lifecyclePinned = false
    /// Creates an assistant, app or service; `updatedAt` starts at `createdAt`.
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
    /// The template's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that owns it.
    public var tenantId: String
    /// What the template makes.
    public var kind: TemplateKind
    /// The template's display name.
    public var name: String
    /// The id of the completion model it uses, or nil once that model was hard-deleted without a
    /// `migratedToModelId` to repoint the template to.
    public var completionModelId: String?
    /// Model call parameters (such as `temperature`) for what it makes, `{}` by default.
    public var kwargs: JSONObject
    /// When the template was soft-deleted, or nil while it is active; a deleted template never holds its model.
    public var deletedAt: Millis?
    /// When the template was created.
    public var createdAt: Millis
    /// When the template was last changed (a migration, revert or cleanup repointing also sets it).
    public var updatedAt: Millis
    /// Creates an active template; `updatedAt` starts at `createdAt`.
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

/// A collection (knowledge base) in a space: documents embedded with one embedding model. Its
/// vectors are only valid for that model, so an embedding model is retired, never swapped.
public struct KnowledgeCollection: Sendable, Equatable {
    /// The collection's id (a lowercase UUID).
    public var id: String
    /// The id of the tenant that owns it.
    public var tenantId: String
    /// The space it lives in.
    public var spaceId: String
    /// Its display name.
    public var name: String
    /// The embedding model its vectors were made with.
    public var embeddingModelId: String
    /// When it was created.
    public var createdAt: Millis
    /// When it was last changed.
    public var updatedAt: Millis
    /// A new collection; `updatedAt` starts at `createdAt`.
    public init(
        id: String, tenantId: String, spaceId: String, name: String, embeddingModelId: String, createdAt: Millis
    ) {
        self.id = id
        self.tenantId = tenantId
        self.spaceId = spaceId
        self.name = name
        self.embeddingModelId = embeddingModelId
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}
