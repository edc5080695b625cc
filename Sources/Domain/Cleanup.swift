import JSONRPC

/// Why cleanup keeps a retired model for now (contract §6), checked in this order.
public enum CleanupSkipReason: String, Sendable {
    case hasQuestions = "has_questions"
    case migrationTarget = "migration_target"
    case activeReferences = "active_references"
}

/// What one cleanup run decides, and the changes that carry it out. Pure.
public struct CleanupOutcome: Sendable {
    /// Removed models, in removal order.
    public var removed: [Model] = []
    /// Candidates kept, each with the first reason to keep it.
    public var skipped: [(model: Model, reason: CleanupSkipReason)] = []
    /// Candidates whose removal would break a store rule; left untouched.
    public var errors: [(model: Model, message: String)] = []
    /// The changes of every removal, in order (audit entries are the caller's).
    public var changes: [Change] = []
}

/// Hard-deletes retired models once nothing needs them (contract §6 `lifecycle/cleanup`).
public enum CleanupPlanner {
    /// When a candidate retired: `deletedAt`, else the time its migration retired it.
    public static func retiredAt(_ m: Model) -> Millis { m.deletedAt ?? m.migratedAt ?? m.updatedAt }

    /// Candidates: models with `deletedAt` or `migratedToModelId`, oldest retirement first.
    public static func candidates(in state: PlatformState) -> [Model] {
        state.models.values.filter { $0.deletedAt != nil || $0.migratedToModelId != nil }
            .sorted { (retiredAt($0), $0.id) < (retiredAt($1), $1.id) }
    }

    /// The first reason to keep `m` in `state`, or nil when it may go.
    public static func skipReason(_ m: Model, in state: PlatformState) -> CleanupSkipReason? {
        let references = ModelReferences.of(m.id, in: state)
        if references.questions > 0 { return .hasQuestions }
        if references.migrationSources > 0 { return .migrationTarget }
        if references.activeCount > 0 { return .activeReferences }
        return nil
    }

    /// The changes that remove `m`: soft-deleted templates repointed to its `migratedToModelId`
    /// (or null), history ids nulled (snapshots stay), space links removed, the model removed.
    public static func removal(of m: Model, in state: PlatformState, now: Millis) -> [Change] {
        var changes: [Change] = []
        if let lost = state.defaultLost(with: m) { changes.append(lost) }  // a forced delete of a default
        for tid in (state.templatesByModel[m.id] ?? []).sorted() {
            guard var t = state.templates[tid] else { continue }
            t.completionModelId = m.migratedToModelId
            t.updatedAt = now
            changes.append(.putTemplate(t))
        }
        changes += state.historyDetaching(model: m.id, tenant: m.tenantId)
        for sid in (state.spacesByModel[m.id] ?? []).sorted() {
            guard var s = state.spaces[sid] else { continue }
            s.modelIds.removeAll { $0 == m.id }
            changes.append(.putSpace(s))
        }
        changes.append(.remove(.model, id: m.id))
        return changes
    }

    /// Decides up to `limit` candidates on a simulated state, so a chain A→B→C collapses in one
    /// run: removing A frees B. Each removal is checked against the store's rules on its own; one
    /// that would break them is reported in `errors` and the others go on. `checkpoint(done,
    /// total)` is called after each candidate so a caller can report progress or stop.
    public static func run<E: Error>(
        state: PlatformState, limit: Int, now: Millis,
        extraChanges: (Model) -> [Change] = { _ in [] },
        checkpoint: (_ done: Int, _ total: Int) throws(E) -> Void
    ) throws(E) -> CleanupOutcome {
        var sim = state
        var out = CleanupOutcome()
        let chosen = Array(candidates(in: state).prefix(limit))
        var open = chosen
        var done = 0
        while true {
            var progressed = false
            var stillOpen: [Model] = []
            for m in open {
                if skipReason(m, in: sim) != nil {
                    stillOpen.append(m)
                    continue
                }
                let tx = Transaction(removal(of: m, in: sim, now: now) + extraChanges(m))
                if let v = sim.violation(of: tx) {
                    out.errors.append((m, v))
                } else {
                    sim.apply(tx)
                    out.changes += tx.changes
                    out.removed.append(m)
                    progressed = true
                }
                done += 1
                try checkpoint(done, chosen.count)
            }
            open = stillOpen
            if !progressed || open.isEmpty { break }
        }
        for m in open {
            out.skipped.append((m, skipReason(m, in: sim)!))
            done += 1
            try checkpoint(done, chosen.count)
        }
        return out
    }
}
