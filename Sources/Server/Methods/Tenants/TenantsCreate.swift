import JSONRPC
import Domain

/// `tenants/create`: a new tenant; names are unique.
enum TenantsCreate: MethodDeclaration {
    static let name = "tenants/create"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = "Creates a tenant. Names are unique."
    static let errors: [ErrorCode] = [.conflict]

    struct Params: MethodParams {
        var name: String
        var securityEnabled: Bool

        init(from p: inout ParamsReader) throws(ServerError) {
            name = try p.required("name", .name())
            securityEnabled = try p.optional("securityEnabled", .boolean, default: false)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> TenantView {
        try call.platform.write { state throws(ServerError) in
            if state.tenantNameTaken(params.name) {
                throw .domain(.conflict(reason: "a tenant named \"\(params.name)\" exists"))
            }
            let t = Tenant(
                id: call.platform.newEntityID(), name: params.name, securityEnabled: params.securityEnabled,
                createdAt: call.platform.now)
            return (Transaction([.putTenant(t)]), TenantView(t))
        }
    }
}
