import JSONRPC
import Domain

/// `usage/summary`: live usage of every model of the tenant that is not deleted, by name, with
/// the tenant's totals.
enum UsageSummary: MethodDeclaration {
    static let name = "usage/summary"
    static let access = Access.admin
    static let summary = "Live usage of every model of the tenant (soft-deleted ones left out), by name."

    /// One model's usage.
    struct ModelUsage: ShapedResult {
        var modelId: String
        var name: String
        var status: ModelStatus
        var usage: UsageCounts

        static let shape = ObjectShape<Self>([
            .member("modelId", .uuid) { .string($0.modelId) },
            .member("name", .string()) { .string($0.name) },
            .member("status", .string()) { .string($0.status.rawValue) },
            .member("usage", UsageCounts.schema) { $0.usage.json },
        ])
    }

    /// `{models, totals}`.
    struct Summary: ShapedResult {
        /// Every model's usage, by name (then id).
        var models: [ModelUsage]
        /// The counts of all of them added up.
        var totals: UsageCounts

        static let shape = ObjectShape<Self>([
            .member("models", .array(ModelUsage.schema)) { .array($0.models.map(\.json)) },
            .member("totals", UsageCounts.schema) { $0.totals.json },
        ])
    }

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> Summary {
        let state = try call.platform.read()
        var totals = ModelReferences()
        var rows: [(String, ModelUsage)] = []
        for id in state.modelIDs(ofTenant: call.tenantId) {
            guard let m = state.model(id), m.deletedAt == nil else { continue }
            let u = ModelReferences.of(m.id, in: state)
            totals += u
            rows.append(
                (
                    m.name + "\u{0}" + m.id,
                    ModelUsage(
                        modelId: m.id, name: m.name, status: Views.lifecycle(m, state, call.platform).status,
                        usage: UsageCounts(u))
                ))
        }
        return Summary(models: rows.sorted { $0.0 < $1.0 }.map(\.1), totals: UsageCounts(totals))
    }
}
