import JSONRPC
import Domain

/// Runs cleanups for `lifecycle/cleanup`, the schedule and the `cleanup` command alike, and
/// keeps the schedule's state (store creation time, last report) in the store.
public enum CleanupService {
    /// The actor of scheduled runs in audit entries.
    public static let scheduler = Initiator(userId: "system", name: "scheduled cleanup")

    /// One run. A real run is one atomic commit (removals, audit `model.hard_deleted`, the
    /// report as the store's last run); a dry run reads and decides the same way and writes nothing.
    public static func run(
        platform: Platform, actor: Initiator, dryRun: Bool, limit: Int,
        checkpoint: (_ done: Int, _ total: Int) throws(ServerError) -> Void = { (_: Int, _: Int) throws(ServerError) in
        }
    )
        throws(ServerError) -> JSONObject
    {
        let startedAt = platform.now
        if dryRun {
            return try decide(
                try platform.read(), platform: platform, actor: actor, dryRun: true, limit: limit, startedAt: startedAt,
                checkpoint: checkpoint
            ).1
        }
        return try platform.write { state throws(ServerError) in
            try decide(
                state, platform: platform, actor: actor, dryRun: false, limit: limit, startedAt: startedAt,
                checkpoint: checkpoint)
        }
    }

    /// Decides a run on `state`: the transaction (removals, audit entries, the report recorded as
    /// the store's last run; empty for a dry run) and the report.
    static func decide(
        _ state: PlatformState, platform: Platform, actor: Initiator, dryRun: Bool, limit: Int, startedAt: Millis,
        checkpoint: (_ done: Int, _ total: Int) throws(ServerError) -> Void
    ) throws(ServerError) -> (Transaction, JSONObject) {
        let outcome = try CleanupPlanner.run(
            state: state, limit: limit, now: startedAt,
            extraChanges: { m in
                dryRun ? [] : [audit(platform, actor: actor, model: m)]
            }, checkpoint: checkpoint)
        let r = report(outcome, dryRun: dryRun, startedAt: startedAt, durationMs: Int(platform.now - startedAt))
        if dryRun { return (Transaction(), r) }
        var meta = state.meta ?? StoreMeta(createdAt: startedAt)
        meta.lastCleanup = r
        meta.lastCleanupAt = startedAt
        return (Transaction(outcome.changes + [.putMeta(meta)]), r)
    }

    static func audit(_ platform: Platform, actor: Initiator, model m: Model) -> Change {
        let why = m.deletedAt != nil ? "deleted" : "migrated to \(m.migratedToModelId ?? "?")"
        return .putAudit(
            AuditEntry(
                id: platform.newID(), at: platform.now, action: "model.hard_deleted", tenantId: m.tenantId,
                actor: actor,
                entityType: "model", entityId: m.id, description: "Cleanup removed model \(m.name) (\(why))",
                changes: ["name": .string(m.name), "migratedToModelId": .optionalString(m.migratedToModelId)]))
    }

    /// `{removed, skipped, errors, dryRun, startedAt, durationMs}`.
    static func report(_ o: CleanupOutcome, dryRun: Bool, startedAt: Millis, durationMs: Int) -> JSONObject {
        func ref(_ m: Model) -> JSONObject {
            ["id": .string(m.id), "name": .string(m.name), "tenantId": .string(m.tenantId)]
        }
        return [
            "removed": .array(o.removed.map { .object(ref($0)) }),
            "skipped": .array(
                o.skipped.map {
                    var r = ref($0.model)
                    r["reason"] = .string($0.reason.rawValue)
                    return .object(r)
                }),
            "errors": .array(
                o.errors.map {
                    var r = ref($0.model)
                    r["message"] = .string($0.message)
                    return .object(r)
                }),
            "dryRun": .bool(dryRun), "startedAt": Views.time(startedAt), "durationMs": .int(durationMs),
        ]
    }

    /// The report restricted to one tenant's models (what an admin may see).
    static func report(_ r: JSONObject, onlyTenant tenantId: String) -> JSONObject {
        var out = r
        for key in ["removed", "skipped", "errors"] {
            out[key] = .array((r[key]?.arrayValue ?? []).filter { $0["tenantId"]?.stringValue == tenantId })
        }
        return out
    }

    /// Records the store's creation time the first time a serving process opens it (the
    /// schedule's origin: a new store's first run is a full period away, never immediate).
    public static func ensureMeta(platform: Platform) throws(ServerError) {
        guard (try platform.read()).meta == nil else { return }
        try platform.write { state throws(ServerError) in
            (state.meta == nil ? Transaction([.putMeta(StoreMeta(createdAt: platform.now))]) : Transaction(), ())
        }
    }

    /// When the next scheduled run is due (nil when the schedule is off).
    public static func nextRunAt(platform: Platform, state: PlatformState) -> Millis? {
        platform.cleanupSchedule.next(after: state.meta?.lastCleanupAt ?? state.meta?.createdAt ?? platform.now)
    }

    /// Runs the scheduled cleanup when it is due; returns its report, or nil when none was due.
    /// The due check is repeated under the write lock, so of several processes serving one store
    /// only one runs it.
    public static func runIfDue(platform: Platform) throws(ServerError) -> JSONObject? {
        let state = try platform.read()
        guard let meta = state.meta,
            platform.cleanupSchedule.isDue(
                now: platform.now, lastRunAt: meta.lastCleanupAt, storeCreatedAt: meta.createdAt)
        else { return nil }
        let startedAt = platform.now
        return try platform.write { state throws(ServerError) -> (Transaction, JSONObject?) in
            guard let meta = state.meta,
                platform.cleanupSchedule.isDue(
                    now: startedAt, lastRunAt: meta.lastCleanupAt, storeCreatedAt: meta.createdAt)
            else { return (Transaction(), nil) }
            let (tx, r) = try decide(
                state, platform: platform, actor: scheduler, dryRun: false, limit: 500, startedAt: startedAt,
                checkpoint: { (_: Int, _: Int) throws(ServerError) in })
            return (tx, r)
        }
    }
}
