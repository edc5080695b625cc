import JSONRPC
import Domain

/// `collections/list`: the tenant's collections, oldest first; optionally of one space or one
/// embedding model.
enum CollectionsList: MethodDeclaration {
    static let name = "collections/list"
    static let access = Access.anyActor
    static let summary = "Lists the tenant's collections, oldest first; optionally of one space or one embedding model."

    /// The filters and the page.
    struct Params: MethodParams {
        var spaceId: String?
        var embeddingModelId: String?
        var page: PageRequest

        init(from p: inout ParamsReader) throws(ServerError) {
            spaceId = try p.optional("spaceId", .uuid)
            embeddingModelId = try p.optional("embeddingModelId", .uuid)
            page = try PageRequest(from: &p)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<CollectionView> {
        let state = try call.platform.read()
        if let sid = params.spaceId { _ = try state.space(sid, in: call.tenantId) }
        if let mid = params.embeddingModelId { _ = try state.model(mid, in: call.tenantId, includeDeleted: true) }
        let items = state.collections(ofTenant: call.tenantId).filter { c in
            (params.spaceId.map { $0 == c.spaceId } ?? true)
                && (params.embeddingModelId.map { $0 == c.embeddingModelId } ?? true)
        }
        return try Pagination.page(
            items, key: { .init($0.createdAt, $0.id) }, request: params.page, scope: call.pageScope,
            render: CollectionView.init)
    }
}
