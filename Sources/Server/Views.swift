import JSONRPC
import Domain

/// How each entity is shown on the wire (contract §4), and the schemas published for them.
enum Views {
    static func time(_ t: Millis) -> JSONValue { .string(Formats.formatTimestamp(t)) }
    static func time(_ t: Millis?) -> JSONValue { t.map { .string(Formats.formatTimestamp($0)) } ?? .null }

    static func tenant(_ t: Tenant) -> JSONValue {
        [
            "id": .string(t.id), "name": .string(t.name), "securityEnabled": .bool(t.securityEnabled),
            "createdAt": time(t.createdAt),
        ]
    }

    static func classification(_ c: Classification) -> JSONValue {
        ["id": .string(c.id), "tenantId": .string(c.tenantId), "name": .string(c.name), "level": .int(c.level)]
    }

    static func provider(_ p: Provider) -> JSONValue {
        [
            "id": .string(p.id), "tenantId": .string(p.tenantId), "name": .string(p.name),
            "providerType": .string(p.providerType),
        ]
    }

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

    static func model(_ m: Model, _ state: PlatformState, _ platform: Platform) -> JSONValue {
        let life = lifecycle(m, state, platform)
        var o = JSONObject()
        o.append("id", .string(m.id))
        o.append("tenantId", .string(m.tenantId))
        o.append("kind", .string(m.kind.rawValue))
        o.append("name", .string(m.name))
        o.append("nickname", .optionalString(m.nickname))
        o.append("providerId", .string(m.providerId))
        o.append("providerType", .optionalString(state.providers[m.providerId]?.providerType))
        o.append("family", .optionalString(m.family))
        o.append("maxInputTokens", .optionalInt(m.maxInputTokens))
        o.append("maxOutputTokens", .optionalInt(m.maxOutputTokens))
        o.append("vision", .bool(m.vision))
        o.append("reasoning", .bool(m.reasoning))
        o.append("toolCalling", .bool(m.toolCalling))
        o.append("hosting", .optionalString(m.hosting))
        o.append("openSource", .bool(m.openSource))
        if let cid = m.securityClassificationId, let c = state.classifications[cid] {
            o.append("securityClassification", ["id": .string(c.id), "name": .string(c.name), "level": .int(c.level)])
        } else {
            o.append("securityClassification", .null)
        }
        o.append("isEnabled", .bool(m.isEnabled))
        o.append("isDefault", .bool(m.isDefault))
        o.append("isDeprecated", .bool(life.isDeprecated))
        o.append("deprecationDate", .optionalString(life.entry?.deprecationDate))
        o.append("deprecationSource", .optionalString(life.entry?.deprecationSource))
        o.append("successorModel", .optionalString(life.entry?.successorModel))
        o.append("status", .string(life.status.rawValue))
        o.append("canAccess", .bool(life.canAccess))
        o.append("migratedToModelId", .optionalString(m.migratedToModelId))
        o.append("deletedAt", time(m.deletedAt))
        o.append("createdAt", time(m.createdAt))
        o.append("updatedAt", time(m.updatedAt))
        return .object(o)
    }

    static func space(_ s: Space) -> JSONValue {
        [
            "id": .string(s.id), "tenantId": .string(s.tenantId), "name": .string(s.name),
            "securityClassificationId": .optionalString(s.securityClassificationId),
            "modelIds": .array(s.modelIds.map { .string($0) }),
            "createdAt": time(s.createdAt),
        ]
    }

    static func config(_ c: ConfigItem) -> JSONValue {
        [
            "id": .string(c.id), "tenantId": .string(c.tenantId), "spaceId": .string(c.spaceId),
            "name": .string(c.name),
            "completionModelId": .string(c.completionModelId), "kwargs": .object(c.kwargs),
            "createdBy": .string(c.createdBy),
            "createdAt": time(c.createdAt), "updatedAt": time(c.updatedAt),
        ]
    }

    static func template(_ t: Template) -> JSONValue {
        [
            "id": .string(t.id), "tenantId": .string(t.tenantId), "kind": .string(t.kind.rawValue),
            "name": .string(t.name),
            "completionModelId": .optionalString(t.completionModelId), "kwargs": .object(t.kwargs),
            "deletedAt": time(t.deletedAt),
            "createdAt": time(t.createdAt), "updatedAt": time(t.updatedAt),
        ]
    }
}

/// Published shapes of the entities.
enum EntitySchemas {
    static let nullableString = Schema.nullable(.string())
    static let nullableInt = Schema.nullable(.integer())
    static let tenant = Schema.named(
        "Tenant",
        .object([
            .required("id", .uuid), .required("name", .string()), .required("securityEnabled", .boolean),
            .required("createdAt", .timestamp),
        ]))
    static let classification = Schema.named(
        "Classification",
        .object([
            .required("id", .uuid), .required("tenantId", .uuid), .required("name", .string()),
            .required("level", .integer()),
        ]))
    static let provider = Schema.named(
        "Provider",
        .object([
            .required("id", .uuid), .required("tenantId", .uuid), .required("name", .string()),
            .required("providerType", .string()),
        ]))
    static let model = Schema.named(
        "Model",
        .object([
            .required("id", .uuid), .required("tenantId", .uuid),
            .required("kind", .enumeration(ModelKind.allCases.map(\.rawValue))),
            .required("name", .string()), .required("nickname", nullableString), .required("providerId", .uuid),
            .required("providerType", nullableString), .required("family", nullableString),
            .required("maxInputTokens", nullableInt), .required("maxOutputTokens", nullableInt),
            .required("vision", .boolean), .required("reasoning", .boolean), .required("toolCalling", .boolean),
            .required("hosting", nullableString), .required("openSource", .boolean),
            .required(
                "securityClassification",
                .nullable(
                    .object([.required("id", .uuid), .required("name", .string()), .required("level", .integer())]))),
            .required("isEnabled", .boolean), .required("isDefault", .boolean),
            .required("isDeprecated", .boolean, "Effective: manual flag or catalog date on or before today."),
            .required("deprecationDate", .nullable(.date)), .required("deprecationSource", nullableString),
            .required("successorModel", nullableString),
            .required("status", .enumeration(ModelStatus.allCases.map(\.rawValue))), .required("canAccess", .boolean),
            .required("migratedToModelId", .nullable(.uuid)), .required("deletedAt", .nullable(.timestamp)),
            .required("createdAt", .timestamp), .required("updatedAt", .timestamp),
        ]))
    static let space = Schema.named(
        "Space",
        .object([
            .required("id", .uuid), .required("tenantId", .uuid), .required("name", .string()),
            .required("securityClassificationId", .nullable(.uuid)), .required("modelIds", .array(.uuid)),
            .required("createdAt", .timestamp),
        ]))
    static let config = Schema.named(
        "Configuration",
        .object([
            .required("id", .uuid), .required("tenantId", .uuid), .required("spaceId", .uuid),
            .required("name", .string()),
            .required("completionModelId", .uuid), .required("kwargs", .anyObject), .required("createdBy", .string()),
            .required("createdAt", .timestamp), .required("updatedAt", .timestamp),
        ]))
    static let template = Schema.named(
        "Template",
        .object([
            .required("id", .uuid), .required("tenantId", .uuid),
            .required("kind", .enumeration(TemplateKind.allCases.map(\.rawValue))),
            .required("name", .string()), .required("completionModelId", .nullable(.uuid)),
            .required("kwargs", .anyObject),
            .required("deletedAt", .nullable(.timestamp)), .required("createdAt", .timestamp),
            .required("updatedAt", .timestamp),
        ]))
}
