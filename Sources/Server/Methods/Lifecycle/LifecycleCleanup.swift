import JSONRPC
import Domain

/// `lifecycle/cleanup`: hard-deletes the retired models nothing needs any more (or, dry, decides only).
enum LifecycleCleanup: MethodDeclaration {
    static let name = "lifecycle/cleanup"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = """
        Hard-deletes migrated and soft-deleted models that nothing needs any more, oldest first, in one atomic \
        commit; dryRun decides the same and changes nothing.
        """

    /// Whether to change anything, how many candidates to decide, and the progress token.
    struct Params: MethodParams {
        var dryRun: Bool
        var limit: Int
        /// The client's progress token; the request context reports progress under it.
        var workDoneToken: JSONValue?

        init(from p: inout ParamsReader) throws(ServerError) {
            dryRun = try p.optional("dryRun", .boolean, "Decide and report, change nothing.", default: false)
            limit = try p.optional(
                "limit", .integer(min: 1, max: 500), "Candidates decided in this run (default 500).", default: 500)
            workDoneToken = try p.optional("workDoneToken", .oneOf([.string(), .integer()]))
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> CleanupReport {
        call.context.progress.begin(title: "Cleaning up retired models")
        defer { call.context.progress.end() }
        let actor = Initiator(userId: call.actor.userId, name: call.actor.name)
        let report = try CleanupService.run(
            platform: call.platform, actor: actor, dryRun: params.dryRun, limit: params.limit
        ) { (done, total) throws(ServerError) in
            if !call.context.progress.isPastCancelling { try call.context.cancellation.check() }
            if done % 16 == 0 || done == total {
                call.context.progress.report(percentage: 100 * done / max(total, 1))
            }
            if done == total { call.context.progress.pastCancelling(message: params.dryRun ? nil : "committing") }
        }
        return CleanupReport(report)
    }
}
