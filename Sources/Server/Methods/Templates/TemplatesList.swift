import JSONRPC
import Domain

/// `templates/list`: the tenant's templates, oldest first, optionally of one kind.
enum TemplatesList: MethodDeclaration {
    static let name = "templates/list"
    static let access = Access.admin
    static let summary = "The tenant's templates, oldest first; soft-deleted ones only with includeDeleted."

    /// Which templates, and the page.
    struct Params: MethodParams {
        var kind: TemplateKind?
        var includeDeleted: Bool
        var page: PageRequest

        init(from p: inout ParamsReader) throws(ServerError) {
            kind = try p.optional("kind", .enumeration(TemplateKind.allCases.map(\.rawValue)))
            includeDeleted = try p.optional("includeDeleted", .boolean, default: false)
            page = try PageRequest(from: &p)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<TemplateView> {
        let items = try call.platform.read().templates(ofTenant: call.tenantId).filter {
            (params.includeDeleted || $0.deletedAt == nil) && (params.kind == nil || $0.kind == params.kind)
        }
        return try Pagination.page(
            items, key: { .init($0.createdAt, $0.id) }, request: params.page, scope: call.pageScope,
            render: TemplateView.init)
    }
}
