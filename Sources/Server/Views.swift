import JSONRPC
import Domain

/// How each entity is shown on the wire (contract §4). Each view is one `ObjectShape`: the JSON
/// sent and the schema published come from the same member list.
enum Views {
    static func time(_ t: Millis) -> JSONValue { .string(Formats.formatTimestamp(t)) }
    static func time(_ t: Millis?) -> JSONValue { t.map { .string(Formats.formatTimestamp($0)) } ?? .null }

    /// The lifecycle facts of a model under a process's catalog and calendar.
    struct Lifecycle {
        var entry: CatalogEntry?
        var isDeprecated: Bool
        var status: ModelStatus
        var canAccess: Bool
    }

    static func lifecycle(_ m: Model, _ state: PlatformState, _ platform: Platform) -> Lifecycle {
        let entry = platform.catalogEntry(for: m, in: state)
        let day = entry?.deprecationDay
        return Lifecycle(
            entry: entry,
            isDeprecated: LifecycleRules.isDeprecated(
                manual: m.manualDeprecated, deprecationDay: day, calendar: platform.calendar),
            status: LifecycleRules.status(of: m, deprecationDay: day, calendar: platform.calendar),
            canAccess: LifecycleRules.canAccess(m, deprecationDay: day, calendar: platform.calendar))
    }
}

/// Published shapes of the entities (each the schema of its view).
enum EntitySchemas {
    static let tenant = TenantView.schema
    static let classification = ClassificationView.schema
    static let provider = ProviderView.schema
    static let model = ModelView.schema
    static let space = SpaceView.schema
    static let config = ConfigView.schema
    static let template = TemplateView.schema
}

private let nullableString = Schema.nullable(.string())
private let nullableInt = Schema.nullable(.integer())

/// A tenant as sent.
struct TenantView: ShapedResult {
    var tenant: Tenant
    init(_ tenant: Tenant) { self.tenant = tenant }
    static let shape = ObjectShape<Self>(
        "Tenant",
        [
            .member("id", .uuid) { .string($0.tenant.id) },
            .member("name", .string()) { .string($0.tenant.name) },
            .member("securityEnabled", .boolean) { .bool($0.tenant.securityEnabled) },
            .member("createdAt", .timestamp) { Views.time($0.tenant.createdAt) },
        ])
}

/// A security classification as sent.
struct ClassificationView: ShapedResult {
    var classification: Classification
    init(_ classification: Classification) { self.classification = classification }
    static let shape = ObjectShape<Self>(
        "Classification",
        [
            .member("id", .uuid) { .string($0.classification.id) },
            .member("tenantId", .uuid) { .string($0.classification.tenantId) },
            .member("name", .string()) { .string($0.classification.name) },
            .member("level", .integer()) { .int($0.classification.level) },
        ])
}

/// A provider as sent.
struct ProviderView: ShapedResult {
    var provider: Provider
    init(_ provider: Provider) { self.provider = provider }
    static let shape = ObjectShape<Self>(
        "Provider",
        [
            .member("id", .uuid) { .string($0.provider.id) },
            .member("tenantId", .uuid) { .string($0.provider.tenantId) },
            .member("name", .string()) { .string($0.provider.name) },
            .member("providerType", .string()) { .string($0.provider.providerType) },
        ])
}

/// A space as sent.
struct SpaceView: ShapedResult {
    var space: Space
    init(_ space: Space) { self.space = space }
    static let shape = ObjectShape<Self>(
        "Space",
        [
            .member("id", .uuid) { .string($0.space.id) },
            .member("tenantId", .uuid) { .string($0.space.tenantId) },
            .member("name", .string()) { .string($0.space.name) },
            .member("securityClassificationId", .nullable(.uuid)) {
                .optionalString($0.space.securityClassificationId)
            },
            .member("modelIds", .array(.uuid)) { .array($0.space.modelIds.map { .string($0) }) },
            .member("createdAt", .timestamp) { Views.time($0.space.createdAt) },
        ])
}

/// An active configuration (assistant, app, service) as sent.
struct ConfigView: ShapedResult {
    var config: ConfigItem
    init(_ config: ConfigItem) { self.config = config }
    static let shape = ObjectShape<Self>(
        "Configuration",
        [
            .member("id", .uuid) { .string($0.config.id) },
            .member("tenantId", .uuid) { .string($0.config.tenantId) },
            .member("spaceId", .uuid) { .string($0.config.spaceId) },
            .member("name", .string()) { .string($0.config.name) },
            .member("completionModelId", .uuid) { .string($0.config.completionModelId) },
            .member("kwargs", .anyObject) { .object($0.config.kwargs) },
            .member("transcriptionModelId", .nullable(.uuid), "An app's transcription model (null otherwise).") {
                .optionalString($0.config.transcriptionModelId)
            },
            .member("lifecyclePinned", .boolean, "Whether no lifecycle policy may move it.") {
                .bool($0.config.lifecyclePinned)
            },
            .member("createdBy", .string()) { .string($0.config.createdBy) },
            .member("createdAt", .timestamp) { Views.time($0.config.createdAt) },
            .member("updatedAt", .timestamp) { Views.time($0.config.updatedAt) },
        ])
}

/// A collection (knowledge base) as sent.
struct CollectionView: ShapedResult {
    var collection: KnowledgeCollection
    init(_ collection: KnowledgeCollection) { self.collection = collection }
    static let shape = ObjectShape<Self>(
        "Collection",
        [
            .member("id", .uuid) { .string($0.collection.id) },
            .member("tenantId", .uuid) { .string($0.collection.tenantId) },
            .member("spaceId", .uuid) { .string($0.collection.spaceId) },
            .member("name", .string()) { .string($0.collection.name) },
            .member("embeddingModelId", .uuid) { .string($0.collection.embeddingModelId) },
            .member("createdAt", .timestamp) { Views.time($0.collection.createdAt) },
            .member("updatedAt", .timestamp) { Views.time($0.collection.updatedAt) },
        ])
}

/// A template as sent.
struct TemplateView: ShapedResult {
    var template: Template
    init(_ template: Template) { self.template = template }
    static let shape = ObjectShape<Self>(
        "Template",
        [
            .member("id", .uuid) { .string($0.template.id) },
            .member("tenantId", .uuid) { .string($0.template.tenantId) },
            .member("kind", .enumeration(TemplateKind.allCases.map(\.rawValue))) {
                .string($0.template.kind.rawValue)
            },
            .member("name", .string()) { .string($0.template.name) },
            .member("completionModelId", .nullable(.uuid)) { .optionalString($0.template.completionModelId) },
            .member("kwargs", .anyObject) { .object($0.template.kwargs) },
            .member("deletedAt", .nullable(.timestamp)) { Views.time($0.template.deletedAt) },
            .member("createdAt", .timestamp) { Views.time($0.template.createdAt) },
            .member("updatedAt", .timestamp) { Views.time($0.template.updatedAt) },
        ])
}

/// A model as sent: the model with its provider's type, its classification and its lifecycle
/// under this process's catalog and calendar. Read paths send views cached serialized
/// (`ModelViewCache`).
struct ModelView: MethodResult {
    var json: JSONValue
    static var schema: Schema { shape.schema }

    /// A view already rendered (a cached one).
    init(serialized: SerializedJSON) { json = .serialized(serialized) }
    /// The view of `model` in `state`, rendered now.
    init(_ model: Model, _ state: PlatformState, _ platform: Platform) { json = Self.render(model, state, platform) }
    /// The view of a model of `state`, from the platform's cache when it has it.
    init(cached model: Model, _ state: PlatformState, _ platform: Platform) {
        json = platform.modelViews.view(model, state, platform)
    }

    static func render(_ m: Model, _ state: PlatformState, _ platform: Platform) -> JSONValue {
        shape.encode(
            Subject(
                model: m, life: Views.lifecycle(m, state, platform),
                providerType: state.provider(m.providerId)?.providerType,
                classification: m.securityClassificationId.flatMap { state.classification($0) },
                lifecycle: platform.lifecycle(for: m, in: state)))
    }

    /// What the view reads.
    struct Subject {
        var model: Model
        var life: Views.Lifecycle
        var providerType: String?
        var classification: Classification?
        var lifecycle: NormalizedLifecycle
    }

    static let shape = ObjectShape<Subject>(
        "Model",
        [
            .member("id", .uuid) { .string($0.model.id) },
            .member("tenantId", .uuid) { .string($0.model.tenantId) },
            .member("kind", .enumeration(ModelKind.allCases.map(\.rawValue))) { .string($0.model.kind.rawValue) },
            .member("name", .string()) { .string($0.model.name) },
            .member("nickname", nullableString) { .optionalString($0.model.nickname) },
            .member("providerId", .uuid) { .string($0.model.providerId) },
            .member("providerType", nullableString) { .optionalString($0.providerType) },
            .member("family", nullableString) { .optionalString($0.model.family) },
            .member("maxInputTokens", nullableInt) { .optionalInt($0.model.maxInputTokens) },
            .member("maxOutputTokens", nullableInt) { .optionalInt($0.model.maxOutputTokens) },
            .member("vision", .boolean) { .bool($0.model.vision) },
            .member("reasoning", .boolean) { .bool($0.model.reasoning) },
            .member("toolCalling", .boolean) { .bool($0.model.toolCalling) },
            .member("hosting", nullableString) { .optionalString($0.model.hosting) },
            .member("openSource", .boolean) { .bool($0.model.openSource) },
            .member(
                "securityClassification",
                .nullable(
                    .object([.required("id", .uuid), .required("name", .string()), .required("level", .integer())]))
            ) { s in
                guard let c = s.classification else { return .null }
                return ["id": .string(c.id), "name": .string(c.name), "level": .int(c.level)]
            },
            .member("isEnabled", .boolean) { .bool($0.model.isEnabled) },
            .member("isDefault", .boolean) { .bool($0.model.isDefault) },
            .member("isDeprecated", .boolean, "Effective: manual flag or catalog date on or before today.") {
                .bool($0.life.isDeprecated)
            },
            .member("deprecationDate", .nullable(.date)) { .optionalString($0.life.entry?.deprecationDate) },
            .member("deprecationSource", nullableString) { .optionalString($0.life.entry?.deprecationSource) },
            .member("successorModel", nullableString) { .optionalString($0.life.entry?.successorModel) },
            .member("status", .enumeration(ModelStatus.allCases.map(\.rawValue))) {
                .string($0.life.status.rawValue)
            },
            .member("canAccess", .boolean) { .bool($0.life.canAccess) },
            .member(
                "lifecycle", LifecycleView.schema,
                "One lifecycle from every source: the operator's flag, the providers' exports, LiteLLM's map."
            ) { LifecycleView.json($0.lifecycle) },
            .member("migratedToModelId", .nullable(.uuid)) { .optionalString($0.model.migratedToModelId) },
            .member("deletedAt", .nullable(.timestamp)) { Views.time($0.model.deletedAt) },
            .member("createdAt", .timestamp) { Views.time($0.model.createdAt) },
            .member("updatedAt", .timestamp) { Views.time($0.model.updatedAt) },
        ])
}
