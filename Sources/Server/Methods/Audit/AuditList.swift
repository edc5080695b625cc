import JSONRPC
import Domain

/// `audit/list`: the tenant's audit entries, newest first, optionally of one action or entity.
enum AuditList: MethodDeclaration {
    static let name = "audit/list"
    static let access = Access.admin
    static let summary = "The tenant's audit entries, newest first."

    /// The filters, and the page.
    struct Params: MethodParams {
        var action: String?
        var entityId: String?
        var page: PageRequest

        init(from p: inout ParamsReader) throws(ServerError) {
            action = try p.optional("action", .enumeration(AuditLog.actions))
            entityId = try p.optional("entityId", .uuid)
            page = try PageRequest(from: &p)
        }
    }

    /// An audit entry as sent.
    struct Entry: ShapedResult {
        /// The entry.
        var entry: AuditEntry

        static let shape = ObjectShape<Self>(
            "AuditEntry",
            [
                .member("id", .uuid) { .string($0.entry.id) },
                .member("at", .timestamp) { Views.time($0.entry.at) },
                .member("action", .enumeration(AuditLog.actions)) { .string($0.entry.action) },
                .member("tenantId", .uuid) { .string($0.entry.tenantId) },
                .member("actor", MigrationHistoryEntry.initiatorSchema) { $0.entry.actor.json },
                .member("entityType", .string()) { .string($0.entry.entityType) },
                .member("entityId", .uuid) { .string($0.entry.entityId) },
                .member("description", .string()) { .string($0.entry.description) },
                .member("changes", .anyObject) { .object($0.entry.changes) },
            ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<Entry> {
        let state = try call.platform.read()
        // Newest first in commit order (entries of one millisecond keep their order).
        let items = state.auditIDs(ofTenant: call.tenantId).enumerated().compactMap { (i, id) in
            state.auditEntry(id).map { (i, $0) }
        }
        .filter {
            (params.action == nil || $0.1.action == params.action)
                && (params.entityId == nil || $0.1.entityId == params.entityId)
        }
        return try Pagination.page(
            items, key: { .init(Millis($0.0), $0.1.id) }, request: params.page, scope: call.pageScope, descending: true,
            render: { Entry(entry: $0.1) })
    }
}
