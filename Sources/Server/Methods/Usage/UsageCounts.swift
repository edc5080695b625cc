import JSONRPC
import Domain

/// Live counts of what uses a model (or, added up, the tenant's models): `usage/stats`'s result
/// and a member of `usage/summary`'s.
struct UsageCounts: ShapedResult {
    /// The counts.
    var references: ModelReferences

    /// The counts of `references`.
    init(_ references: ModelReferences) { self.references = references }

    static let shape = ObjectShape<Self>(
        "UsageStats",
        [
            .member("assistants", .integer()) { .int($0.references.assistants) },
            .member("apps", .integer()) { .int($0.references.apps) },
            .member("services", .integer()) { .int($0.references.services) },
            .member("assistantTemplates", .integer()) { .int($0.references.assistantTemplates) },
            .member("appTemplates", .integer()) { .int($0.references.appTemplates) },
            .member("collections", .integer(), "collections embedded with the model") {
                .int($0.references.collections)
            },
            .member("spaces", .integer()) { .int($0.references.spaces) },
            .member("questions", .integer()) { .int($0.references.questions) },
            .member("totalUsage", .integer(), "assistants + apps + services") { .int($0.references.totalUsage) },
        ])
}
