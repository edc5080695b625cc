import JSONRPC
import Domain

/// `usage/*`: live counts from the reference indexes, never a stored aggregate.
enum UsageMethods {
    static let entityTypes = ["assistants", "apps", "services", "assistantTemplates", "appTemplates", "spaces"]

    static let statsSchema = Schema.named(
        "UsageStats",
        .object([
            .required("assistants", .integer()), .required("apps", .integer()), .required("services", .integer()),
            .required("assistantTemplates", .integer()), .required("appTemplates", .integer()),
            .required("spaces", .integer()),
            .required("questions", .integer()), .required("totalUsage", .integer(), "assistants + apps + services"),
        ]))

    static func stats(_ u: ModelReferences) -> JSONObject {
        [
            "assistants": .int(u.assistants), "apps": .int(u.apps), "services": .int(u.services),
            "assistantTemplates": .int(u.assistantTemplates), "appTemplates": .int(u.appTemplates),
            "spaces": .int(u.spaces),
            "questions": .int(u.questions), "totalUsage": .int(u.assistants + u.apps + u.services),
        ]
    }

    /// One `usage/details` row.
    struct Row {
        var entityType: String, entityId: String, name: String, spaceId: String?, spaceName: String?,
            createdBy: String?, createdAt: Millis
        var json: JSONValue {
            [
                "entityType": .string(entityType), "entityId": .string(entityId), "name": .string(name),
                "spaceId": .optionalString(spaceId),
                "spaceName": .optionalString(spaceName), "createdBy": .optionalString(createdBy),
                "createdAt": Views.time(createdAt),
            ]
        }
    }

    /// What uses a model, for the given entity types (templates: not deleted).
    static func rows(of modelId: String, types: [String], in state: PlatformState) -> [Row] {
        var out: [Row] = []
        for id in state.configurationIDs(using: modelId) {
            guard let c = state.configs[id], types.contains(c.kind.entityType) else { continue }
            out.append(
                Row(
                    entityType: c.kind.entityType, entityId: c.id, name: c.name, spaceId: c.spaceId,
                    spaceName: state.spaces[c.spaceId]?.name, createdBy: c.createdBy, createdAt: c.createdAt))
        }
        for id in state.templateIDs(using: modelId) {
            guard let t = state.templates[id], t.deletedAt == nil, types.contains(t.kind.entityType) else { continue }
            out.append(
                Row(
                    entityType: t.kind.entityType, entityId: t.id, name: t.name, spaceId: nil, spaceName: nil,
                    createdBy: nil, createdAt: t.createdAt))
        }
        if types.contains("spaces") {
            for id in state.spaceIDs(enabling: modelId) {
                guard let s = state.spaces[id] else { continue }
                out.append(
                    Row(
                        entityType: "spaces", entityId: s.id, name: s.name, spaceId: s.id, spaceName: s.name,
                        createdBy: nil, createdAt: s.createdAt))
            }
        }
        return out
    }

    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "usage/stats", .admin, summary: "Live counts of what uses a model (templates: not deleted).",
                params: [.required("modelId", .uuid)], result: statsSchema
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let m = try state.model(try call.params.string("modelId"), in: call.tenantId, includeDeleted: true)
                return .object(stats(ModelReferences.of(m.id, in: state)))
            },
            DomainMethod(
                "usage/details", .admin,
                summary: "What uses a model, one row per entity, oldest first; total counts every matching row.",
                params: [
                    .required("modelId", .uuid), .optional("entityType", .enumeration(entityTypes)),
                    Pagination.limitField, Pagination.cursorField,
                ],
                result: Pagination.listSchema(
                    .named(
                        "UsageRow",
                        .object([
                            .required("entityType", .enumeration(entityTypes)), .required("entityId", .uuid),
                            .required("name", .string()),
                            .required("spaceId", .nullable(.uuid)), .required("spaceName", .nullable(.string())),
                            .required("createdBy", .nullable(.string())), .required("createdAt", .timestamp),
                        ])))
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let m = try state.model(try call.params.string("modelId"), in: call.tenantId, includeDeleted: true)
                let types = call.params.optionalString("entityType").map { [$0] } ?? entityTypes
                return try Pagination.page(
                    rows(of: m.id, types: types, in: state), key: { .init($0.createdAt, $0.entityId) },
                    params: call.params
                ) { $0.json }
            },
            DomainMethod(
                "usage/summary", .admin,
                summary: "Live usage of every model of the tenant (soft-deleted ones left out), by name.",
                result: .object([
                    .required(
                        "models",
                        .array(
                            .object([
                                .required("modelId", .uuid), .required("name", .string()),
                                .required("status", .string()),
                                .required("usage", statsSchema),
                            ]))), .required("totals", statsSchema),
                ])
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                var totals = ModelReferences()
                var rows: [(String, JSONValue)] = []
                for id in state.modelIDs(ofTenant: call.tenantId) {
                    guard let m = state.models[id], m.deletedAt == nil else { continue }
                    let u = ModelReferences.of(m.id, in: state)
                    totals.assistants += u.assistants
                    totals.apps += u.apps
                    totals.services += u.services
                    totals.assistantTemplates += u.assistantTemplates
                    totals.appTemplates += u.appTemplates
                    totals.spaces += u.spaces
                    totals.questions += u.questions
                    rows.append(
                        (
                            m.name + "\u{0}" + m.id,
                            [
                                "modelId": .string(m.id), "name": .string(m.name),
                                "status": .string(Views.lifecycle(m, state, call.platform).status.rawValue),
                                "usage": .object(stats(u)),
                            ]
                        ))
                }
                return ["models": .array(rows.sorted { $0.0 < $1.0 }.map(\.1)), "totals": .object(stats(totals))]
            },
        ]
    }
}
