import JSONRPC
import Domain

/// `lifecycle/cleanup` (sysadmin) and `lifecycle/status` (admins of the tenant, sysadmins).
enum RetirementMethods {
    static let modelRef: [Field] = [.required("id", .uuid), .required("name", .string()), .required("tenantId", .uuid)]
    static let reportSchema = Schema.named(
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

    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "lifecycle/cleanup", .sysadmin, tenantScoped: false,
                summary:
                    "Hard-deletes migrated and soft-deleted models that nothing needs any more, oldest first, in one atomic commit; dryRun decides the same and changes nothing.",
                params: [
                    .optional("dryRun", .boolean, "Decide and report, change nothing."),
                    .optional("limit", .integer(min: 1, max: 500), "Candidates decided in this run (default 500)."),
                    .optional("workDoneToken", .oneOf([.string(), .integer()])),
                ],
                result: reportSchema
            ) { call throws(ServerError) in
                call.context.progress.begin(title: "Cleaning up retired models")
                defer { call.context.progress.end() }
                let actor = Initiator(userId: call.actor.userId, name: call.actor.name)
                let report = try CleanupService.run(
                    platform: call.platform, actor: actor, dryRun: call.params.bool("dryRun", default: false),
                    limit: call.params.optionalInt("limit") ?? 500
                ) { (done, total) throws(ServerError) in
                    try call.context.cancellation.check()
                    if done % 16 == 0 || done == total {
                        call.context.progress.report(percentage: 100 * done / max(total, 1))
                    }
                }
                return .object(report)
            },
            DomainMethod(
                "lifecycle/status", .admin,
                summary:
                    "The cleanup schedule of this process, the last run's report (restricted to the tenant) and the next run's time.",
                result: .object([
                    .required("schedule", .string()), .required("lastRun", .nullable(reportSchema)),
                    .required("nextRunAt", .nullable(.timestamp)),
                ])
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let last =
                    state.meta?.lastCleanup.map {
                        JSONValue.object(CleanupService.report($0, onlyTenant: call.tenantId))
                    } ?? .null
                return [
                    "schedule": .string(call.platform.cleanupSchedule.description), "lastRun": last,
                    "nextRunAt": CleanupService.nextRunAt(platform: call.platform, state: state).map(Views.time)
                        ?? .null,
                ]
            },
        ]
    }
}
