import JSONRPC
import Domain

/// Audit entries: written in the same transaction as what they record; `audit/list` reads them.
enum AuditLog {
    static func entry(
        _ call: Call, action: String, model: Model, description: String, changes: JSONObject = [:]
    ) -> Change {
        .putAudit(
            AuditEntry(
                id: call.platform.newID(), at: call.platform.now, action: action, tenantId: model.tenantId,
                actor: Initiator(userId: call.actor.userId, name: call.actor.name), entityType: "model",
                entityId: model.id, description: description, changes: changes))
    }

    /// `{field: {from, to}}` for the fields that differ, named and written as clients send and read
    /// them (`isDeprecated` for the manual flag, timestamps as text), not as the journal keeps them.
    static func diff(_ a: Model, _ b: Model) -> JSONObject {
        var o = JSONObject()
        let ra = auditedFields(a)
        let rb = auditedFields(b)
        for k in Set(ra.keys + rb.keys).sorted() where ra[k] != rb[k] {
            o.append(k, ["from": ra[k] ?? .null, "to": rb[k] ?? .null])
        }
        return o
    }

    /// A model's fields as an audit entry shows them: the names of `models/update`'s params and
    /// of the model view.
    static func auditedFields(_ m: Model) -> JSONObject {
        [
            "name": .string(m.name), "nickname": .optionalString(m.nickname), "family": .optionalString(m.family),
            "maxInputTokens": .optionalInt(m.maxInputTokens), "maxOutputTokens": .optionalInt(m.maxOutputTokens),
            "vision": .bool(m.vision), "reasoning": .bool(m.reasoning), "toolCalling": .bool(m.toolCalling),
            "hosting": .optionalString(m.hosting), "openSource": .bool(m.openSource),
            "securityClassificationId": .optionalString(m.securityClassificationId),
            "isEnabled": .bool(m.isEnabled), "isDefault": .bool(m.isDefault), "isDeprecated": .bool(m.manualDeprecated),
            "migratedToModelId": .optionalString(m.migratedToModelId), "migratedAt": Views.time(m.migratedAt),
            "deletedAt": Views.time(m.deletedAt),
        ]
    }

    static let actions = [
        "model.created", "model.updated", "model.deleted", "model.hard_deleted", "model.migrated", "migration.reverted",
    ]

    static func view(_ e: AuditEntry) -> JSONValue {
        [
            "id": .string(e.id), "at": Views.time(e.at), "action": .string(e.action), "tenantId": .string(e.tenantId),
            "actor": e.actor.json, "entityType": .string(e.entityType), "entityId": .string(e.entityId),
            "description": .string(e.description), "changes": .object(e.changes),
        ]
    }

    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "audit/list", .admin, summary: "The tenant's audit entries, newest first.",
                params: [
                    .optional("action", .enumeration(actions)), .optional("entityId", .uuid), Pagination.limitField,
                    Pagination.cursorField,
                ],
                result: Pagination.listSchema(
                    .named(
                        "AuditEntry",
                        .object([
                            .required("id", .uuid), .required("at", .timestamp),
                            .required("action", .enumeration(actions)),
                            .required("tenantId", .uuid),
                            .required(
                                "actor",
                                .object([.required("userId", .string()), .required("name", .nullable(.string()))])),
                            .required("entityType", .string()), .required("entityId", .uuid),
                            .required("description", .string()),
                            .required("changes", .anyObject),
                        ])))
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let action = call.params.optionalString("action")
                let entity = call.params.optionalString("entityId")
                // Newest first in commit order (entries of one millisecond keep their order).
                let items = state.auditIDs(ofTenant: call.tenantId).enumerated().compactMap { (i, id) in
                    state.audit[id].map { (i, $0) }
                }
                .filter { (action == nil || $0.1.action == action) && (entity == nil || $0.1.entityId == entity) }
                return try Pagination.page(
                    items, key: { .init(Millis($0.0), $0.1.id) }, params: call.params, descending: true,
                    render: { view($0.1) })
            }
        ]
    }
}
