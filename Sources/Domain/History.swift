import JSONRPC

/// Who started something, as snapshotted in history and audit.
public struct Initiator: Sendable, Equatable {
    /// The actor's `userId` (`system` for a scheduled cleanup, `cli` for the `cleanup` command).
    public var userId: String
    /// The actor's display name, or nil when the actor has none.
    public var name: String?
    /// The lifecycle policy plan that ran it, when a policy (not a person) started it.
    public var planId: String?
    /// Snapshots an actor.
    public init(userId: String, name: String?) {
        self.userId = userId
        self.name = name
    }
    /// A tenant's lifecycle policy, running plan `planId` by itself, or on the approval of the
    /// admin `approvedBy` (then named).
    public static func policy(planId: String, approvedBy userId: String? = nil, name: String? = nil) -> Initiator {
        var i =
            userId.map { Initiator(userId: $0, name: name) } ?? Initiator(userId: "policy", name: "lifecycle policy")
        i.planId = planId
        return i
    }
    /// The `{userId, name, kind, planId}` object that history and audit entries show (`name` is
    /// `null` when absent; `kind` is `user` or `policy`, `planId` the policy's plan or null).
    public var json: JSONValue {
        [
            "userId": .string(userId), "name": .optionalString(name),
            "kind": .string(planId == nil ? "user" : "policy"),
            "planId": .optionalString(planId),
        ]
    }
    init(json o: JSONObject) {
        userId = o["userId"]?.stringValue ?? ""
        name = o["name"]?.stringValue
        planId = o["planId"]?.stringValue
    }
}

/// One entity a migration moved, with what a revert needs.
public struct MovedEntity: Sendable, Equatable {
    /// Migration entity type (`assistants`, `apps`, `services`, `assistantTemplates`, `appTemplates`).
    public var entityType: String
    /// The id of the moved assistant, app, service or template.
    public var entityId: String
    /// The kwargs before the move (assistants: reset to `{}` by the move).
    public var oldKwargs: JSONObject?
    /// `updatedAt` the move gave it: a revert skips entities changed since.
    public var movedAt: Millis
    /// Records one moved entity.
    public init(entityType: String, entityId: String, oldKwargs: JSONObject?, movedAt: Millis) {
        self.entityType = entityType
        self.entityId = entityId
        self.oldKwargs = oldKwargs
        self.movedAt = movedAt
    }
}

/// A history entry: a migration attempt or a revert. Names and provider types are snapshots that
/// stay readable after the models are hard-deleted (their ids then become null).
public struct MigrationEntry: Sendable, Equatable {
    /// Whether the entry records a migration attempt or a revert of a completed migration.
    public enum Kind: String, Sendable { case migration, revert }
    /// `completed`; `failed` (refused, nothing moved); or `reverted` (completed, then undone by a revert entry).
    public enum Status: String, Sendable { case completed, failed, reverted }

    /// The entry's id, the `migrationId` of the wire (a lowercase UUID).
    public var id: String
    /// The id of the tenant it happened in.
    public var tenantId: String
    /// Whether it is a migration attempt or a revert.
    public var kind: Kind
    /// The outcome; a completed migration becomes `reverted` when a revert undoes it.
    public var status: Status
    /// The source model's id (for a revert: the original target), or nil once that model was hard-deleted.
    public var fromModelId: String?
    /// The source model's name when the entry was written; stays readable after a hard delete.
    public var fromModelName: String
    /// The source model's provider type when the entry was written, or nil when its provider was missing.
    public var fromProviderType: String?
    /// The target model's id (for a revert: the original source), or nil once that model was hard-deleted.
    public var toModelId: String?
    /// The target model's name when the entry was written; stays readable after a hard delete.
    public var toModelName: String
    /// The target model's provider type when the entry was written, or nil when its provider was missing.
    public var toProviderType: String?
    /// The entity types as the request named them (`MigrationEntityType` raw values; all six when it named none).
    /// A revert copies the migration's.
    public var entityTypes: [String]
    /// How many entities of the selected types the plan covered (for a revert: how many the migration moved).
    public var affectedCount: Int
    /// Per entity type, how many entities moved (`spaces`: source links removed); for a revert, how many went back.
    /// Empty for a failed attempt.
    public var moved: [String: Int]
    /// The codes of the issues the preflight found, in order (empty for a revert).
    public var issues: [String]
    /// Why the attempt was refused, or nil when it completed.
    public var errorMessage: String?
    /// Who started it.
    public var initiatedBy: Initiator
    /// When the request started.
    public var startedAt: Millis
    /// When the attempt finished or was refused (`durationMs` on the wire is this minus `startedAt`).
    public var completedAt: Millis
    /// Who reverted this migration, or nil while it is not reverted.
    public var revertedBy: Initiator?
    /// For a revert: the migration it undid. For a migration: the revert that undid it.
    public var relatedMigrationId: String?
    // Undo data (completed migrations).
    /// Every entity the migration moved, in move order, with what a revert needs to move it back.
    public var movedEntities: [MovedEntity] = []
    /// Ids of the spaces in which the migration newly enabled the target.
    public var linksAdded: [String] = []
    /// Ids of the spaces from which the migration removed the source's link (only with `spaces` selected).
    public var linksRemoved: [String] = []
    /// Whether the migration retired the source (set its `migratedToModelId`): nothing active was left on it.
    public var sourceRetired = false
    /// Whether the source was the default of its kind and the target took the flag.
    public var defaultMoved = false
    /// Whether the source was the default of its kind and no model took the flag (the tenant was
    /// left without one).
    public var defaultLost = false
    /// Blockers a sysadmin passed (`overrideBlockers`), with the reason given; empty otherwise.
    public var overriddenBlockers: [String] = []
    /// Why the blockers were passed.
    public var overrideReason: String?
    /// The last day (since the epoch) `migration/revert` accepts it (a policy's migration); nil: no limit.
    public var undoUntilDay: Int?

    /// Creates an entry without undo data, `revertedBy` or `relatedMigrationId`.
    public init(
        id: String, tenantId: String, kind: Kind, status: Status, fromModelId: String?, fromModelName: String,
        fromProviderType: String?, toModelId: String?, toModelName: String, toProviderType: String?,
        entityTypes: [String],
        affectedCount: Int, moved: [String: Int], issues: [String], errorMessage: String?, initiatedBy: Initiator,
        startedAt: Millis, completedAt: Millis
    ) {
        self.id = id
        self.tenantId = tenantId
        self.kind = kind
        self.status = status
        self.fromModelId = fromModelId
        self.fromModelName = fromModelName
        self.fromProviderType = fromProviderType
        self.toModelId = toModelId
        self.toModelName = toModelName
        self.toProviderType = toProviderType
        self.entityTypes = entityTypes
        self.affectedCount = affectedCount
        self.moved = moved
        self.issues = issues
        self.errorMessage = errorMessage
        self.initiatedBy = initiatedBy
        self.startedAt = startedAt
        self.completedAt = completedAt
    }

    /// How many entities moved in all: the sum of `moved`.
    public var movedCount: Int { moved.values.reduce(0, +) }

    /// The entry's journal form: wire names, timestamps as epoch milliseconds, and moved entities grouped by type
    /// and move time, old kwargs only where not empty.
    public var record: JSONObject {
        var o: JSONObject = [
            "id": .string(id), "tenantId": .string(tenantId), "kind": .string(kind.rawValue),
            "status": .string(status.rawValue),
        ]
        o.appendIfPresent("fromModelId", fromModelId)
        o.append("fromModelName", .string(fromModelName))
        o.appendIfPresent("fromProviderType", fromProviderType)
        o.appendIfPresent("toModelId", toModelId)
        o.append("toModelName", .string(toModelName))
        o.appendIfPresent("toProviderType", toProviderType)
        o.append("entityTypes", .array(entityTypes.map { .string($0) }))
        o.append("affectedCount", .int(affectedCount))
        o.append(
            "moved", .object(JSONObject(members: moved.keys.sorted().map { .init(key: $0, value: .int(moved[$0]!)) })))
        o.append("issues", .array(issues.map { .string($0) }))
        o.appendIfPresent("errorMessage", errorMessage)
        o.append("initiatedBy", initiatedBy.json)
        o.append("startedAt", .number(JSONNumber(Int(startedAt))))
        o.append("completedAt", .number(JSONNumber(Int(completedAt))))
        if let r = revertedBy { o.append("revertedBy", r.json) }
        o.appendIfPresent("relatedMigrationId", relatedMigrationId)
        if !movedEntities.isEmpty {
            // Compact: ids grouped by type and move time; old kwargs only where not empty.
            var groups: [(type: String, at: Millis, ids: [JSONValue])] = []
            var kwargs = JSONObject()
            for e in movedEntities {
                if let last = groups.last, last.type == e.entityType, last.at == e.movedAt {
                    groups[groups.count - 1].ids.append(.string(e.entityId))
                } else {
                    groups.append((e.entityType, e.movedAt, [.string(e.entityId)]))
                }
                if let k = e.oldKwargs, !k.isEmpty { kwargs.append(e.entityId, .object(k)) }
            }
            o.append(
                "moves",
                .array(
                    groups.map {
                        ["t": .string($0.type), "at": .number(JSONNumber(Int($0.at))), "ids": .array($0.ids)]
                    }))
            if !kwargs.isEmpty { o.append("oldKwargs", .object(kwargs)) }
        }
        if !linksAdded.isEmpty { o.append("linksAdded", .array(linksAdded.map { .string($0) })) }
        if !linksRemoved.isEmpty { o.append("linksRemoved", .array(linksRemoved.map { .string($0) })) }
        if sourceRetired { o.append("sourceRetired", true) }
        if defaultMoved { o.append("defaultMoved", true) }
        if defaultLost { o.append("defaultLost", true) }
        if !overriddenBlockers.isEmpty {
            o.append("overriddenBlockers", .array(overriddenBlockers.map { .string($0) }))
        }
        o.appendIfPresent("overrideReason", overrideReason)
        o.appendIfPresent("undoUntilDay", undoUntilDay)
        return o
    }

    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "migration")
        guard let kind = Kind(rawValue: try r.string("kind")), let status = Status(rawValue: try r.string("status"))
        else {
            throw DecodeError("migration kind/status invalid")
        }
        var moved: [String: Int] = [:]
        for m in r.objectValue("moved") { moved[m.key] = m.value.numberValue?.int64Value.map { Int($0) } ?? 0 }
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), kind: kind, status: status,
            fromModelId: r.optionalString("fromModelId"), fromModelName: try r.string("fromModelName"),
            fromProviderType: r.optionalString("fromProviderType"), toModelId: r.optionalString("toModelId"),
            toModelName: try r.string("toModelName"), toProviderType: r.optionalString("toProviderType"),
            entityTypes: r.strings("entityTypes"), affectedCount: try r.int("affectedCount"), moved: moved,
            issues: r.strings("issues"), errorMessage: r.optionalString("errorMessage"),
            initiatedBy: Initiator(json: r.objectValue("initiatedBy")), startedAt: try r.int64("startedAt"),
            completedAt: try r.int64("completedAt"))
        if let rb = o["revertedBy"]?.objectValue { revertedBy = Initiator(json: rb) }
        relatedMigrationId = r.optionalString("relatedMigrationId")
        undoUntilDay = r.optionalInt("undoUntilDay")
        if let moves = o["moves"]?.arrayValue {
            var kwargs: [String: JSONObject] = [:]
            for m in o["oldKwargs"]?.objectValue ?? [:] { kwargs[m.key] = m.value.objectValue }
            for g in moves {
                guard let t = g["t"]?.stringValue, let at = g["at"]?.numberValue?.int64Value else { continue }
                for id in g["ids"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    // Assistants' kwargs were reset: an absent entry means they were already empty.
                    movedEntities.append(
                        MovedEntity(
                            entityType: t, entityId: id, oldKwargs: t == "assistants" ? (kwargs[id] ?? [:]) : nil,
                            movedAt: at))
                }
            }
        } else {
            // The earlier form: one object per entity.
            movedEntities = (o["movedEntities"]?.arrayValue ?? []).compactMap { v in
                guard let e = v.objectValue, let t = e["t"]?.stringValue, let id = e["id"]?.stringValue,
                    let at = e["at"]?.numberValue?.int64Value
                else { return nil }
                return MovedEntity(entityType: t, entityId: id, oldKwargs: e["kw"]?.objectValue, movedAt: at)
            }
        }
        linksAdded = r.strings("linksAdded")
        linksRemoved = r.strings("linksRemoved")
        sourceRetired = r.bool("sourceRetired")
        defaultMoved = r.bool("defaultMoved")
        defaultLost = r.bool("defaultLost")
        overriddenBlockers = r.strings("overriddenBlockers")
        overrideReason = r.optionalString("overrideReason")
    }
}

/// An audit entry (contract §6).
public struct AuditEntry: Sendable, Equatable {
    /// The entry's id (a lowercase UUID).
    public var id: String
    /// When the audited change was made.
    public var at: Millis
    /// What happened: `model.created`, `model.updated`, `model.deleted`, `model.hard_deleted`, `model.migrated`
    /// or `migration.reverted`.
    public var action: String
    /// The id of the tenant of the audited entity.
    public var tenantId: String
    /// Who made the change (`system` for a scheduled cleanup, `cli` for the `cleanup` command).
    public var actor: Initiator
    /// The kind of the audited entity (`model` for every action so far).
    public var entityType: String
    /// The id of the audited entity (for `model.migrated` and `migration.reverted`: the source model).
    public var entityId: String
    /// A human-readable sentence describing the change.
    public var description: String
    /// The action's details; for `model.updated`, `{field: {from, to}}` for each field that changed.
    public var changes: JSONObject

    /// Creates an audit entry.
    public init(
        id: String, at: Millis, action: String, tenantId: String, actor: Initiator, entityType: String,
        entityId: String,
        description: String, changes: JSONObject
    ) {
        self.id = id
        self.at = at
        self.action = action
        self.tenantId = tenantId
        self.actor = actor
        self.entityType = entityType
        self.entityId = entityId
        self.description = description
        self.changes = changes
    }

    /// The entry's journal form: wire names, `at` as epoch milliseconds.
    public var record: JSONObject {
        [
            "id": .string(id), "at": .number(JSONNumber(Int(at))), "action": .string(action),
            "tenantId": .string(tenantId),
            "actor": actor.json, "entityType": .string(entityType), "entityId": .string(entityId),
            "description": .string(description), "changes": .object(changes),
        ]
    }

    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "audit")
        self.init(
            id: try r.string("id"), at: try r.int64("at"), action: try r.string("action"),
            tenantId: try r.string("tenantId"),
            actor: Initiator(json: r.objectValue("actor")), entityType: try r.string("entityType"),
            entityId: try r.string("entityId"), description: try r.string("description"),
            changes: r.objectValue("changes"))
    }
}

extension PlatformState {
    /// History entries of the tenant that name the model, with its id nulled (names stay): what a
    /// hard delete writes so history survives the model.
    public func historyDetaching(model id: String, tenant: String) -> [Change] {
        (migrationsByTenant[tenant] ?? []).compactMap { mid in
            guard var e = migrations[mid], e.fromModelId == id || e.toModelId == id else { return nil }
            if e.fromModelId == id { e.fromModelId = nil }
            if e.toModelId == id { e.toModelId = nil }
            return .putMigration(e)
        }
    }
}
