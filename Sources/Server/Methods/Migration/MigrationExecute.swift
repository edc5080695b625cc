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
    static let errors: [ErrorCode] = [.migrationBlocked, .confirmationRequired, .stalePlan, .forbidden]

    /// The migration, and what the admin confirmed.
    struct Params: MethodParams {
        var request: MigrationRequest
        var confirm: Bool
        var expectedPlanHash: String?
        /// Blockers a sysadmin passes, by code (never those of `MigrationPlan.unoverridableBlockers`).
        var overrideBlockers: [String]
        /// Why, required with `overrideBlockers`.
        var overrideReason: String?
        /// Read by the request's progress reporting, not by the handler.
        var workDoneToken: JSONValue?

        init(from p: inout ParamsReader) throws(ServerError) {
            request = try MigrationRequest(from: &p)
            confirm = try p.optional(
                "confirm", .boolean, "Must be true when the preflight has warnings.", default: false)
            expectedPlanHash = try p.optional(
                "expectedPlanHash", .string(.init(maxLength: 64)),
                "The planHash of the validation the admin confirmed.")
            overrideBlockers = try p.optional(
                "overrideBlockers", .array(.string(.init(minLength: 1, maxLength: 64)), maxItems: 16),
                "Sysadmin only: blocker codes to pass (never kind_mismatch, same_model or requires_reembedding); recorded in the "
                    + "history entry and the audit with overrideReason.", default: [])
            overrideReason = try p.optional(
                "overrideReason", .string(.init(minLength: 1, maxLength: 2000)), "Why; required with overrideBlockers.")
            workDoneToken = try p.optional("workDoneToken", .oneOf([.string(), .integer()]))
        }

        /// The override asked for, checked: a sysadmin's, with a reason, of blockers that may be
        /// passed.
        func checkedOverride(_ call: Call) throws(ServerError) -> Set<String> {
            guard !overrideBlockers.isEmpty else { return [] }
            guard call.actor.role == .sysadmin else {
                throw .domain(.forbidden(method: "migration/execute with overrideBlockers", role: call.actor.role))
            }
            for (k, code) in overrideBlockers.enumerated() where MigrationPlan.unoverridableBlockers.contains(code) {
                throw .invalidParams("/overrideBlockers/\(k)", "\(code) cannot be overridden")
            }
            guard overrideReason != nil else {
                throw .invalidParams("/overrideReason", "is required with overrideBlockers")
            }
            return Set(overrideBlockers)
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
        call.context.progress.begin(title: "Migrating configuration")
        defer { call.context.progress.end() }
        let overriding = try params.checkedOverride(call)
        let outcome = try migrate(
            call, params.request, confirm: params.confirm, expectedPlanHash: params.expectedPlanHash,
            overriding: overriding, overrideReason: params.overrideReason)
        call.context.progress.report(percentage: 100)
        return try outcome.get()
    }

    /// One ordinary migration in `call`'s tenant, one atomic commit: the run, or its refusal as a
    /// failed history entry (`.failure` with the refusal's error). `not_found` and the store's
    /// failures throw, writing nothing. `migration/executeFleet` runs it once per tenant.
    static func migrate(
        _ call: Call, _ request: MigrationRequest, confirm: Bool, expectedPlanHash: String?,
        overriding: Set<String> = [], overrideReason: String? = nil
    ) throws(ServerError) -> Swift.Result<Execution, ServerError> {
        let startedAt = call.platform.now
        return try call.platform.write { state throws(ServerError) in
            try migration(
                call, request, in: state, confirm: confirm, expectedPlanHash: expectedPlanHash, overriding: overriding,
                overrideReason: overrideReason, startedAt: startedAt)
        }
    }

    /// Who runs a migration for a lifecycle policy: its plan, the last day it may be reverted, and
    /// who the history and audit entries name (the policy, or the admin who approved its plan).
    struct PolicyRun {
        var planId: String
        var undoUntilDay: Int
        var initiator: Initiator
    }

    /// The transaction of one migration on `state` (see `migrate`): a lifecycle policy's run
    /// (`policy`) leaves pinned configurations, records the plan as its initiator and the last day
    /// of its undo window, and is audited `migration.executed`.
    static func migration(
        _ call: Call, _ request: MigrationRequest, in state: PlatformState, confirm: Bool, expectedPlanHash: String?,
        overriding: Set<String> = [], overrideReason: String? = nil, startedAt: Millis, policy: PolicyRun? = nil
    ) throws(ServerError) -> (Transaction, Swift.Result<Execution, ServerError>) {
        let requested = request.requested
        let p = try request.plan(call, state, keepingPinned: policy != nil)
        let initiator = policy?.initiator ?? Initiator(userId: call.actor.userId, name: call.actor.name)
        if let refusal = p.refusal(expectedPlanHash: expectedPlanHash, confirmed: confirm, overriding: overriding) {
            let e = attempt(
                call, p, status: .failed, error: refusal.message, startedAt: startedAt, requested: requested,
                initiator: initiator)
            return (Transaction([.putMigration(e)]), .failure(.domain(refusal.error)))
        }
        // The blockers actually passed (an override of a blocker the plan does not have passes nothing).
        let overridden = p.blockers.map(\.code).filter { overriding.contains($0) }
        // Once `cancellable: false` was reported, a body run again (under the store's lock)
        // must not stop for a cancel.
        let cancellable = !call.context.progress.isPastCancelling
        call.context.progress.report(percentage: 10, message: "\(p.affectedCount) entities to move")
        if cancellable { try call.context.cancellation.check() }
        let now = call.platform.now
        var e = attempt(
            call, p, status: .completed, error: nil, startedAt: startedAt, requested: requested,
            initiator: initiator)
        e.undoUntilDay = policy?.undoUntilDay
        // The configurations move by one compact change that also fills e's undo list.
        let out = p.execution(state: state, now: now, historyId: e.id)
        call.context.progress.report(percentage: 80)
        if cancellable { try call.context.cancellation.check() }
        call.context.progress.pastCancelling(message: "committing")
        e.moved = out.moved
        e.movedEntities = out.movedEntities
        e.linksAdded = out.linksAdded
        e.linksRemoved = out.linksRemoved
        e.sourceRetired = out.sourceRetired
        e.defaultMoved = out.defaultMoved
        e.defaultLost = out.defaultLost
        e.completedAt = now
        if !overridden.isEmpty {
            e.overriddenBlockers = overridden
            e.overrideReason = overrideReason
        }
        var tx = Transaction([.putMigration(e)] + out.changes)
        var changes: JSONObject = [
            "migrationId": .string(e.id), "toModelId": .string(p.target.model.id),
            "moved": .object(
                JSONObject(members: out.moved.keys.sorted().map { .init(key: $0, value: .int(out.moved[$0]!)) })),
            "sourceRetired": .bool(out.sourceRetired),
        ]
        if out.defaultMoved { changes["defaultMovedTo"] = .string(p.target.model.id) }
        if out.defaultLost { changes["defaultLost"] = .string(p.source.model.kind.rawValue) }
        if !overridden.isEmpty {
            changes["overriddenBlockers"] = .array(overridden.map { .string($0) })
            changes["overrideReason"] = .optionalString(overrideReason)
        }
        if let policy {
            changes["planId"] = .string(policy.planId)
            changes["kept"] = .array(p.keptPinned.map { .string($0) })
        }
        tx.add(
            AuditLog.entry(
                call, actor: initiator, action: policy == nil ? "model.migrated" : "migration.executed",
                model: p.source.model,
                description:
                    "Migrated \(e.movedCount) entities from \(p.source.model.name) to \(p.target.model.name)",
                changes: changes))
        var moved = JSONObject()
        for t in p.entityTypes { moved.append(t.rawValue, .int(out.moved[t.rawValue] ?? 0)) }
        let result = Execution(
            migrationId: e.id, moved: moved, total: e.movedCount, sourceRetired: out.sourceRetired,
            issues: p.issues, durationMs: Int(now - startedAt))
        return (tx, .success(result))
    }

    /// The history entry of this call's attempt at `plan`, completed now (a fresh id, then the
    /// time).
    private static func attempt(
        _ call: Call, _ plan: MigrationPlan, status: MigrationEntry.Status, error: String?, startedAt: Millis,
        requested: [String], initiator: Initiator
    ) -> MigrationEntry {
        MigrationEntry.attempt(
            plan, id: call.platform.newID(), tenantId: call.tenantId, status: status, error: error,
            requested: requested, initiatedBy: initiator, startedAt: startedAt, completedAt: call.platform.now)
    }
}
