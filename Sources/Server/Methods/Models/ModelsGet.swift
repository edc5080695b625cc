import JSONRPC
import Domain

/// `models/get`: one model of the tenant (not soft-deleted), from the view cache.
enum ModelsGet: MethodDeclaration {
    static let name = "models/get"
    static let access = Access.anyActor
    static let summary = "One model with its lifecycle status."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> ModelView {
        let state = try call.platform.read()
        return ModelView(cached: try state.model(params.id, in: call.tenantId), state, call.platform)
    }
}
