import JSONRPC
import Domain

/// `policies/set`: replaces the tenant's lifecycle policy (members left out take their defaults);
/// audited `policy.updated`.
enum PoliciesSet: MethodDeclaration {
    static let name = "policies/set"
    static let access = Access.admin
    static let summary =
        "Replaces the tenant's lifecycle policy (members left out take their defaults); audited policy.updated."
    static let errors: [ErrorCode] = [.notFound]

    /// The policy: its members are the params.
    struct Params: MethodParams {
        var policy: LifecyclePolicy

        init(from p: inout ParamsReader) throws(ServerError) {
            var policy = LifecyclePolicy()
            policy.mode = try p.required(
                "mode", .enumeration(LifecyclePolicy.Mode.allCases.map(\.rawValue)),
                "off: nothing; notify: announce only; propose: plan and wait for approval; auto: plan, announce, "
                    + "then run when due")
            policy.trigger = try p.optional(
                "trigger", .enumeration(LifecyclePolicy.Trigger.allCases.map(\.rawValue)),
                "retiring: act leadDays before the deprecation date; deprecated: once deprecated", default: .retiring)
            policy.leadDays = try p.optional(
                "leadDays", .integer(min: 0, max: 3650), "Days before the deprecation date (default 30).", default: 30)
            policy.target = try p.optional(
                "target", .enumeration(LifecyclePolicy.Target.allCases.map(\.rawValue)),
                "successor: the catalog's successor; best: the first suggestion of models/suggestReplacement",
                default: .successor)
            policy.allowWarnings = try p.optional(
                "allowWarnings", .array(.string(.init(minLength: 1, maxLength: 64)), maxItems: 32),
                "Preflight warning codes that may pass without a person (default none).", default: [])
            policy.noticeDays = try p.optional(
                "noticeDays", .integer(min: 0, max: 365),
                "A planned move is announced at least this many days before it runs (default 14).", default: 14)
            policy.undoDays = try p.optional(
                "undoDays", .integer(min: 0, max: 3650),
                "How long migration/revert accepts the policy's migrations (default 30 days).", default: 30)
            let overrides = try p.optional(
                "overrides", .anyObject, "{sourceModelId: targetModelId}: a pinned choice of target.",
                default: JSONObject())
            for m in overrides.members {
                guard Formats.isLowercaseUUID(m.key) else {
                    throw .invalidParams(
                        "/overrides/" + JSONPointer.escape(m.key), "must be a model id (a lowercase UUID)")
                }
                guard let target = m.value.stringValue, Formats.isLowercaseUUID(target) else {
                    throw .invalidParams(
                        "/overrides/" + JSONPointer.escape(m.key), "must be a target model id (a lowercase UUID)")
                }
                policy.overrides.append((m.key, target))
            }
            self.policy = policy
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> PolicyView {
        try call.platform.write { state throws(ServerError) in
            guard var t = state.tenant(call.tenantId) else {
                throw .domain(.notFound(entity: "tenant", id: call.tenantId))
            }
            for o in params.policy.overrides {
                for id in [o.source, o.target] {
                    guard let m = state.model(id), m.tenantId == t.id, m.deletedAt == nil else {
                        throw .domain(.notFound(entity: "model", id: id))
                    }
                }
            }
            let before = t.policy
            if before == params.policy { return (Transaction(), PolicyView(tenantId: t.id, policy: before)) }
            t.policy = params.policy
            let audit = AuditEntry(
                id: call.platform.newID(), at: call.platform.now, action: "policy.updated", tenantId: t.id,
                actor: Initiator(userId: call.actor.userId, name: call.actor.name), entityType: "tenant",
                entityId: t.id, description: "Lifecycle policy set to \(params.policy.mode.rawValue)",
                changes: ["from": .object(before.json), "to": .object(params.policy.json)])
            return (Transaction([.putTenant(t), .putAudit(audit)]), PolicyView(tenantId: t.id, policy: t.policy))
        }
    }
}
