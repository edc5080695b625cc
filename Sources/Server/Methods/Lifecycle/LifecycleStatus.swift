import JSONRPC
import Domain

/// `lifecycle/status`: this process's cleanup schedule, the last run (the tenant's part) and the next.
enum LifecycleStatus: MethodDeclaration {
    static let name = "lifecycle/status"
    static let access = Access.admin
    static let summary = """
        The cleanup schedule of this process, the last run's report (restricted to the tenant) and the next \
        run's time.
        """

    /// The schedule, the last run's report restricted to the tenant, and when the next run is due.
    struct Result: ShapedResult {
        /// The schedule as configured (its description).
        var schedule: String
        /// The last run's report, restricted to the tenant's models; nil before the first run.
        var lastRun: CleanupReport?
        /// When the next scheduled run is due; nil when the schedule is off.
        var nextRunAt: Millis?
        static let shape = ObjectShape<Self>([
            .member("schedule", .string()) { .string($0.schedule) },
            .member("lastRun", .nullable(CleanupReport.schema)) { $0.lastRun?.json ?? .null },
            .member("nextRunAt", .nullable(.timestamp)) { Views.time($0.nextRunAt) },
        ])
    }

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> Result {
        let state = try call.platform.read()
        let last = state.meta?.lastCleanup.map { CleanupReport(CleanupService.report($0, onlyTenant: call.tenantId)) }
        return Result(
            schedule: call.platform.cleanupSchedule.description, lastRun: last,
            nextRunAt: CleanupService.nextRunAt(platform: call.platform, state: state))
    }
}
