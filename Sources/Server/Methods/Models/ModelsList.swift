import JSONRPC
import Domain

/// `models/list`: the tenant's models from the view cache, filtered, oldest first.
enum ModelsList: MethodDeclaration {
    static let name = "models/list"
    static let access = Access.anyActor
    static let summary = "The tenant's models, oldest first; soft-deleted ones only with includeDeleted."

    /// The filters, and the page.
    struct Params: MethodParams {
        var includeDeleted: Bool
        var kind: ModelKind?
        var status: ModelStatus?
        var page: PageRequest

        init(from p: inout ParamsReader) throws(ServerError) {
            includeDeleted = try p.optional("includeDeleted", .boolean, default: false)
            kind = try p.optional("kind", .enumeration(ModelKind.allCases.map(\.rawValue)))
            status = try p.optional("status", .enumeration(ModelStatus.allCases.map(\.rawValue)))
            page = try PageRequest(from: &p)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<ModelView> {
        let state = try call.platform.read()
        let ids = state.modelIDs(ofTenant: call.tenantId)
        // Cached entries carry what the filters and the order need: no model is copied.
        var items: [ModelViewCache.Entry] = []
        items.reserveCapacity(ids.count)
        for id in ids {
            guard let e = call.platform.modelViews.entry(id, state, call.platform) else { continue }
            if (params.includeDeleted || !e.isDeleted) && (params.kind == nil || e.kind == params.kind)
                && (params.status == nil || e.status == params.status)
            {
                items.append(e)
            }
        }
        return try Pagination.page(
            items, key: { .init($0.createdAt, $0.id) }, request: params.page, scope: call.pageScope
        ) {
            ModelView(serialized: $0.view)
        }
    }
}
