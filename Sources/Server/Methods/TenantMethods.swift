import JSONRPC
import Domain

/// `tenants/*` (sysadmin only; not tenant-scoped).
enum TenantMethods {
    static func all() -> [DomainMethod] {
        let fields: [Field] = [.required("name", .name()), .optional("securityEnabled", .boolean)]
        return [
            DomainMethod(
                "tenants/create", .sysadmin, tenantScoped: false, summary: "Creates a tenant. Names are unique.",
                params: fields, result: EntitySchemas.tenant, errors: [.conflict]
            ) { call throws(ServerError) in
                let name = try call.params.string("name")
                return try call.platform.write { state throws(ServerError) in
                    if state.tenants.values.contains(where: { $0.name == name }) {
                        throw .domain(.conflict(reason: "a tenant named \"\(name)\" exists"))
                    }
                    let t = Tenant(
                        id: call.platform.newID(), name: name,
                        securityEnabled: call.params.bool("securityEnabled", default: false),
                        createdAt: call.platform.now)
                    return (Transaction([.putTenant(t)]), Views.tenant(t))
                }
            },
            DomainMethod(
                "tenants/get", .sysadmin, tenantScoped: false, summary: "One tenant.", params: [Fields.id],
                result: EntitySchemas.tenant, errors: [.notFound]
            ) { call throws(ServerError) in
                guard let t = try call.platform.read().tenants[call.params.id] else {
                    throw .domain(.notFound(entity: "tenant", id: call.params.id))
                }
                return Views.tenant(t)
            },
            DomainMethod(
                "tenants/list", .sysadmin, tenantScoped: false, summary: "All tenants, oldest first.",
                params: [Pagination.limitField, Pagination.cursorField],
                result: Pagination.listSchema(EntitySchemas.tenant)
            ) { call throws(ServerError) in
                try Pagination.page(
                    Array(try call.platform.read().tenants.values), key: { .init($0.createdAt, $0.id) },
                    params: call.params, render: Views.tenant)
            },
            DomainMethod(
                "tenants/update", .sysadmin, tenantScoped: false, summary: "Renames a tenant or switches its security.",
                params: [Fields.id]
                    + fields.map {
                        var f = $0
                        f.required = false
                        return f
                    }, result: EntitySchemas.tenant,
                errors: [.notFound, .conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    guard var t = state.tenants[call.params.id] else {
                        throw .domain(.notFound(entity: "tenant", id: call.params.id))
                    }
                    if let name = call.params.optionalString("name") {
                        if state.tenants.values.contains(where: { $0.name == name && $0.id != t.id }) {
                            throw .domain(.conflict(reason: "a tenant named \"\(name)\" exists"))
                        }
                        t.name = name
                    }
                    if let s = call.params.optionalBool("securityEnabled") { t.securityEnabled = s }
                    return (Transaction([.putTenant(t)]), Views.tenant(t))
                }
            },
            DomainMethod(
                "tenants/delete", .sysadmin, tenantScoped: false,
                summary: "Deletes an empty tenant; refused while it holds anything.",
                params: [Fields.id], result: .object([.required("deleted", .boolean)]), errors: [.notFound, .conflict]
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let id = call.params.id
                    guard state.tenants[id] != nil else { throw .domain(.notFound(entity: "tenant", id: id)) }
                    let holds =
                        state.models.values.contains { $0.tenantId == id }
                        || state.providers.values.contains { $0.tenantId == id }
                        || state.classifications.values.contains { $0.tenantId == id }
                        || state.spaces.values.contains { $0.tenantId == id }
                        || state.templates.values.contains { $0.tenantId == id }
                    if holds {
                        throw .domain(
                            .conflict(
                                reason: "the tenant still holds models, providers, classifications, spaces or templates"
                            ))
                    }
                    return (Transaction([.remove(.tenant, id: id)]), ["deleted": true])
                }
            },
        ]
    }
}
