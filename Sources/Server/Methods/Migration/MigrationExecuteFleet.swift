import JSONRPC
import Domain

/// `migration/executeFleet`: one model pair, named by model name and provider type, migrated in
/// every tenant that has both: one ordinary migration per tenant (each atomic, each in that
/// tenant's history), and an answer per tenant.
enum MigrationExecuteFleet: MethodDeclaration {
    static let name = "migration/executeFleet"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary = """
        Runs one ordinary migration per tenant for a model pair named by model name and provider type; answers per \
        tenant: migrated (or would, with dryRun) or skipped with the reason.
        """

    /// The pair, and what every tenant's migration takes.
    struct Params: MethodParams {
        var fromName: String
        var fromProviderType: String
        var toName: String
        var toProviderType: String
        var entityTypes: [MigrationEntityType]?
        var confirm: Bool
        var dryRun: Bool

        init(from p: inout ParamsReader) throws(ServerError) {
            fromName = try p.required("fromName", .name(), "The source model's name in each tenant.")
            fromProviderType = try p.required("fromProviderType", .string(.init(minLength: 1, maxLength: 100)))
            toName = try p.required("toName", .name(), "The target model's name in each tenant.")
            toProviderType = try p.required("toProviderType", .string(.init(minLength: 1, maxLength: 100)))
            entityTypes = try p.optional(
                "entityTypes", MigrationRequest.entityTypesSchema, "What to move (default: all), as migration/execute.")
            confirm = try p.optional(
                "confirm", .boolean, "Confirms warnings in every tenant (else those tenants are skipped).",
                default: false)
            dryRun = try p.optional("dryRun", .boolean, "Decide per tenant, change nothing.", default: false)
        }
    }

    /// What happened in one tenant.
    struct TenantOutcome {
        var tenantId: String
        var tenantName: String
        /// `migrated`, `would_migrate` (dry run), `skipped`, or `failed` (after an earlier tenant
        /// was migrated: an error that would otherwise hide those migrations).
        var outcome: String
        /// Why it was skipped or failed: `no_source`, `no_target`, `ambiguous`, `already_migrated`,
        /// `blocked`, `needs_confirmation`, `cancelled`, `error`.
        var reason: String?
        var migrationId: String?
        var total: Int?
        /// The blockers (blocked) or the warnings (needs confirmation) by code; the run's issues otherwise.
        var issues: [String]

        static let shape = ObjectShape<Self>([
            .member("tenantId", .uuid) { .string($0.tenantId) },
            .member("tenantName", .string()) { .string($0.tenantName) },
            .member("outcome", .enumeration(["migrated", "would_migrate", "skipped", "failed"])) {
                .string($0.outcome)
            },
            .member(
                "reason",
                .nullable(
                    .enumeration([
                        "no_source", "no_target", "ambiguous", "already_migrated", "blocked", "needs_confirmation",
                        "cancelled", "error",
                    ]))
            ) { .optionalString($0.reason) },
            .member("migrationId", .nullable(.uuid)) { .optionalString($0.migrationId) },
            .member("total", .nullable(.integer(min: 0))) { $0.total.map { .int($0) } ?? .null },
            .member("issues", .array(.string())) { .array($0.issues.map { .string($0) }) },
        ])
    }

    /// `{tenants, migrated, skipped}`: tenants in name order.
    struct Result: ShapedResult {
        var tenants: [TenantOutcome]

        static let shape = ObjectShape<Self>([
            .member("tenants", .array(TenantOutcome.shape.schema)) {
                .array($0.tenants.map { TenantOutcome.shape.encode($0) })
            },
            .member("migrated", .integer(min: 0)) { r in
                .int(r.tenants.filter { $0.outcome == "migrated" || $0.outcome == "would_migrate" }.count)
            },
            .member("skipped", .integer(min: 0)) { r in
                .int(r.tenants.filter { $0.outcome == "skipped" || $0.outcome == "failed" }.count)
            },
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Result {
        let state = try call.platform.read()
        var out: [TenantOutcome] = []
        // Once a tenant is migrated, nothing may hide it: later errors and a cancel become that
        // tenant's outcome instead of the answer.
        var committed = false
        for tenant in state.allTenants.sorted(by: { ($0.name, $0.id) < ($1.name, $1.id) }) {
            var o = TenantOutcome(
                tenantId: tenant.id, tenantName: tenant.name, outcome: "skipped", reason: nil, migrationId: nil,
                total: nil, issues: [])
            if call.context.cancellation.isCancelled {
                guard committed else { throw .cancelled }
                o.reason = "cancelled"
                out.append(o)
                continue
            }
            let sources = models(named: params.fromName, providerType: params.fromProviderType, tenant.id, state)
            let targets = models(named: params.toName, providerType: params.toProviderType, tenant.id, state)
            if sources.isEmpty || targets.isEmpty {
                o.reason = sources.isEmpty ? "no_source" : "no_target"
            } else if sources.count > 1 || targets.count > 1 {
                o.reason = "ambiguous"
            } else if state.model(sources[0])?.migratedToModelId == targets[0] {
                o.reason = "already_migrated"  // an earlier run did it: no failed attempt is recorded
            } else {
                let request = MigrationRequest(
                    fromModelId: sources[0], toModelId: targets[0], entityTypes: params.entityTypes)
                let inTenant = call.inTenant(tenant.id)
                if params.dryRun {
                    let plan = try request.plan(inTenant, try call.platform.read())
                    decide(&o, plan.refusal(expectedPlanHash: nil, confirmed: params.confirm)?.error, plan: plan)
                } else {
                    do throws(ServerError) {
                        switch try MigrationExecute.migrate(
                            inTenant, request, confirm: params.confirm, expectedPlanHash: nil)
                        {
                        case .success(let run):
                            o.outcome = "migrated"
                            o.migrationId = run.migrationId
                            o.total = run.total
                            o.issues = run.issues.map(\.code)
                            committed = true
                        case .failure(.domain(let e)):
                            decide(&o, e, plan: nil)
                        case .failure(let e):
                            throw e
                        }
                    } catch {
                        guard committed else { throw error }
                        o.outcome = "failed"
                        o.reason = "error"
                        o.issues = [ErrorMapping.responseError(for: error).message]
                    }
                }
            }
            out.append(o)
        }
        return Result(tenants: out)
    }

    /// The tenant's outcome from a refusal (or none: a dry run that would migrate).
    private static func decide(_ o: inout TenantOutcome, _ refusal: DomainError?, plan: MigrationPlan?) {
        switch refusal {
        case nil:
            o.outcome = "would_migrate"
            o.total = plan?.affectedCount
            o.issues = plan?.issues.map(\.code) ?? []
        case .migrationBlocked(let issues)?:
            o.reason = "blocked"
            o.issues = issues.compactMap { $0["code"]?.stringValue }
        case .confirmationRequired(let issues)?:
            o.reason = "needs_confirmation"
            o.issues = issues.compactMap { $0["code"]?.stringValue }
        case .some:
            o.reason = "blocked"
        }
    }

    /// The tenant's models (not deleted) of that name whose provider is of that type.
    private static func models(
        named name: String, providerType: String, _ tenantId: String, _ state: PlatformState
    ) -> [String] {
        state.modelIDs(ofTenant: tenantId).compactMap { id in
            guard let m = state.model(id), m.deletedAt == nil, m.name == name,
                state.providerType(of: m) == providerType
            else { return nil }
            return id
        }.sorted()
    }
}
