import JSONRPC
import Domain

/// Audit entries: written in the same transaction as what they record; `audit/list` reads them.
enum AuditLog {
    /// The actions an audit entry records.
    static let actions = [
        "model.created", "model.updated", "model.deleted", "model.hard_deleted", "model.migrated", "migration.reverted",
        "migration.executed", "policy.updated",
    ]

    /// The change that records `action` on `model` by the call's actor, now.
    static func entry(
        _ call: Call, actor: Initiator? = nil, action: String, model: Model, description: String,
        changes: JSONObject = [:]
    ) -> Change {
        .putAudit(
            AuditEntry(
                id: call.platform.newID(), at: call.platform.now, action: action, tenantId: model.tenantId,
                actor: actor ?? Initiator(userId: call.actor.userId, name: call.actor.name), entityType: "model",
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
}
