import JSONRPC
import Domain

/// `tenants/update`: renames a tenant or switches its security.
enum TenantsUpdate: MethodDeclaration {
    static let name = "tenants/update"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = "Renames a tenant or switches its security."
    static let errors: [ErrorCode] = [.notFound, .conflict]

    struct Params: MethodParams {
        var id: String
        var name: String?
        var securityEnabled: Bool?

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            securityEnabled = try p.optional("securityEnabled", .boolean)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> TenantView {
        try call.platform.write { state throws(ServerError) in
            guard var t = state.tenant(params.id) else { throw .domain(.notFound(entity: "tenant", id: params.id)) }
            let before = t
            if let name = params.name, name != t.name {
                if state.tenantNameTaken(name, except: t.id) {
                    throw .domain(.conflict(reason: "a tenant named \"\(name)\" exists"))
                }
                t.name = name
            }
            if let s = params.securityEnabled { t.securityEnabled = s }
            return (t == before ? Transaction() : Transaction([.putTenant(t)]), TenantView(t))
        }
    }
}
