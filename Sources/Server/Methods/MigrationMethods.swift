import JSONRPC
import Domain

/// `migration/*` and `models/suggestReplacement` (admins of the tenant, sysadmins).
enum MigrationMethods {
    static let typeNames = MigrationEntityType.allCases.map(\.rawValue)
    static let entityTypesField = Field.optional(
        "entityTypes",
        .array(
            .string(
                .init(
                    allowed: typeNames,
                    refused: [
                        "questions": "questions are history and are never migrated"
                    ])), maxItems: 6),
        "What to move (default: all). questions is refused: questions are history.")

    static let issueSchema = Schema.named(
        "MigrationIssue",
        .object([
            .required("code", .string()), .required("severity", .enumeration(["blocker", "warning", "info"])),
            .required("message", .string()), .required("data", .nullable(.anyObject)),
        ]))

    static let impactSchema = Schema.object(
        MigrationEntityType.allCases.map { .required($0.rawValue, .integer(min: 0)) }
            + [.required("spacesGainingTarget", .integer(min: 0)), .required("questionsKept", .integer(min: 0))])

    static let historySchema = Schema.named(
        "MigrationHistoryEntry",
        .object([
            .required("migrationId", .uuid), .required("kind", .enumeration(["migration", "revert"])),
            .required("status", .enumeration(["completed", "failed", "reverted"])),
            .required("fromModelId", .nullable(.uuid)), .required("fromModelName", .string()),
            .required("fromProviderType", .nullable(.string())),
            .required("toModelId", .nullable(.uuid)), .required("toModelName", .string()),
            .required("toProviderType", .nullable(.string())),
            .required("entityTypes", .array(.string())), .required("affectedCount", .integer()),
            .required("movedCount", .integer()),
            .required("moved", .anyObject), .required("issues", .array(.string())),
            .required("errorMessage", .nullable(.string())),
            .required(
                "initiatedBy", .object([.required("userId", .string()), .required("name", .nullable(.string()))])),
            .required("startedAt", .timestamp), .required("completedAt", .timestamp),
            .required("durationMs", .integer()),
            .required(
                "revertedBy",
                .nullable(.object([.required("userId", .string()), .required("name", .nullable(.string()))]))),
            .required("revertsMigrationId", .nullable(.uuid)), .required("revertedByMigrationId", .nullable(.uuid)),
        ]))

    /// The lifecycle facts of a model for planning.
    static func facts(_ m: Model, _ state: PlatformState, _ platform: Platform) -> ModelFacts {
        let life = Views.lifecycle(m, state, platform)
        let retiring = LifecycleRules.isRetiring(
            deprecationDay: life.entry?.deprecationDay, calendar: platform.calendar)
        return ModelFacts(
            model: m, isDeprecated: life.isDeprecated, isRetiring: retiring,
            deprecationDate: life.entry?.deprecationDate,
            classificationLevel: m.securityClassificationId.flatMap { state.classifications[$0]?.level },
            providerType: state.providers[m.providerId]?.providerType)
    }

    /// Selected entity types (default all; an empty list is -32602).
    static func entityTypes(_ p: Params) throws(ServerError) -> [MigrationEntityType] {
        guard let list = p.value("entityTypes")?.arrayValue else { return MigrationEntityType.allCases }
        if list.isEmpty { throw .invalidParams("/entityTypes", "must name at least one entity type") }
        let chosen = Set(list.compactMap { $0.stringValue.flatMap(MigrationEntityType.init(rawValue:)) })
        return MigrationEntityType.allCases.filter { chosen.contains($0) }
    }

    static func plan(_ call: Call, _ state: PlatformState) throws(ServerError) -> MigrationPlan {
        let from = try state.model(try call.params.string("fromModelId"), in: call.tenantId)
        let to = try state.model(try call.params.string("toModelId"), in: call.tenantId)
        return MigrationPlanner.plan(
            state: state, source: facts(from, state, call.platform), target: facts(to, state, call.platform),
            entityTypes: try entityTypes(call.params))
    }

    static func history(_ e: MigrationEntry) -> JSONValue {
        var moved = JSONObject()
        for k in e.moved.keys.sorted() { moved.append(k, .int(e.moved[k]!)) }
        return [
            "migrationId": .string(e.id), "kind": .string(e.kind.rawValue), "status": .string(e.status.rawValue),
            "fromModelId": .optionalString(e.fromModelId), "fromModelName": .string(e.fromModelName),
            "fromProviderType": .optionalString(e.fromProviderType), "toModelId": .optionalString(e.toModelId),
            "toModelName": .string(e.toModelName), "toProviderType": .optionalString(e.toProviderType),
            "entityTypes": .array(e.entityTypes.map { .string($0) }), "affectedCount": .int(e.affectedCount),
            "movedCount": .int(e.movedCount), "moved": .object(moved), "issues": .array(e.issues.map { .string($0) }),
            "errorMessage": .optionalString(e.errorMessage), "initiatedBy": e.initiatedBy.json,
            "startedAt": Views.time(e.startedAt), "completedAt": Views.time(e.completedAt),
            "durationMs": .int(Int(e.completedAt - e.startedAt)), "revertedBy": e.revertedBy?.json ?? .null,
            "revertsMigrationId": e.kind == .revert ? .optionalString(e.relatedMigrationId) : .null,
            "revertedByMigrationId": e.kind == .migration ? .optionalString(e.relatedMigrationId) : .null,
        ]
    }

    static func entry(
        _ call: Call, _ plan: MigrationPlan, status: MigrationEntry.Status, error: String?, startedAt: Millis,
        requested: [String]
    ) -> MigrationEntry {
        MigrationEntry(
            id: call.platform.newID(), tenantId: call.tenantId, kind: .migration, status: status,
            fromModelId: plan.source.model.id, fromModelName: plan.source.model.name,
            fromProviderType: plan.source.providerType,
            toModelId: plan.target.model.id, toModelName: plan.target.model.name,
            toProviderType: plan.target.providerType,
            entityTypes: requested, affectedCount: plan.affectedCount, moved: [:], issues: plan.issues.map(\.code),
            errorMessage: error, initiatedBy: Initiator(userId: call.actor.userId, name: call.actor.name),
            startedAt: startedAt, completedAt: call.platform.now)
    }

    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "migration/validate", .admin,
                summary: "Preflight of a migration: issues (blockers first), impact and a plan hash. Changes nothing.",
                params: [.required("fromModelId", .uuid), .required("toModelId", .uuid), entityTypesField],
                result: .object([
                    .required("canMigrate", .boolean), .required("requiresConfirmation", .boolean),
                    .required("issues", .array(issueSchema)), .required("impact", impactSchema),
                    .required("planHash", .string()),
                ])
            ) { call throws(ServerError) in
                let p = try plan(call, try call.platform.read())
                return [
                    "canMigrate": .bool(p.canMigrate), "requiresConfirmation": .bool(p.requiresConfirmation),
                    "issues": .array(p.issues.map(\.json)), "impact": p.impact, "planHash": .string(p.planHash),
                ]
            },
            DomainMethod(
                "migration/execute", .admin,
                summary:
                    "Moves the tenant's active configuration from one model to another in one atomic, durable step. Refusals leave a failed history entry.",
                params: [
                    .required("fromModelId", .uuid), .required("toModelId", .uuid), entityTypesField,
                    .optional("confirm", .boolean, "Must be true when the preflight has warnings."),
                    .optional(
                        "expectedPlanHash", .string(.init(maxLength: 64)),
                        "The planHash of the validation the admin confirmed."),
                    .optional("workDoneToken", .oneOf([.string(), .integer()])),
                ],
                result: .object([
                    .required("migrationId", .uuid), .required("status", .enumeration(["completed"])),
                    .required("moved", .anyObject), .required("total", .integer()),
                    .required("sourceRetired", .boolean),
                    .required("issues", .array(issueSchema)), .required("durationMs", .integer()),
                ]),
                errors: [.migrationBlocked, .confirmationRequired, .stalePlan]
            ) { call throws(ServerError) in
                let requested = (call.params.value("entityTypes")?.arrayValue?.compactMap(\.stringValue)) ?? typeNames
                let startedAt = call.platform.now
                call.context.progress.begin(title: "Migrating configuration")
                defer { call.context.progress.end() }
                let outcome: Result<JSONValue, ServerError> = try call.platform.write { state throws(ServerError) in
                    let p = try plan(call, state)
                    func refuse(
                        _ error: DomainError, _ message: String
                    ) -> (Transaction, Result<JSONValue, ServerError>) {
                        let e = entry(
                            call, p, status: .failed, error: message, startedAt: startedAt, requested: requested)
                        return (Transaction([.putMigration(e)]), .failure(.domain(error)))
                    }
                    if !p.canMigrate {
                        return refuse(
                            .migrationBlocked(issues: p.blockers.map(\.json)),
                            "blocked: " + p.blockers.map(\.code).joined(separator: ", "))
                    }
                    if let expected = call.params.optionalString("expectedPlanHash"), expected != p.planHash {
                        return refuse(.stalePlan(planHash: p.planHash), "the plan changed since it was validated")
                    }
                    if p.requiresConfirmation && !call.params.bool("confirm", default: false) {
                        let warnings = p.issues.filter { $0.severity == .warning }
                        return refuse(
                            .confirmationRequired(issues: warnings.map(\.json)),
                            "confirmation required: " + warnings.map(\.code).joined(separator: ", "))
                    }
                    call.context.progress.report(percentage: 10, message: "\(p.affectedCount) entities to move")
                    try call.context.cancellation.check()
                    let now = call.platform.now
                    var e = entry(call, p, status: .completed, error: nil, startedAt: startedAt, requested: requested)
                    // The configurations move by one compact change that also fills e's undo list.
                    let out = p.execution(state: state, now: now, historyId: e.id)
                    call.context.progress.report(percentage: 80, message: "committing")
                    try call.context.cancellation.check()
                    e.moved = out.moved
                    e.movedEntities = out.movedEntities
                    e.linksAdded = out.linksAdded
                    e.linksRemoved = out.linksRemoved
                    e.sourceRetired = out.sourceRetired
                    e.completedAt = now
                    var tx = Transaction([.putMigration(e)] + out.changes)
                    tx.add(
                        AuditLog.entry(
                            call, action: "model.migrated", model: p.source.model,
                            description:
                                "Migrated \(e.movedCount) entities from \(p.source.model.name) to \(p.target.model.name)",
                            changes: [
                                "migrationId": .string(e.id), "toModelId": .string(p.target.model.id),
                                "moved": .object(
                                    JSONObject(
                                        members: out.moved.keys.sorted().map {
                                            .init(key: $0, value: .int(out.moved[$0]!))
                                        })),
                                "sourceRetired": .bool(out.sourceRetired),
                            ]))
                    var moved = JSONObject()
                    for t in p.entityTypes { moved.append(t.rawValue, .int(out.moved[t.rawValue] ?? 0)) }
                    let result: JSONValue = [
                        "migrationId": .string(e.id), "status": "completed", "moved": .object(moved),
                        "total": .int(e.movedCount), "sourceRetired": .bool(out.sourceRetired),
                        "issues": .array(p.issues.map(\.json)), "durationMs": .int(Int(now - startedAt)),
                    ]
                    return (tx, .success(result))
                }
                call.context.progress.report(percentage: 100)
                return try outcome.get()
            },
            DomainMethod(
                "migration/revert", .admin,
                summary: "Undoes a completed migration entity by entity; what changed since is skipped and listed.",
                params: [.required("migrationId", .uuid)],
                result: .object([
                    .required("migrationId", .uuid), .required("revertedMigrationId", .uuid),
                    .required("restored", .anyObject),
                    .required(
                        "skipped",
                        .array(
                            .object([
                                .required("entityType", .string()), .required("entityId", .uuid),
                                .required("reason", .enumeration(["changed", "deleted"])),
                            ]))),
                ]),
                errors: [.revertRefused]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let id = try call.params.string("migrationId")
                    guard let original = state.migrations[id], original.tenantId == call.tenantId else {
                        throw .domain(.notFound(entity: "migration", id: id))
                    }
                    if let why = MigrationReverter.refusal(of: original, state: state) {
                        throw .domain(.revertRefused(reason: why.rawValue))
                    }
                    let now = call.platform.now
                    let out = MigrationReverter.revert(original, state: state, now: now)
                    let actor = Initiator(userId: call.actor.userId, name: call.actor.name)
                    var revert = MigrationEntry(
                        id: call.platform.newID(), tenantId: call.tenantId, kind: .revert, status: .completed,
                        fromModelId: original.toModelId, fromModelName: original.toModelName,
                        fromProviderType: original.toProviderType, toModelId: original.fromModelId,
                        toModelName: original.fromModelName, toProviderType: original.fromProviderType,
                        entityTypes: original.entityTypes, affectedCount: original.movedEntities.count,
                        moved: out.restored, issues: [], errorMessage: nil, initiatedBy: actor,
                        startedAt: now, completedAt: now)
                    revert.relatedMigrationId = original.id
                    var done = original
                    done.status = .reverted
                    done.revertedBy = actor
                    done.relatedMigrationId = revert.id
                    var tx = Transaction(out.changes)
                    tx.add(.putMigration(done))
                    tx.add(.putMigration(revert))
                    if let source = state.models[original.fromModelId ?? ""] {
                        tx.add(
                            AuditLog.entry(
                                call, action: "migration.reverted", model: source,
                                description:
                                    "Reverted migration \(original.id) from \(original.fromModelName) to \(original.toModelName)",
                                changes: [
                                    "migrationId": .string(revert.id), "revertedMigrationId": .string(original.id),
                                    "skipped": .int(out.skipped.count),
                                ]))
                    }
                    var restored = JSONObject()
                    for k in out.restored.keys.sorted() { restored.append(k, .int(out.restored[k]!)) }
                    return (
                        tx,
                        [
                            "migrationId": .string(revert.id), "revertedMigrationId": .string(original.id),
                            "restored": .object(restored),
                            "skipped": .array(
                                out.skipped.map {
                                    [
                                        "entityType": .string($0.entityType), "entityId": .string($0.entityId),
                                        "reason": .string($0.reason),
                                    ]
                                }),
                        ]
                    )
                }
            },
            DomainMethod(
                "migration/history", .admin,
                summary:
                    "History entries, newest first: of one model (as source or target), one migration, or the whole tenant.",
                params: [
                    .optional("modelId", .uuid), .optional("migrationId", .uuid), Pagination.limitField,
                    Pagination.cursorField,
                ],
                result: Pagination.listSchema(historySchema)
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                // Newest first in commit order (entries of one millisecond keep their order).
                var entries = state.historyIDs(ofTenant: call.tenantId).enumerated().compactMap { (i, id) in
                    state.migrations[id].map { (i, $0) }
                }
                if let mid = call.params.optionalString("migrationId") {
                    entries = entries.filter { $0.1.id == mid }
                    if entries.isEmpty { throw .domain(.notFound(entity: "migration", id: mid)) }
                }
                if let model = call.params.optionalString("modelId") {
                    _ = try state.model(model, in: call.tenantId, includeDeleted: true)
                    entries = entries.filter { $0.1.fromModelId == model || $0.1.toModelId == model }
                }
                return try Pagination.page(
                    entries, key: { .init(Millis($0.0), $0.1.id) }, params: call.params, descending: true,
                    render: { history($0.1) })
            },
            DomainMethod(
                "models/suggestReplacement", .admin,
                summary:
                    "Ranked replacement candidates: the catalog's successorModel first, then no blockers and fewest warnings; blocked last.",
                params: [Fields.id, .optional("limit", .integer(min: 1, max: 100))],
                result: .object([
                    .required(
                        "items",
                        .array(
                            .object([
                                .required("modelId", .uuid), .required("name", .string()),
                                .required("reasons", .array(.string())),
                                .required("canMigrate", .boolean), .required("requiresConfirmation", .boolean),
                                .required("issueCodes", .array(.string())),
                            ])))
                ])
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let source = try state.model(call.params.id, in: call.tenantId)
                let sourceFacts = facts(source, state, call.platform)
                let successor = call.platform.catalogEntry(for: source, in: state)?.successorModel
                var ranked: [(rank: (Int, Int, String), value: JSONValue)] = []
                for id in state.modelIDs(ofTenant: call.tenantId) where id != source.id {
                    guard let m = state.models[id], m.deletedAt == nil else { continue }
                    let p = MigrationPlanner.plan(
                        state: state, source: sourceFacts, target: facts(m, state, call.platform),
                        entityTypes: MigrationEntityType.allCases)
                    let warnings = p.issues.filter { $0.severity == .warning }.count
                    let isSuccessor =
                        successor != nil
                        && (m.name == successor
                            || (state.providers[m.providerId].map { $0.providerType + "/" + m.name } == successor))
                    var reasons: [String] = []
                    if isSuccessor { reasons.append("catalog successor of \(source.name)") }
                    if let f = m.family, f == source.family { reasons.append("same family (\(f))") }
                    if !p.canMigrate {
                        reasons.append("blocked: " + p.blockers.map(\.code).joined(separator: ", "))
                    } else if warnings == 0 {
                        reasons.append("no warnings")
                    } else {
                        reasons.append("\(warnings) warning(s)")
                    }
                    let tier = isSuccessor ? 0 : p.canMigrate ? 1 : 2
                    ranked.append(
                        (
                            (tier, warnings, m.name + "\u{0}" + m.id),
                            [
                                "modelId": .string(m.id), "name": .string(m.name),
                                "reasons": .array(reasons.map { .string($0) }),
                                "canMigrate": .bool(p.canMigrate),
                                "requiresConfirmation": .bool(p.requiresConfirmation),
                                "issueCodes": .array(p.issues.map { .string($0.code) }),
                            ]
                        ))
                }
                ranked.sort { $0.rank < $1.rank }
                return ["items": .array(ranked.prefix(call.params.optionalInt("limit") ?? 10).map(\.value))]
            },
        ]
    }
}
