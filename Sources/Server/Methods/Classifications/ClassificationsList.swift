import JSONRPC
import Domain

/// `classifications/list`: every classification of the tenant, by level then name, in one page.
enum ClassificationsList: MethodDeclaration {
    static let name = "classifications/list"
    static let access = Access.admin
    static let summary = "The tenant's classifications, by level then name."

    /// The whole list `{items, total, nextCursor}`: not paginated, so `nextCursor` is always null.
    struct Result: ShapedResult {
        /// The tenant's classifications, by level then name.
        var items: [ClassificationView]
        static let shape = ObjectShape<Self>([
            .member("items", .array(ClassificationView.schema)) { .array($0.items.map(\.json)) },
            .member("total", .integer()) { .int($0.items.count) },
            .member("nextCursor", .nullable(.string())) { _ in .null },
        ])
    }

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> Result {
        let items = try call.platform.read().classifications(ofTenant: call.tenantId)
            .sorted { ($0.level, $0.name) < ($1.level, $1.name) }
        return Result(items: items.map(ClassificationView.init))
    }
}
