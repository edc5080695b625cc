import JSONRPC
import Domain

/// A tenant's lifecycle policy as `policies/get` and `policies/set` answer it.
struct PolicyView: ShapedResult {
    var tenantId: String
    var policy: LifecyclePolicy

    static let shape = ObjectShape<Self>(
        "LifecyclePolicy",
        [
            .member("tenantId", .uuid) { .string($0.tenantId) },
            .member("mode", .enumeration(LifecyclePolicy.Mode.allCases.map(\.rawValue))) {
                .string($0.policy.mode.rawValue)
            },
            .member("trigger", .enumeration(LifecyclePolicy.Trigger.allCases.map(\.rawValue))) {
                .string($0.policy.trigger.rawValue)
            },
            .member("leadDays", .integer(min: 0)) { .int($0.policy.leadDays) },
            .member("target", .enumeration(LifecyclePolicy.Target.allCases.map(\.rawValue))) {
                .string($0.policy.target.rawValue)
            },
            .member("allowWarnings", .array(.string())) { .array($0.policy.allowWarnings.map { .string($0) }) },
            .member("noticeDays", .integer(min: 0)) { .int($0.policy.noticeDays) },
            .member("undoDays", .integer(min: 0)) { .int($0.policy.undoDays) },
            .member("overrides", .anyObject, "source model id → target model id") {
                $0.policy.json["overrides"] ?? [:]
            },
        ])
}

/// A lifecycle policy plan as sent.
struct PlanView: ShapedResult {
    var plan: PolicyPlan

    static func day(_ d: Int) -> JSONValue { .string(Formats.formatDate(d)) }

    static let shape = ObjectShape<Self>(
        "PolicyPlan",
        [
            .member("planId", .uuid) { .string($0.plan.id) },
            .member("tenantId", .uuid) { .string($0.plan.tenantId) },
            .member("sourceModelId", .uuid) { .string($0.plan.sourceModelId) },
            .member("targetModelId", .nullable(.uuid), "null when no target could be chosen") {
                .optionalString($0.plan.targetModelId)
            },
            .member("planHash", .nullable(.string()), "the preflight's hash when planned") {
                .optionalString($0.plan.planHash)
            },
            .member("impact", .anyObject, "what would move, by entity type") { $0.plan.impact },
            .member("warnings", .array(.string())) { .array($0.plan.warnings.map { .string($0) }) },
            .member("blockers", .array(.string())) { .array($0.plan.blockers.map { .string($0) }) },
            .member("kept", .array(.uuid), "pinned entities the move leaves where they are") {
                .array($0.plan.kept.map { .string($0) })
            },
            .member("status", .enumeration(PolicyPlan.Status.allCases.map(\.rawValue))) {
                .string($0.plan.status.rawValue)
            },
            .member("announcedOn", .date) { day($0.plan.announcedDay) },
            .member("dueAt", .date, "the day from which it may run") { day($0.plan.dueDay) },
            .member("reason", .nullable(.string())) { .optionalString($0.plan.reason) },
            .member("migrationId", .nullable(.uuid), "the migration that ran it") {
                .optionalString($0.plan.migrationId)
            },
            .member("updatedAt", .timestamp) { Views.time($0.plan.updatedAt) },
        ])
}
