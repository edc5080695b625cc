import JSONRPC
import Domain

/// `migration/execute`: moves the tenant's active configuration from one model to another in one
/// transaction. A refusal still commits: a failed history entry.
enum MigrationExecute: MethodDeclaration {
    static let name = "migration/execute"
    static let access = Access.admin
    static let summary =
        "Moves the tenant's active configuration from one model to another in one atomic, durable step. "
        + "Refusals leave a failed history entry."
    static let errors: [ErrorCode] = [.migrationBlocked, .confirmationRequired, .stalePlan]

    /// The migration, and what the admin confirmed.
    struct Params: MethodParams {
        var request: MigrationRequest
        var confirm: Bool
        var expectedPlanHash: String?
        /// Read by the request's progress reporting, not by the handler.
        var workDoneToken: JSONValue?

        init(from p: inout ParamsReader) throws(ServerError) {
            request = try MigrationRequest(from: &p)
            confirm = try p.optional(
                "confirm", .boolean, "Must be true when the preflight has warnings.", default: false)
            expectedPlanHash = try p.optional(
                "expectedPlanHash", .string(.init(maxLength: 64)),
                "The planHash of the validation the admin confirmed.")
            workDoneToken = try p.optional("workDoneToken", .oneOf([.string(), .integer()]))
        }
    }

    /// `{migrationId, status, moved, total, sourceRetired, issues, durationMs}` of a completed
    /// migration.
    struct Execution: ShapedResult {
        /// The history entry's id.
        var migrationId: String
        /// Per selected entity type (in `MigrationEntityType.allCases` order), how many moved.
        var moved: JSONObject
        /// How many moved in all.
        var total: Int
        /// Whether the source was retired (nothing active was left on it).
        var sourceRetired: Bool
        /// The preflight's issues.
        var issues: [MigrationIssue]
        /// From the request's start to the commit.
        var durationMs: Int

        static let shape = ObjectShape<Self>([
            .member("migrationId", .uuid) { .string($0.migrationId) },
            .member("status", .enumeration(["completed"])) { _ in "completed" },
            .member("moved", .anyObject) { .object($0.moved) },
            .member("total", .integer()) { .int($0.total) },
            .member("sourceRetired", .boolean) { .bool($0.sourceRetired) },
            .member("issues", .array(MigrationIssue.schema)) { .array($0.issues.map(\.json)) },
            .member("durationMs", .integer()) { .int($0.durationMs) },
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Execution {
        let requested = params.request.requested
        let startedAt = call.platform.now
        call.context.progress.begin(title: "Migrating configuration")
        defer { call.context.progress.end() }
        let outcome: Swift.Result<Execution, ServerError> = try call.platform.write { state throws(ServerError) in
            let p = try params.request.plan(call, state)
            if let refusal = p.refusal(expectedPlanHash: params.expectedPlanHash, confirmed: params.confirm) {
                let e = attempt(
                    call, p, status: .failed, error: refusal.message, startedAt: startedAt, requested: requested)
                return (Transaction([.putMigration(e)]), .failure(.domain(refusal.error)))
            }
            call.context.progress.report(percentage: 10, message: "\(p.affectedCount) entities to move")
            try call.context.cancellation.check()
            let now = call.platform.now
            var e = attempt(call, p, status: .completed, error: nil, startedAt: startedAt, requested: requested)
            // The configurations move by one compact change that also fills e's undo list.
            let out = p.execution(state: state, now: now, historyId: e.id)
            call.context.progress.report(percentage: 80)
            try call.context.cancellation.check()
            call.context.progress.pastCancelling(message: "committing")
            e.moved = out.moved
            e.movedEntities = out.movedEntities
            e.linksAdded = out.linksAdded
            e.linksRemoved = out.linksRemoved
            e.sourceRetired = out.sourceRetired
            e.completedAt = now
            var tx = Transaction([.putMigration(e)] + out.changes)
            tx.add(
                AuditLog.entry(
                    call, action: "model.migrated", model: p.source.model,
                    description:
                        "Migrated \(e.movedCount) entities from \(p.source.model.name) to \(p.target.model.name)",
                    changes: [
                        "migrationId": .string(e.id), "toModelId": .string(p.target.model.id),
                        "moved": .object(
                            JSONObject(
                                members: out.moved.keys.sorted().map { .init(key: $0, value: .int(out.moved[$0]!)) })),
                        "sourceRetired": .bool(out.sourceRetired),
                    ]))
            var moved = JSONObject()
            for t in p.entityTypes { moved.append(t.rawValue, .int(out.moved[t.rawValue] ?? 0)) }
            let result = Execution(
                migrationId: e.id, moved: moved, total: e.movedCount, sourceRetired: out.sourceRetired,
                issues: p.issues, durationMs: Int(now - startedAt))
            return (tx, .success(result))
        }
        call.context.progress.report(percentage: 100)
        return try outcome.get()
    }

    /// The history entry of this call's attempt at `plan`, completed now (a fresh id, then the
    /// time).
    private static func attempt(
        _ call: Call, _ plan: MigrationPlan, status: MigrationEntry.Status, error: String?, startedAt: Millis,
        requested: [String]
    ) -> MigrationEntry {
        MigrationEntry.attempt(
            plan, id: call.platform.newID(), tenantId: call.tenantId, status: status, error: error,
            requested: requested, initiatedBy: Initiator(userId: call.actor.userId, name: call.actor.name),
            startedAt: startedAt, completedAt: call.platform.now)
    }
}
