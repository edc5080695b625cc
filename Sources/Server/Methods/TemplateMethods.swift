import JSONRPC
import Domain

/// `templates/*` (admins, sysadmins). Templates are not subject to the space rule.
enum TemplateMethods {
    static func all() -> [DomainMethod] {
        let kwargs = Field.optional("kwargs", .anyObject)
        return [
            DomainMethod(
                "templates/create", .admin, summary: "Creates an assistant or app template.",
                params: [
                    .required("kind", .enumeration(TemplateKind.allCases.map(\.rawValue))), .required("name", .name()),
                    .required("completionModelId", .uuid), kwargs,
                ],
                result: EntitySchemas.template
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let m = try state.model(try call.params.string("completionModelId"), in: call.tenantId)
                    let t = Template(
                        id: call.platform.newID(), tenantId: call.tenantId,
                        kind: TemplateKind(rawValue: try call.params.string("kind"))!,
                        name: try call.params.string("name"), completionModelId: m.id,
                        kwargs: call.params.optionalObject("kwargs") ?? JSONObject(), createdAt: call.platform.now)
                    return (Transaction([.putTemplate(t)]), Views.template(t))
                }
            },
            DomainMethod(
                "templates/get", .admin, summary: "One template; a soft-deleted one only with includeDeleted.",
                params: [Fields.id, .optional("includeDeleted", .boolean)], result: EntitySchemas.template
            ) { call throws(ServerError) in
                Views.template(
                    try call.platform.read().template(
                        call.params.id, in: call.tenantId,
                        includeDeleted: call.params.bool("includeDeleted", default: false)))
            },
            DomainMethod(
                "templates/list", .admin,
                summary: "The tenant's templates, oldest first; soft-deleted ones only with includeDeleted.",
                params: [
                    .optional("kind", .enumeration(TemplateKind.allCases.map(\.rawValue))),
                    .optional("includeDeleted", .boolean),
                    Pagination.limitField, Pagination.cursorField,
                ],
                result: Pagination.listSchema(EntitySchemas.template)
            ) { call throws(ServerError) in
                let includeDeleted = call.params.bool("includeDeleted", default: false)
                let kind = call.params.optionalString("kind")
                let items = try call.platform.read().templates.values.filter {
                    $0.tenantId == call.tenantId && (includeDeleted || $0.deletedAt == nil)
                        && (kind == nil || $0.kind.rawValue == kind)
                }
                return try Pagination.page(
                    items, key: { .init($0.createdAt, $0.id) }, params: call.params, render: Views.template)
            },
            DomainMethod(
                "templates/update", .admin, summary: "Changes a template that is not deleted.",
                params: [Fields.id, .optional("name", .name()), .optional("completionModelId", .uuid), kwargs],
                result: EntitySchemas.template
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var t = try state.template(call.params.id, in: call.tenantId)
                    if let name = call.params.optionalString("name") { t.name = name }
                    if let mid = call.params.optionalString("completionModelId") {
                        t.completionModelId = try state.model(mid, in: call.tenantId).id
                    }
                    if let kw = call.params.optionalObject("kwargs") { t.kwargs = kw }
                    t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: call.platform.now)
                    return (Transaction([.putTemplate(t)]), Views.template(t))
                }
            },
            DomainMethod(
                "templates/delete", .admin, summary: "Soft-deletes a template (restorable).", params: [Fields.id],
                result: EntitySchemas.template
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var t = try state.template(call.params.id, in: call.tenantId)
                    t.deletedAt = call.platform.now
                    t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: t.deletedAt!)
                    return (Transaction([.putTemplate(t)]), Views.template(t))
                }
            },
            DomainMethod(
                "templates/restore", .admin,
                summary: "Restores a soft-deleted template, whatever the state of its model (idempotent).",
                params: [Fields.id], result: EntitySchemas.template
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    var t = try state.template(call.params.id, in: call.tenantId, includeDeleted: true)
                    guard t.deletedAt != nil else { return (Transaction(), Views.template(t)) }
                    t.deletedAt = nil
                    t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: call.platform.now)
                    return (Transaction([.putTemplate(t)]), Views.template(t))
                }
            },
        ]
    }
}
