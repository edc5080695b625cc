import JSONRPC
import Domain

/// `models/lifecycleNotice` (contract §6): an admin hears about the tenant's retiring and
/// deprecated models that still have active references.
public enum LifecycleNotice {
    /// The notification's method name.
    public static let method = "models/lifecycleNotice"

    /// The notice's params for an admin session's tenant, or nil when there is nothing to say
    /// (no such models and no lost default, or the session is not an admin's).
    public static func params(for session: Session, platform: Platform) -> JSONValue? {
        guard let actor = session.actor, actor.role == .admin, let tenantId = actor.tenantId,
            let state = try? platform.read()
        else { return nil }
        var models: [(String, JSONValue)] = []
        let openPlans = state.openPlansBySource(ofTenant: tenantId)  // once, not a scan per model
        for id in state.modelIDs(ofTenant: tenantId) {
            guard let m = state.model(id) else { continue }
            let life = Views.lifecycle(m, state, platform)
            // A lifecycle policy's open plan for the model: announced until it runs (a changed plan
            // is a new one, so the notice changes and is sent again). A plan is announced here even
            // when the model is not retiring yet by the window (a policy's leadDays may be longer).
            let plan = openPlans[m.id]
            guard life.status == .retiring || life.status == .deprecated || plan != nil else { continue }
            let active = ModelReferences.of(m.id, in: state).activeCount
            guard active > 0 else { continue }
            let planned: JSONValue =
                plan.map { p in
                    [
                        "planId": .string(p.id), "targetModelId": .optionalString(p.targetModelId),
                        "status": .string(p.status.rawValue), "dueAt": .string(Formats.formatDate(p.dueDay)),
                        "impact": p.impact,
                    ]
                } ?? .null
            models.append(
                (
                    m.name + "\u{0}" + m.id,
                    [
                        "id": .string(m.id), "name": .string(m.name), "status": .string(life.status.rawValue),
                        "deprecationDate": .optionalString(life.entry?.deprecationDate),
                        "successorModel": .optionalString(life.entry?.successorModel),
                        "activeReferences": .int(active), "plannedMigration": planned,
                    ]
                ))
        }
        let missing = state.tenant(tenantId)?.defaultsLost ?? []
        guard !models.isEmpty || !missing.isEmpty else { return nil }
        return [
            "models": .array(models.sorted { $0.0 < $1.0 }.map(\.1)),
            "missingDefaults": .array(missing.map { .string($0.rawValue) }),
        ]
    }

    /// The published description of the notification (for the OpenRPC document).
    static let spec = MethodSpec(
        method, kind: .notification,
        summary:
            "Server → client, admin sessions only: the tenant's retiring or deprecated models, and those a lifecycle policy plans to migrate, that still have active references, and the kinds whose default model it lost; sent after initialized, after catalog/reload, and again whenever it changes while the session is open.",
        params: .named([
            .required(
                "models",
                .array(
                    .object([
                        .required("id", .uuid), .required("name", .string()),
                        .required("status", .enumeration(ModelStatus.allCases.map(\.rawValue))),
                        .required("deprecationDate", .nullable(.date)),
                        .required("successorModel", .nullable(.string())),
                        .required("activeReferences", .integer(min: 1)),
                        .required(
                            "plannedMigration",
                            .nullable(
                                .object([
                                    .required("planId", .uuid), .required("targetModelId", .nullable(.uuid)),
                                    .required("status", .enumeration(["announced", "awaiting_approval"])),
                                    .required("dueAt", .date), .required("impact", .anyObject),
                                ])),
                            "The tenant's lifecycle policy plan for the model, while it is open (see policies/plans)."),
                    ]))),
            .required(
                "missingDefaults", .array(.enumeration(ModelKind.allCases.map(\.rawValue))),
                "Kinds whose default model the tenant lost (deleted, or migrated to a model that could not serve "
                    + "as the default) and has not set again."),
        ]))
}
