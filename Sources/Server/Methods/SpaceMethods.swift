import JSONRPC
import Domain

/// `spaces/*` (any actor of the tenant).
enum SpaceMethods {
    /// Why the space does not accept the model, or nil (contract §4 space acceptance).
    static func refusal(_ space: Space, _ model: Model, _ state: PlatformState, _ platform: Platform) -> String? {
        let life = Views.lifecycle(model, state, platform)
        let secured = state.tenants[space.tenantId]?.securityEnabled ?? false
        let spaceLevel = space.securityClassificationId.flatMap { state.classifications[$0]?.level }
        let modelLevel = model.securityClassificationId.flatMap { state.classifications[$0]?.level }
        return LifecycleRules.spaceRefusal(
            canAccess: life.canAccess, securityEnabled: secured, spaceLevel: spaceLevel, modelLevel: modelLevel)
    }

    static func all() -> [DomainMethod] {
        let deleted: Schema = .object([.required("deleted", .boolean)])
        return [
            DomainMethod(
                "spaces/create", .anyActor, summary: "Creates a space, optionally classified.",
                params: [.required("name", .name()), .optional("securityClassificationId", .nullable(.uuid))],
                result: EntitySchemas.space
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var classification: String? = nil
                    if let c = call.params.optionalString("securityClassificationId") {
                        classification = try state.classification(c, in: call.tenantId).id
                    }
                    let s = Space(
                        id: call.platform.newID(), tenantId: call.tenantId, name: try call.params.string("name"),
                        securityClassificationId: classification, createdAt: call.platform.now)
                    return (Transaction([.putSpace(s)]), Views.space(s))
                }
            },
            DomainMethod(
                "spaces/get", .anyActor, summary: "One space with its enabled models.", params: [Fields.id],
                result: EntitySchemas.space
            ) { call throws(ServerError) in
                Views.space(try call.platform.read().space(call.params.id, in: call.tenantId))
            },
            DomainMethod(
                "spaces/list", .anyActor, summary: "The tenant's spaces, oldest first.",
                params: [Pagination.limitField, Pagination.cursorField],
                result: Pagination.listSchema(EntitySchemas.space)
            ) { call throws(ServerError) in
                let items = try call.platform.read().spaces.values.filter { $0.tenantId == call.tenantId }
                return try Pagination.page(
                    items, key: { .init($0.createdAt, $0.id) }, params: call.params, render: Views.space)
            },
            DomainMethod(
                "spaces/update", .anyActor,
                summary: "Renames a space or changes its classification (enabled models stay enabled).",
                params: [
                    Fields.id, .optional("name", .name()), .optional("securityClassificationId", .nullable(.uuid)),
                ],
                result: EntitySchemas.space
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var s = try state.space(call.params.id, in: call.tenantId)
                    if let name = call.params.optionalString("name") { s.name = name }
                    if call.params.has("securityClassificationId") {
                        s.securityClassificationId = try call.params.optionalString("securityClassificationId").map {
                            (c: String) throws(ServerError) in
                            try state.classification(c, in: call.tenantId).id
                        }
                    }
                    return (Transaction([.putSpace(s)]), Views.space(s))
                }
            },
            DomainMethod(
                "spaces/delete", .anyActor, summary: "Deletes a space that holds no assistants, apps or services.",
                params: [Fields.id], result: deleted, errors: [.conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let s = try state.space(call.params.id, in: call.tenantId)
                    let held = state.configurationIDs(inSpace: s.id).count
                    if held > 0 {
                        throw .domain(.conflict(reason: "the space still holds \(held) assistants, apps or services"))
                    }
                    return (Transaction([.remove(.space, id: s.id)]), ["deleted": true])
                }
            },
            DomainMethod(
                "spaces/enableModel", .anyActor,
                summary: "Enables a model in a space; refused (model_unavailable) when the space does not accept it.",
                params: [.required("spaceId", .uuid), .required("modelId", .uuid)], result: EntitySchemas.space,
                errors: [.modelUnavailable]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var s = try state.space(try call.params.string("spaceId"), in: call.tenantId)
                    let m = try state.model(try call.params.string("modelId"), in: call.tenantId)
                    if s.modelIds.contains(m.id) { return (Transaction(), Views.space(s)) }
                    if let why = refusal(s, m, state, call.platform) {
                        throw .domain(.modelUnavailable(reason: why, modelId: m.id))
                    }
                    s.modelIds.append(m.id)
                    return (Transaction([.putSpace(s)]), Views.space(s))
                }
            },
            DomainMethod(
                "spaces/disableModel", .anyActor,
                summary: "Disables a model in a space (allowed while configuration there still uses it).",
                params: [.required("spaceId", .uuid), .required("modelId", .uuid)], result: EntitySchemas.space
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var s = try state.space(try call.params.string("spaceId"), in: call.tenantId)
                    let m = try state.model(try call.params.string("modelId"), in: call.tenantId, includeDeleted: true)
                    guard s.modelIds.contains(m.id) else { return (Transaction(), Views.space(s)) }
                    s.modelIds.removeAll { $0 == m.id }
                    return (Transaction([.putSpace(s)]), Views.space(s))
                }
            },
        ]
    }
}
