import JSONRPC
import Domain

/// `assistants/*`, `apps/*`, `services/*` (any actor of the tenant).
enum ConfigMethods {
    /// The model must be a completion model of the tenant, enabled in the space and accepted by it.
    static func checkModel(
        _ modelId: String, space: Space, state: PlatformState, platform: Platform
    ) throws(ServerError) -> Model {
        let m = try state.model(modelId, in: space.tenantId)
        if m.kind != .completion { throw .domain(.modelUnavailable(reason: "not_a_completion_model", modelId: m.id)) }
        if !space.modelIds.contains(m.id) {
            throw .domain(.modelUnavailable(reason: "not_enabled_in_space", modelId: m.id))
        }
        if let why = SpaceMethods.refusal(space, m, state, platform) {
            throw .domain(.modelUnavailable(reason: why, modelId: m.id))
        }
        return m
    }

    static func all() -> [DomainMethod] { ConfigKind.allCases.flatMap(methods) }

    static func methods(_ kind: ConfigKind) -> [DomainMethod] {
        let group = kind.entityType
        let kwargs = Field.optional("kwargs", .anyObject, "Model parameters (default {}); reset to {} by a migration.")
        return [
            DomainMethod(
                "\(group)/create", .anyActor,
                summary:
                    "Creates a\(kind == .assistant || kind == .app ? "n" : "") \(kind.rawValue) in a space; its model must be enabled in the space and accepted by it.",
                params: [
                    .required("spaceId", .uuid), .required("name", .name()), .required("completionModelId", .uuid),
                    kwargs,
                ],
                result: EntitySchemas.config, errors: [.modelUnavailable]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let space = try state.space(try call.params.string("spaceId"), in: call.tenantId)
                    let m = try checkModel(
                        try call.params.string("completionModelId"), space: space, state: state, platform: call.platform
                    )
                    let c = ConfigItem(
                        kind: kind, id: call.platform.newID(), tenantId: call.tenantId, spaceId: space.id,
                        name: try call.params.string("name"), completionModelId: m.id,
                        kwargs: call.params.optionalObject("kwargs") ?? JSONObject(), createdBy: call.actor.userId,
                        createdAt: call.platform.now)
                    return (Transaction([.putConfig(c)]), Views.config(c))
                }
            },
            DomainMethod(
                "\(group)/get", .anyActor, summary: "One \(kind.rawValue).", params: [Fields.id],
                result: EntitySchemas.config
            ) { call throws(ServerError) in
                Views.config(try call.platform.read().config(call.params.id, kind: kind, in: call.tenantId))
            },
            DomainMethod(
                "\(group)/list", .anyActor,
                summary: "The tenant's \(group), oldest first; optionally of one space or one model.",
                params: [
                    .optional("spaceId", .uuid), .optional("completionModelId", .uuid), Pagination.limitField,
                    Pagination.cursorField,
                ],
                result: Pagination.listSchema(EntitySchemas.config)
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let items: [ConfigItem]
                if let sid = call.params.optionalString("spaceId") {
                    _ = try state.space(sid, in: call.tenantId)
                    items = state.configurationIDs(inSpace: sid).compactMap { state.configs[$0] }.filter {
                        $0.kind == kind
                    }
                } else if let mid = call.params.optionalString("completionModelId") {
                    _ = try state.model(mid, in: call.tenantId, includeDeleted: true)
                    items = state.configurationIDs(using: mid).compactMap { state.configs[$0] }.filter {
                        $0.kind == kind
                    }
                } else {
                    items = state.configs.values.filter { $0.kind == kind && $0.tenantId == call.tenantId }
                }
                let filtered =
                    call.params.optionalString("completionModelId").map { mid in
                        items.filter { $0.completionModelId == mid }
                    } ?? items
                return try Pagination.page(
                    filtered, key: { .init($0.createdAt, $0.id) }, params: call.params, render: Views.config)
            },
            DomainMethod(
                "\(group)/update", .anyActor,
                summary: "Changes a \(kind.rawValue); a new space or model must pass the same checks as on create.",
                params: [
                    Fields.id, .optional("name", .name()), .optional("spaceId", .uuid),
                    .optional("completionModelId", .uuid), kwargs,
                ],
                result: EntitySchemas.config, errors: [.modelUnavailable]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var c = try state.config(call.params.id, kind: kind, in: call.tenantId)
                    if let name = call.params.optionalString("name") { c.name = name }
                    if let kw = call.params.optionalObject("kwargs") { c.kwargs = kw }
                    if call.params.has("spaceId") || call.params.has("completionModelId") {
                        let space = try state.space(
                            call.params.optionalString("spaceId") ?? c.spaceId, in: call.tenantId)
                        let m = try checkModel(
                            call.params.optionalString("completionModelId") ?? c.completionModelId, space: space,
                            state: state, platform: call.platform)
                        c.spaceId = space.id
                        c.completionModelId = m.id
                    }
                    c.updatedAt = Formats.nextUpdate(after: c.updatedAt, now: call.platform.now)
                    return (Transaction([.putConfig(c)]), Views.config(c))
                }
            },
            DomainMethod(
                "\(group)/delete", .anyActor,
                summary: "Deletes a\(kind == .service ? "" : "n") \(kind.rawValue); its questions stay.",
                params: [Fields.id], result: .object([.required("deleted", .boolean)])
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let c = try state.config(call.params.id, kind: kind, in: call.tenantId)
                    return (Transaction([.remove(.config, id: c.id)]), ["deleted": true])
                }
            },
        ]
    }
}
