import JSONRPC
import Domain

/// `spaces/list`: the tenant's spaces, oldest first.
enum SpacesList: MethodDeclaration {
    static let name = "spaces/list"
    static let access = Access.anyActor
    static let summary = "The tenant's spaces, oldest first."

    static func handle(_ call: Call, _ params: PageRequest) throws(ServerError) -> Page<SpaceView> {
        let items = try call.platform.read().spaces(ofTenant: call.tenantId)
        return try Pagination.page(
            items, key: { .init($0.createdAt, $0.id) }, request: params, scope: call.pageScope, render: SpaceView.init)
    }
}
