import JSONRPC
import Domain

/// `policies/plans`: the tenant's lifecycle policy plans, oldest first, optionally of one status.
enum PoliciesPlans: MethodDeclaration {
    static let name = "policies/plans"
    static let access = Access.admin
    static let summary = "The tenant's lifecycle policy plans, oldest first; optionally of one status."

    struct Params: MethodParams {
        var status: PolicyPlan.Status?

        init(from p: inout ParamsReader) throws(ServerError) {
            status = try p.optional("status", .enumeration(PolicyPlan.Status.allCases.map(\.rawValue)))
        }
    }

    /// `{items}`.
    struct Plans: ShapedResult {
        var items: [PlanView]
        static let shape = ObjectShape<Self>([
            .member("items", .array(PlanView.schema)) { .array($0.items.map(\.json)) }
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Plans {
        let state = try call.platform.read()
        let plans = state.planIDs(ofTenant: call.tenantId).compactMap { state.plan($0) }
            .filter { params.status == nil || $0.status == params.status }
        return Plans(items: plans.map(PlanView.init))
    }
}
