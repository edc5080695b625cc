import JSONRPC
import Domain

/// `migration/history`: history entries newest first, of one model, one migration or the tenant.
enum MigrationHistory: MethodDeclaration {
    static let name = "migration/history"
    static let access = Access.admin
    static let summary =
        "History entries, newest first: of one model (as source or target), one migration, or the whole tenant."

    /// Which entries, and the page.
    struct Params: MethodParams {
        var modelId: String?
        var migrationId: String?
        var page: PageRequest

        init(from p: inout ParamsReader) throws(ServerError) {
            modelId = try p.optional("modelId", .uuid)
            migrationId = try p.optional("migrationId", .uuid)
            page = try PageRequest(from: &p)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<MigrationHistoryEntry> {
        let state = try call.platform.read()
        // Newest first in commit order (entries of one millisecond keep their order).
        var entries = state.historyIDs(ofTenant: call.tenantId).enumerated().compactMap { (i, id) in
            state.migration(id).map { (i, $0) }
        }
        if let mid = params.migrationId {
            entries = entries.filter { $0.1.id == mid }
            if entries.isEmpty { throw .domain(.notFound(entity: "migration", id: mid)) }
        }
        if let model = params.modelId {
            _ = try state.model(model, in: call.tenantId, includeDeleted: true)
            entries = entries.filter { $0.1.fromModelId == model || $0.1.toModelId == model }
        }
        return try Pagination.page(
            entries, key: { .init(Millis($0.0), $0.1.id) }, request: params.page, scope: call.pageScope,
            descending: true,
            render: { MigrationHistoryEntry(entry: $0.1) })
    }
}
