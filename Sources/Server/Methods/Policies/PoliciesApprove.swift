import JSONRPC
import Domain

/// `policies/approve`: runs exactly the stored plan now, as the policy's migration.
enum PoliciesApprove: MethodDeclaration {
    static let name = "policies/approve"
    static let access = Access.admin
    static let summary =
        "Runs an open lifecycle policy plan now, exactly as stored: plan_changed if its preflight moved since it was announced."
    static let errors: [ErrorCode] = [.notFound, .conflict, .planChanged]
    static let runsOptimistically = false

    struct Params: MethodParams {
        var planId: String
        init(from p: inout ParamsReader) throws(ServerError) {
            planId = try p.required("planId", .uuid)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> PlanView {
        guard let plan = try call.platform.read().plan(params.planId), plan.tenantId == call.tenantId else {
            throw .domain(.notFound(entity: "plan", id: params.planId))
        }
        _ = try PolicyEngine.run(
            planId: plan.id, approvedBy: call.actor, platform: call.platform, context: call.context)
        guard let after = try call.platform.read().plan(plan.id) else {
            throw .domain(.notFound(entity: "plan", id: plan.id))
        }
        return PlanView(plan: after)
    }
}
