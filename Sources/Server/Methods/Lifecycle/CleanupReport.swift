import JSONRPC
import Domain

/// A cleanup run's report, `{removed, skipped, errors, dryRun, startedAt, durationMs}`, as
/// `lifecycle/cleanup` answers it and `lifecycle/status` shows the last one (its JSON is built by
/// `CleanupService.report`).
struct CleanupReport: MethodResult {
    /// The report as `CleanupService` builds it.
    var report: JSONObject

    /// Wraps a report built by `CleanupService`.
    init(_ report: JSONObject) { self.report = report }

    /// A model the report names: its id, name and tenant.
    private static let modelRef: [Field] = [
        .required("id", .uuid), .required("name", .string()), .required("tenantId", .uuid),
    ]

    static let schema = Schema.named(
        "CleanupReport",
        .object([
            .required("removed", .array(.object(modelRef))),
            .required(
                "skipped",
                .array(
                    .object(
                        modelRef + [
                            .required(
                                "reason", .enumeration(["has_questions", "migration_target", "active_references"]))
                        ]))),
            .required("errors", .array(.object(modelRef + [.required("message", .string())]))),
            .required("dryRun", .boolean), .required("startedAt", .timestamp),
            .required("durationMs", .integer(min: 0)),
        ]))

    var json: JSONValue { .object(report) }
}
