import JSONRPC
import Domain

/// Tenants' lifecycle policies at work (issue 18): which models meet a policy, the plan it makes
/// for each, announcing and re-announcing plans, and running the due ones. Every step is a store
/// write whose body decides on the state it is given, so two processes ticking at once plan once
/// and run a plan once (the second sees the first's commit).
enum PolicyEngine {
    /// What a tick did (or, dry, would do) with one plan.
    struct Action {
        var tenantId: String
        var planId: String
        var sourceModelId: String
        var targetModelId: String?
        /// `announced`, `reannounced`, `rescheduled`, `awaiting_approval`, `executed`, `skipped`, `failed`,
        /// `superseded`.
        var action: String
        var reason: String?

        var json: JSONValue {
            [
                "tenantId": .string(tenantId), "planId": .string(planId), "sourceModelId": .string(sourceModelId),
                "targetModelId": .optionalString(targetModelId), "action": .string(action),
                "reason": .optionalString(reason),
            ]
        }
        static let actions = [
            "announced", "reannounced", "rescheduled", "awaiting_approval", "executed", "skipped", "failed",
            "superseded",
        ]
        static let schema = Schema.object([
            .required("tenantId", .uuid), .required("planId", .uuid), .required("sourceModelId", .uuid),
            .required("targetModelId", .nullable(.uuid)), .required("action", .enumeration(actions)),
            .required("reason", .nullable(.string())),
        ])
    }

    /// What a policy would do about one model today.
    struct Proposal {
        var source: Model
        var target: Model?
        var plan: MigrationPlan?
        var status: PolicyPlan.Status
        var reason: String?
    }

    // MARK: deciding

    /// What a policy moves: configurations and templates. Never space links: a space keeps the
    /// source enabled, so pinned configurations stay usable where they are.
    static let entityTypes = MigrationEntityType.allCases.filter { $0 != .spaces }

    /// Whether `m` meets the tenant's trigger today (and is still live).
    static func meetsTrigger(
        _ m: Model, _ policy: LifecyclePolicy, _ state: PlatformState, _ platform: Platform
    )
        -> Bool
    {
        guard m.deletedAt == nil, m.migratedToModelId == nil else { return false }
        let life = Views.lifecycle(m, state, platform)
        if life.isDeprecated { return true }
        guard policy.trigger == .retiring, let day = life.entry?.deprecationDay else { return false }
        return day - platform.calendar.today <= policy.leadDays
    }

    /// The target the policy chooses for `source`: its override, else the catalog's successor (the
    /// tenant's model of that name) or the best suggestion; nil when there is none.
    static func target(
        for source: Model, _ policy: LifecyclePolicy, _ state: PlatformState, _ platform: Platform
    ) -> Model? {
        if let id = policy.override(for: source.id) {
            guard let m = state.model(id), m.tenantId == source.tenantId, m.deletedAt == nil else { return nil }
            return m
        }
        switch policy.target {
        case .successor:
            // The provider's successor first (it may name a version: `gpt-4.1-2025-04-14`), then LiteLLM's.
            let providerType = state.provider(source.providerId)?.providerType
            let named = [
                platform.catalogEntry(for: source, in: state)?.successorModel,
                platform.catalog.lookup(providerType: providerType, name: source.name)?.successorModel,
            ].compactMap { $0 }
            for successor in named {
                for id in state.modelIDs(ofTenant: source.tenantId) where id != source.id {
                    guard let m = state.model(id), m.deletedAt == nil, m.migratedToModelId == nil else { continue }
                    if m.isCatalogSuccessor(successor, providerType: state.provider(m.providerId)?.providerType)
                        || m.name.lowercased() == successor.lowercased()
                    {
                        return m
                    }
                }
            }
            return nil
        case .best:
            return ModelsSuggestReplacement.ranked(source, in: state, platform).first?.model
        }
    }

    /// The tenant's proposals today: one per model that meets its policy and still has something
    /// a move would take (pinned configurations stay and are listed as kept).
    static func proposals(_ tenant: Tenant, _ state: PlatformState, _ platform: Platform) -> [Proposal] {
        guard tenant.policy.mode != .off else { return [] }
        return state.modelIDs(ofTenant: tenant.id).sorted().compactMap { id in
            state.model(id).flatMap { proposal(for: $0, tenant, state, platform) }
        }
    }

    /// The policy's proposal for one model, or nil when it has none (off, the trigger not met,
    /// nothing referencing it, everything left pinned).
    static func proposal(
        for m: Model, _ tenant: Tenant, _ state: PlatformState, _ platform: Platform
    ) -> Proposal? {
        let policy = tenant.policy
        guard policy.mode != .off, meetsTrigger(m, policy, state, platform),
            ModelReferences.of(m.id, in: state).activeCount > 0
        else { return nil }
        guard let t = target(for: m, policy, state, platform) else {
            let why =
                policy.override(for: m.id) != nil
                ? "no_target: the override names no model of the tenant"
                : policy.target == .successor
                    ? "no_target: the catalog names no successor the tenant has" : "no_target: no candidate"
            return Proposal(source: m, target: nil, plan: nil, status: .skipped, reason: why)
        }
        let plan = MigrationPlanner.plan(
            state: state, source: ModelFacts(m, state, platform), target: ModelFacts(t, state, platform),
            entityTypes: entityTypes, keepingPinned: true)
        // Everything left is pinned: nothing for a policy to move.
        guard plan.affectedCount > 0 || !plan.blockers.isEmpty else { return nil }
        var p = Proposal(source: m, target: t, plan: plan, status: .announced, reason: nil)
        let unallowed = plan.warnings.map(\.code).filter { !policy.allowWarnings.contains($0) }
        if !plan.blockers.isEmpty {
            p.status = .skipped
            p.reason = "blocked: " + plan.blockers.map(\.code).joined(separator: ", ")
        } else if policy.mode == .propose {
            p.status = .awaitingApproval
            p.reason = "the policy proposes: an admin approves"
        } else if policy.mode == .auto, !unallowed.isEmpty {
            p.status = .awaitingApproval
            p.reason = "warnings need approval: " + unallowed.joined(separator: ", ")
        } else if policy.mode == .auto, let undone = revertedPolicyMigration(of: m.id, tenant: tenant.id, state) {
            // A revert is an admin's veto: the policy does not move the model's configuration again
            // by itself (its next plan would differ only by the times the revert set).
            p.status = .awaitingApproval
            p.reason = "an admin reverted this policy's migration \(undone): an admin approves moving again"
        }
        return p
    }

    /// The migration of the newest executed plan for `source`, when an admin has reverted it.
    static func revertedPolicyMigration(of source: String, tenant: String, _ state: PlatformState) -> String? {
        for id in state.planIDs(ofTenant: tenant).reversed() {
            guard let p = state.plan(id), p.sourceModelId == source, p.status == .executed else { continue }
            guard let m = p.migrationId, state.migration(m)?.status == .reverted else { return nil }
            return m
        }
        return nil
    }

    /// The newest plan of the tenant for `source`, whatever its status.
    static func latestPlan(_ state: PlatformState, tenant: String, source: String) -> PolicyPlan? {
        for id in state.planIDs(ofTenant: tenant).reversed() {
            if let p = state.plan(id), p.sourceModelId == source { return p }
        }
        return nil
    }

    /// The plan changes of one tenant today: new plans announced, changed ones superseded and
    /// announced again (so that a changed plan never runs without its notice), and open plans that
    /// no longer apply superseded. Pure on `state`.
    static func planning(
        _ tenant: Tenant, _ state: PlatformState, _ platform: Platform
    ) -> (changes: [Change], actions: [Action]) {
        let today = platform.calendar.today
        let now = platform.now
        var changes: [Change] = []
        var actions: [Action] = []
        var proposed = Set<String>()
        for p in proposals(tenant, state, platform) {
            proposed.insert(p.source.id)
            let latest = latestPlan(state, tenant: tenant.id, source: p.source.id)
            if var latest, latest.targetModelId == p.target?.id, latest.planHash == p.plan?.planHash {
                // The same plan: it stands (open, or decided: executed, rejected, failed, skipped),
                // its due day following the policy's notice period should that have changed.
                if latest.status != .superseded && (!latest.isOpen || latest.status == p.status) {
                    let due = latest.announcedDay + tenant.policy.noticeDays
                    if latest.isOpen, latest.dueDay != due {
                        latest.dueDay = due
                        latest.updatedAt = now
                        changes.append(.putPlan(latest))
                        actions.append(action(latest, "rescheduled"))
                    }
                    continue
                }
            }
            var reannounced = false
            if var open = latest, open.isOpen {
                open.status = .superseded
                open.reason = "the plan changed; announced again"
                open.updatedAt = now
                changes.append(.putPlan(open))
                actions.append(action(open, "superseded"))
                reannounced = true
            }
            var plan = PolicyPlan(
                id: platform.newID(), tenantId: tenant.id, sourceModelId: p.source.id, targetModelId: p.target?.id,
                status: p.status, dueDay: today + tenant.policy.noticeDays, announcedDay: today, at: now)
            plan.planHash = p.plan?.planHash
            plan.impact = p.plan?.impact ?? [:]
            plan.warnings = p.plan?.warnings.map(\.code) ?? []
            plan.blockers = p.plan?.blockers.map(\.code) ?? []
            plan.kept = p.plan?.keptPinned ?? []
            plan.reason = p.reason
            changes.append(.putPlan(plan))
            let what = p.status == .announced && reannounced ? "reannounced" : p.status.rawValue
            actions.append(action(plan, what))
        }
        for id in state.planIDs(ofTenant: tenant.id) {
            guard var open = state.plan(id), open.isOpen, !proposed.contains(open.sourceModelId) else { continue }
            open.status = .superseded
            open.reason =
                tenant.policy.mode == .off ? "the policy is off" : "the model no longer meets the policy"
            open.updatedAt = now
            changes.append(.putPlan(open))
            actions.append(action(open, "superseded"))
        }
        return (changes, actions)
    }

    static func action(_ p: PolicyPlan, _ what: String) -> Action {
        Action(
            tenantId: p.tenantId, planId: p.id, sourceModelId: p.sourceModelId, targetModelId: p.targetModelId,
            action: what, reason: p.reason)
    }

    // MARK: running

    /// The call a policy's migration runs as: the policy itself, acting in the tenant.
    static func policyCall(_ platform: Platform, tenantId: String, context: RequestContext) -> Call {
        Call(
            context: context,
            actor: ActorIdentity(userId: "policy", name: "lifecycle policy", tenantId: tenantId, role: .admin),
            tenantId: tenantId, platform: platform, method: "lifecycle/tick")
    }

    /// Runs plan `planId` in one write: a due `announced` plan of an `auto` policy (a tick), or any
    /// open plan an admin approves. The preflight must give the announced plan hash (else
    /// `plan_changed` for an approval; a tick leaves it for the next planning). The migration is an
    /// ordinary one, confirmed by the policy or the approval, revertible for `undoDays`.
    static func run(
        planId: String, approvedBy approver: ActorIdentity?, platform: Platform, context: RequestContext
    ) throws(ServerError) -> Action? {
        let approving = approver != nil
        let startedAt = platform.now
        return try platform.write { state throws(ServerError) in
            guard var plan = state.plan(planId), plan.isOpen, let targetId = plan.targetModelId,
                let tenant = state.tenant(plan.tenantId)
            else {
                if approving { throw .domain(.conflict(reason: "the plan is not open")) }
                return (Transaction(), nil)
            }
            let today = platform.calendar.today
            if !approving {
                guard tenant.policy.mode == .auto, plan.status == .announced, plan.dueDay <= today else {
                    return (Transaction(), nil)
                }
            }
            let call = policyCall(platform, tenantId: tenant.id, context: context)
            let request = MigrationRequest(
                fromModelId: plan.sourceModelId, toModelId: targetId, entityTypes: entityTypes)
            // The plan as the policy would make it now: the same target and preflight (an override
            // or a model that changed since makes it another plan), and for a tick the same
            // standing and a notice period as long as the policy's now.
            let now = state.model(plan.sourceModelId).flatMap { proposal(for: $0, tenant, state, platform) }
            guard let now, now.target?.id == targetId, let current = now.plan, current.planHash == plan.planHash
            else {
                if approving {
                    if tenant.policy.mode == .off { throw .domain(.conflict(reason: "the tenant's policy is off")) }
                    let hash = (try? request.plan(call, state, keepingPinned: true))?.planHash ?? ""
                    throw .domain(.planChanged(planId: plan.id, planHash: hash))
                }
                return (Transaction(), nil)
            }
            if !approving, now.status != .announced || plan.announcedDay + tenant.policy.noticeDays > today {
                return (Transaction(), nil)
            }
            var (tx, outcome) = try MigrationExecute.migration(
                call, request, in: state, confirm: true, expectedPlanHash: plan.planHash, startedAt: startedAt,
                policy: .init(
                    planId: plan.id, undoUntilDay: today + tenant.policy.undoDays,
                    initiator: approver.map { Initiator.policy(planId: plan.id, approvedBy: $0.userId, name: $0.name) }
                        ?? Initiator.policy(planId: plan.id)))
            plan.updatedAt = platform.now
            switch outcome {
            case .success(let e):
                plan.status = .executed
                plan.migrationId = e.migrationId
                plan.reason = approver.map { "approved by \($0.name ?? $0.userId)" } ?? "ran when due"
            case .failure(let error):
                plan.status = .failed
                plan.reason = ErrorMapping.responseError(for: error).message
            }
            tx.add(.putPlan(plan))
            return (tx, action(plan, plan.status.rawValue))
        }
    }

    /// One evaluation of every tenant's policy: plan (one write per tenant), then run what is due.
    /// With `dryRun`, what it would plan, nothing written (what would run is not tried).
    static func tick(platform: Platform, context: RequestContext, dryRun: Bool) throws(ServerError) -> [Action] {
        let state = try platform.read()
        var actions: [Action] = []
        for tenant in state.allTenants.sorted(by: { $0.id < $1.id }) {
            let hasOpen = state.planIDs(ofTenant: tenant.id).contains { state.plan($0)?.isOpen == true }
            guard tenant.policy.mode != .off || hasOpen else { continue }
            if dryRun {
                actions += planning(tenant, state, platform).actions
                continue
            }
            actions += try platform.write { state throws(ServerError) in
                guard let t = state.tenant(tenant.id) else { return (Transaction(), []) }
                let p = planning(t, state, platform)
                return (Transaction(p.changes), p.actions)
            }
            guard tenant.policy.mode == .auto else { continue }
            let now = try platform.read()
            let due = now.planIDs(ofTenant: tenant.id).filter { id in
                guard let p = now.plan(id) else { return false }
                return p.status == .announced && p.dueDay <= platform.calendar.today
            }
            for id in due {
                // One plan's failure (its model deleted meanwhile, the store) does not stop the others.
                do throws(ServerError) {
                    if let a = try run(planId: id, approvedBy: nil, platform: platform, context: context) {
                        actions.append(a)
                    }
                } catch {
                    guard let p = now.plan(id) else { continue }
                    var failed = action(p, "failed")
                    failed.reason = ErrorMapping.responseError(for: error).message
                    actions.append(failed)
                }
            }
        }
        return actions
    }
}

/// The scheduled lifecycle job's part for policies: every serving process evaluates the tenants'
/// policies now and then (the store's writes make it happen once, whichever process gets there).
public enum ScheduledPolicies {
    /// Evaluates every tenant's policy when `seconds` have passed since this process last did (the
    /// first time a minute after it started, or sooner with a shorter interval: a process that a
    /// frontend spawns for a moment leaves it to the long-running ones and to `model-lifecycle
    /// tick`); how many actions it took, or nil when it was not due.
    public static func runIfDue(platform: Platform, everySeconds seconds: Int) throws(ServerError) -> Int? {
        let now = platform.now
        guard let last = platform.policiesEvaluatedAt else {
            platform.policiesEvaluatedAt = now - Millis(max(0, seconds - min(60, seconds))) * 1000
            return nil
        }
        if now - last < Millis(seconds) * 1000 { return nil }
        platform.policiesEvaluatedAt = now
        let context = RequestContext(
            id: nil, params: Params(object: [:], raw: nil), session: Session(), cancellation: .none,
            progress: WorkDoneProgress(token: nil, outbox: nil, gate: nil), outbox: CollectingOutbox(),
            gate: EmissionGate())
        return try PolicyEngine.tick(platform: platform, context: context, dryRun: false).count
    }
}
