import JSONRPC
import Domain

/// `policies/reject`: an admin turns an open plan down; the same plan is not proposed again.
enum PoliciesReject: MethodDeclaration {
    static let name = "policies/reject"
    static let access = Access.admin
    static let summary = "Turns an open lifecycle policy plan down; the same plan is not proposed again."
    static let errors: [ErrorCode] = [.notFound, .conflict]

    struct Params: MethodParams {
        var planId: String
        var reason: String?
        init(from p: inout ParamsReader) throws(ServerError) {
            planId = try p.required("planId", .uuid)
            reason = try p.optional("reason", .string(.init(minLength: 1, maxLength: 2000)))
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> PlanView {
        try call.platform.write { state throws(ServerError) in
            guard var plan = state.plan(params.planId), plan.tenantId == call.tenantId else {
                throw .domain(.notFound(entity: "plan", id: params.planId))
            }
            guard plan.isOpen else { throw .domain(.conflict(reason: "the plan is \(plan.status.rawValue), not open")) }
            plan.status = .rejected
            plan.reason = params.reason ?? "rejected by \(call.actor.name ?? call.actor.userId)"
            plan.updatedAt = call.platform.now
            return (Transaction([.putPlan(plan)]), PlanView(plan: plan))
        }
    }
}
