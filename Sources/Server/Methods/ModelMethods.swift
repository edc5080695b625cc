import JSONRPC
import Domain

/// `models/*`.
enum ModelMethods {
    static let capabilityFields: [Field] = [
        .optional("nickname", .nullable(.string(.init(maxLength: 200)))),
        .optional("family", .nullable(.string(.init(maxLength: 100)))),
        .optional("maxInputTokens", .nullable(.integer(min: 0))),
        .optional("maxOutputTokens", .nullable(.integer(min: 0))),
        .optional("vision", .boolean), .optional("reasoning", .boolean), .optional("toolCalling", .boolean),
        .optional("hosting", .nullable(.string(.init(maxLength: 100)))),
        .optional("openSource", .boolean),
        .optional("securityClassificationId", .nullable(.uuid)),
        .optional("isEnabled", .boolean), .optional("isDefault", .boolean),
        .optional("isDeprecated", .boolean, "Sets the manual deprecation flag (output shows the effective value)."),
    ]

    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "models/list", .anyActor,
                summary: "The tenant's models, oldest first; soft-deleted ones only with includeDeleted.",
                params: [
                    .optional("includeDeleted", .boolean),
                    .optional("kind", .enumeration(ModelKind.allCases.map(\.rawValue))),
                    .optional("status", .enumeration(ModelStatus.allCases.map(\.rawValue))), Pagination.limitField,
                    Pagination.cursorField,
                ],
                result: Pagination.listSchema(EntitySchemas.model)
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let includeDeleted = call.params.bool("includeDeleted", default: false)
                let kind = call.params.optionalString("kind")
                let status = call.params.optionalString("status")
                let ids = state.modelIDs(ofTenant: call.tenantId)
                // Cached entries carry what the filters and the order need: no model is copied.
                var items: [ModelViewCache.Entry] = []
                items.reserveCapacity(ids.count)
                for id in ids {
                    guard let e = call.platform.modelViews.entry(id, state, call.platform) else { continue }
                    if (includeDeleted || !e.isDeleted) && (kind == nil || e.kind.rawValue == kind)
                        && (status == nil || e.status.rawValue == status)
                    {
                        items.append(e)
                    }
                }
                return try Pagination.page(items, key: { .init($0.createdAt, $0.id) }, params: call.params) {
                    .serialized($0.view)
                }
            },
            DomainMethod(
                "models/get", .anyActor, summary: "One model with its lifecycle status.", params: [Fields.id],
                result: EntitySchemas.model
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                return call.platform.modelViews.view(
                    try state.model(call.params.id, in: call.tenantId), state, call.platform)
            },
            DomainMethod(
                "models/create", .admin,
                summary:
                    "Creates a model. Capability fields left out are filled from the catalog entry when one matches; given fields win.",
                params: [
                    .required("kind", .enumeration(ModelKind.allCases.map(\.rawValue))), .required("name", .name()),
                    .required("providerId", .uuid),
                ] + capabilityFields,
                result: EntitySchemas.model, errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let provider = try state.provider(try call.params.string("providerId"), in: call.tenantId)
                    let name = try call.params.string("name")
                    if state.modelNameTaken(name, providerId: provider.id, tenantId: call.tenantId) {
                        throw .domain(
                            .conflict(reason: "provider \(provider.name) already has a model named \"\(name)\""))
                    }
                    var m = Model(
                        id: call.platform.newID(), tenantId: call.tenantId,
                        kind: ModelKind(rawValue: try call.params.string("kind"))!,
                        name: name, providerId: provider.id, createdAt: call.platform.now)
                    if let entry = call.platform.catalog.lookup(providerType: provider.providerType, name: name) {
                        m.maxInputTokens = entry.maxInputTokens
                        m.maxOutputTokens = entry.maxOutputTokens
                        m.vision = entry.vision ?? false
                        m.reasoning = entry.reasoning ?? false
                        m.toolCalling = entry.toolCalling ?? false
                    }
                    var tx = Transaction()
                    try apply(call.params, to: &m, state: state, tx: &tx)
                    tx.add(.putModel(m))
                    tx.add(
                        AuditLog.entry(
                            call, action: "model.created", model: m,
                            description: "Created \(m.kind.rawValue) model \(m.name)",
                            changes: [
                                "name": .string(m.name), "kind": .string(m.kind.rawValue),
                                "providerId": .string(m.providerId),
                            ]))
                    return (tx, Views.model(m, state, call.platform))
                }
            },
            DomainMethod(
                "models/update", .admin, summary: "Changes a model's name or capability fields.",
                params: [Fields.id, .optional("name", .name())] + capabilityFields,
                result: EntitySchemas.model, errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var m = try state.model(call.params.id, in: call.tenantId)
                    let before = m
                    if let name = call.params.optionalString("name"), name != m.name {
                        if state.modelNameTaken(name, providerId: m.providerId, tenantId: call.tenantId, except: m.id) {
                            throw .domain(.conflict(reason: "the provider already has a model named \"\(name)\""))
                        }
                        m.name = name
                    }
                    var tx = Transaction()
                    try apply(call.params, to: &m, state: state, tx: &tx)
                    let changes = AuditLog.diff(before, m)
                    if changes.isEmpty { return (Transaction(), Views.model(before, state, call.platform)) }
                    m.updatedAt = Formats.nextUpdate(after: m.updatedAt, now: call.platform.now)
                    tx.add(.putModel(m))
                    tx.add(
                        AuditLog.entry(
                            call, action: "model.updated", model: m, description: "Updated model \(m.name)",
                            changes: changes))
                    return (tx, Views.model(m, state, call.platform))
                }
            },
            DomainMethod(
                "models/delete", .admin,
                summary:
                    "Soft-deletes a model no active configuration uses and removes its space links. A sysadmin's force: true hard-deletes it now.",
                params: [Fields.id, .optional("force", .boolean, "Sysadmin only: hard delete now.")],
                result: .object([.required("id", .uuid), .required("deleted", .enumeration(["soft", "hard"]))]),
                errors: [.modelInUse]
            ) { call throws(ServerError) in
                let force = call.params.bool("force", default: false)
                if force && call.actor.role != .sysadmin {
                    throw .domain(.forbidden(method: "models/delete with force", role: call.actor.role))
                }
                return try call.platform.write { state throws(ServerError) in
                    let m = try state.model(call.params.id, in: call.tenantId, includeDeleted: force)
                    let usage = ModelReferences.of(m.id, in: state)
                    var refs = usage.activeReferences
                    if force {
                        refs.append(("questions", usage.questions))
                        refs.append(("migrationSources", state.migrationSourceIDs(of: m.id).count))
                    }
                    if refs.contains(where: { $0.1 > 0 }) { throw .domain(.modelInUse(references: refs)) }
                    if force {
                        // As cleanup removes a model: soft-deleted templates repointed, history ids nulled, links removed.
                        var tx = Transaction(CleanupPlanner.removal(of: m, in: state, now: call.platform.now))
                        tx.add(
                            AuditLog.entry(
                                call, action: "model.hard_deleted", model: m,
                                description: "Hard-deleted model \(m.name) (force)"))
                        return (tx, ["id": .string(m.id), "deleted": "hard"])
                    }
                    var tx = Transaction()
                    for sid in state.spaceIDs(enabling: m.id).sorted() {
                        var s = state.spaces[sid]!
                        s.modelIds.removeAll { $0 == m.id }
                        tx.add(.putSpace(s))
                    }
                    var deleted = m
                    deleted.deletedAt = call.platform.now
                    deleted.isDefault = false
                    deleted.updatedAt = deleted.deletedAt!
                    tx.add(.putModel(deleted))
                    tx.add(
                        AuditLog.entry(
                            call, action: "model.deleted", model: m, description: "Deleted model \(m.name)",
                            changes: ["deletedAt": Views.time(deleted.deletedAt)]))
                    return (tx, ["id": .string(m.id), "deleted": "soft"])
                }
            },
        ]
    }

    /// Applies the capability members present in params; `isDefault: true` takes the flag from the
    /// tenant's previous default of the same kind in the same transaction.
    static func apply(_ p: Params, to m: inout Model, state: PlatformState, tx: inout Transaction) throws(ServerError) {
        if p.has("nickname") { m.nickname = p.optionalString("nickname") }
        if p.has("family") { m.family = p.optionalString("family") }
        if p.has("maxInputTokens") { m.maxInputTokens = p.optionalInt("maxInputTokens") }
        if p.has("maxOutputTokens") { m.maxOutputTokens = p.optionalInt("maxOutputTokens") }
        if let v = p.optionalBool("vision") { m.vision = v }
        if let v = p.optionalBool("reasoning") { m.reasoning = v }
        if let v = p.optionalBool("toolCalling") { m.toolCalling = v }
        if p.has("hosting") { m.hosting = p.optionalString("hosting") }
        if let v = p.optionalBool("openSource") { m.openSource = v }
        if p.has("securityClassificationId") {
            if let cid = p.optionalString("securityClassificationId") {
                m.securityClassificationId = try state.classification(cid, in: m.tenantId).id
            } else {
                m.securityClassificationId = nil
            }
        }
        if let v = p.optionalBool("isEnabled") { m.isEnabled = v }
        if let v = p.optionalBool("isDeprecated") { m.manualDeprecated = v }
        if let v = p.optionalBool("isDefault") {
            if v && !m.isDefault {
                for id in state.modelIDs(ofTenant: m.tenantId) where id != m.id {
                    guard var other = state.models[id], other.isDefault, other.kind == m.kind else { continue }
                    other.isDefault = false
                    tx.add(.putModel(other))
                }
            }
            m.isDefault = v
        }
    }
}
