import JSONRPC
import Domain

/// `tenants/delete`: deletes an empty tenant.
enum TenantsDelete: MethodDeclaration {
    static let name = "tenants/delete"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = "Deletes an empty tenant; refused while it holds anything."
    static let errors: [ErrorCode] = [.notFound, .conflict]

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> Deleted {
        try call.platform.write { state throws(ServerError) in
            guard state.tenant(params.id) != nil else { throw .domain(.notFound(entity: "tenant", id: params.id)) }
            if state.tenantHoldsEntities(params.id) {
                throw .domain(
                    .conflict(reason: "the tenant still holds models, providers, classifications, spaces or templates"))
            }
            return (Transaction([.remove(.tenant, id: params.id)]), Deleted(deleted: true))
        }
    }
}
