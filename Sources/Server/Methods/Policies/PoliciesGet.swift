import JSONRPC
import Domain

/// `policies/get`: the tenant's lifecycle policy (off unless an admin set one).
enum PoliciesGet: MethodDeclaration {
    static let name = "policies/get"
    static let access = Access.admin
    static let summary = "The tenant's lifecycle policy: whether and how retiring models are moved off by themselves."

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> PolicyView {
        let state = try call.platform.read()
        guard let t = state.tenant(call.tenantId) else { throw .domain(.notFound(entity: "tenant", id: call.tenantId)) }
        return PolicyView(tenantId: t.id, policy: t.policy)
    }
}
