import JSONRPC
import Domain

/// `tenants/list`: every tenant, oldest first.
enum TenantsList: MethodDeclaration {
    static let name = "tenants/list"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = "All tenants, oldest first."

    static func handle(_ call: Call, _ params: PageRequest) throws(ServerError) -> Page<TenantView> {
        try Pagination.page(
            try call.platform.read().allTenants, key: { .init($0.createdAt, $0.id) }, request: params,
            scope: call.pageScope,
            render: TenantView.init)
    }
}
