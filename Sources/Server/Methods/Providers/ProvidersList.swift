import JSONRPC
import Domain

/// `providers/list`: every provider of the tenant, by name, in one page.
enum ProvidersList: MethodDeclaration {
    static let name = "providers/list"
    static let access = Access.admin
    static let summary = "The tenant's providers, by name."

    /// The whole list `{items, total, nextCursor}`: not paginated, so `nextCursor` is always null.
    struct Result: ShapedResult {
        /// The tenant's providers, by name (then id).
        var items: [ProviderView]
        static let shape = ObjectShape<Self>([
            .member("items", .array(ProviderView.schema)) { .array($0.items.map(\.json)) },
            .member("total", .integer()) { .int($0.items.count) },
            .member("nextCursor", .nullable(.string())) { _ in .null },
        ])
    }

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> Result {
        let items = try call.platform.read().providers(ofTenant: call.tenantId).sorted {
            ($0.name, $0.id) < ($1.name, $1.id)
        }
        return Result(items: items.map(ProviderView.init))
    }
}
