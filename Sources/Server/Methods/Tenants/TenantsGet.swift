import JSONRPC
import Domain

/// `tenants/get`: one tenant.
enum TenantsGet: MethodDeclaration {
    static let name = "tenants/get"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = "One tenant."
    static let errors: [ErrorCode] = [.notFound]

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> TenantView {
        guard let t = try call.platform.read().tenant(params.id) else {
            throw .domain(.notFound(entity: "tenant", id: params.id))
        }
        return TenantView(t)
    }
}
