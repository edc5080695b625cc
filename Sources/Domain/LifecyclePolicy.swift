import JSONRPC

/// A tenant's lifecycle policy: whether and how the tenant's configuration is moved off retiring
/// and deprecated models without a person starting each migration, behind the gates admins ask
/// for (a notice period, a warning-free preflight or an approval, pins, a way back).
public struct LifecyclePolicy: Sendable, Equatable {
    /// What the policy does with a model that meets its trigger.
    public enum Mode: String, Sendable, CaseIterable {
        /// Nothing (every tenant's default).
        case off
        /// Plans and announces the move; never runs it.
        case notify
        /// Plans, announces and waits for an admin's approval.
        case propose
        /// Plans, announces, then runs the move when due, if its preflight allows.
        case auto
    }

    /// When a model meets the policy.
    public enum Trigger: String, Sendable, CaseIterable {
        /// `leadDays` before its deprecation date (and once deprecated).
        case retiring
        /// Once it is deprecated (flagged, or its date is today or past).
        case deprecated
    }

    /// How the target is chosen (an override for the source model comes first).
    public enum Target: String, Sendable, CaseIterable {
        /// The catalog's successor of the model, when the tenant has it.
        case successor
        /// The first candidate of `models/suggestReplacement`.
        case best
    }

    public var mode = Mode.off
    public var trigger = Trigger.retiring
    /// Days before the deprecation date at which a `retiring` trigger acts.
    public var leadDays = 30
    public var target = Target.successor
    /// Preflight warning codes that may pass without a person; any other warning needs approval.
    public var allowWarnings: [String] = []
    /// A planned move is announced at least this many days before it runs.
    public var noticeDays = 14
    /// Days after a policy's migration during which `migration/revert` accepts it.
    public var undoDays = 30
    /// Source model id → target model id: a pinned choice of target.
    public var overrides: [(source: String, target: String)] = []

    /// The policy every tenant has until an admin sets one: off.
    public init() {}

    public static func == (a: LifecyclePolicy, b: LifecyclePolicy) -> Bool {
        a.mode == b.mode && a.trigger == b.trigger && a.leadDays == b.leadDays && a.target == b.target
            && a.allowWarnings == b.allowWarnings && a.noticeDays == b.noticeDays && a.undoDays == b.undoDays
            && a.overrides.map(\.source) == b.overrides.map(\.source)
            && a.overrides.map(\.target) == b.overrides.map(\.target)
    }

    /// The target an override pins for `source`, if any.
    public func override(for source: String) -> String? { overrides.first { $0.source == source }?.target }

    /// The policy as `policies/get` shows it and the journal keeps it.
    public var json: JSONObject {
        [
            "mode": .string(mode.rawValue), "trigger": .string(trigger.rawValue), "leadDays": .int(leadDays),
            "target": .string(target.rawValue), "allowWarnings": .array(allowWarnings.map { .string($0) }),
            "noticeDays": .int(noticeDays), "undoDays": .int(undoDays),
            "overrides": .object(
                JSONObject(members: overrides.map { .init(key: $0.source, value: .string($0.target)) })),
        ]
    }

    init(record o: JSONObject) {
        let r = FieldReader(object: o, entity: "policy")
        mode = r.optionalString("mode").flatMap(Mode.init(rawValue:)) ?? .off
        trigger = r.optionalString("trigger").flatMap(Trigger.init(rawValue:)) ?? .retiring
        leadDays = r.optionalInt("leadDays") ?? 30
        target = r.optionalString("target").flatMap(Target.init(rawValue:)) ?? .successor
        allowWarnings = r.strings("allowWarnings")
        noticeDays = r.optionalInt("noticeDays") ?? 14
        undoDays = r.optionalInt("undoDays") ?? 30
        overrides = r.objectValue("overrides").members.compactMap { m in
            m.value.stringValue.map { (m.key, $0) }
        }
    }
}

/// A move a tenant's policy planned: what it would do, and where it stands.
public struct PolicyPlan: Sendable, Equatable {
    /// Where a plan stands. `announced` and `awaiting_approval` are open; the others are final.
    public enum Status: String, Sendable, CaseIterable {
        case announced
        case awaitingApproval = "awaiting_approval"
        case executed, skipped, failed, rejected, superseded
    }

    public var id: String
    public var tenantId: String
    public var sourceModelId: String
    /// Nil when no target could be chosen (the plan is then `skipped`).
    public var targetModelId: String?
    /// The preflight's plan hash when planned; approval and execution require it unchanged.
    public var planHash: String?
    /// What would move, by entity type (the preflight's impact).
    public var impact: JSONValue = [:]
    /// The preflight's warning codes.
    public var warnings: [String] = []
    /// The preflight's blocker codes.
    public var blockers: [String] = []
    /// Pinned entities that the move leaves where they are.
    public var kept: [String] = []
    public var status: Status
    /// The day (since the epoch) from which it may run.
    public var dueDay: Int
    /// The day it was (last) announced.
    public var announcedDay: Int
    /// Why it stands where it does (a blocker, a warning that needs approval, a rejection's reason).
    public var reason: String?
    /// The migration that ran it, once executed.
    public var migrationId: String?
    public var createdAt: Millis
    public var updatedAt: Millis

    /// A plan from its fields.
    public init(
        id: String, tenantId: String, sourceModelId: String, targetModelId: String?, status: Status, dueDay: Int,
        announcedDay: Int, at: Millis
    ) {
        self.id = id
        self.tenantId = tenantId
        self.sourceModelId = sourceModelId
        self.targetModelId = targetModelId
        self.status = status
        self.dueDay = dueDay
        self.announcedDay = announcedDay
        self.createdAt = at
        self.updatedAt = at
    }

    /// Whether it may still run or be decided on.
    public var isOpen: Bool { status == .announced || status == .awaitingApproval }

    /// The journal form.
    public var record: JSONObject {
        var o: JSONObject = [
            "id": .string(id), "tenantId": .string(tenantId), "sourceModelId": .string(sourceModelId),
            "status": .string(status.rawValue), "dueDay": .int(dueDay), "announcedDay": .int(announcedDay),
            "impact": impact, "warnings": .array(warnings.map { .string($0) }),
            "blockers": .array(blockers.map { .string($0) }), "kept": .array(kept.map { .string($0) }),
            "createdAt": .number(JSONNumber(Int(createdAt))), "updatedAt": .number(JSONNumber(Int(updatedAt))),
        ]
        o.appendIfPresent("targetModelId", targetModelId)
        o.appendIfPresent("planHash", planHash)
        o.appendIfPresent("reason", reason)
        o.appendIfPresent("migrationId", migrationId)
        return o
    }

    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "plan")
        guard let status = Status(rawValue: try r.string("status")) else { throw DecodeError("plan.status invalid") }
        self.init(
            id: try r.string("id"), tenantId: try r.string("tenantId"), sourceModelId: try r.string("sourceModelId"),
            targetModelId: r.optionalString("targetModelId"), status: status, dueDay: try r.int("dueDay"),
            announcedDay: try r.int("announcedDay"), at: try r.int64("createdAt"))
        updatedAt = try r.int64("updatedAt")
        impact = o["impact"] ?? [:]
        warnings = r.strings("warnings")
        blockers = r.strings("blockers")
        kept = r.strings("kept")
        planHash = r.optionalString("planHash")
        reason = r.optionalString("reason")
        migrationId = r.optionalString("migrationId")
    }
}
