import JSONRPC
import Domain

/// `spaces/enableModel`: enables a model in a space when the space accepts it (idempotent).
enum SpacesEnableModel: MethodDeclaration {
    static let name = "spaces/enableModel"
    static let access = Access.anyActor
    static let summary = "Enables a model in a space; refused (model_unavailable) when the space does not accept it."
    static let errors: [ErrorCode] = [.modelUnavailable]

    static func handle(_ call: Call, _ params: SpaceModelParams) throws(ServerError) -> SpaceView {
        try call.platform.write { state throws(ServerError) in
            var s = try state.space(params.spaceId, in: call.tenantId)
            let m = try state.model(params.modelId, in: call.tenantId)
            if s.modelIds.contains(m.id) { return (Transaction(), SpaceView(s)) }
            let canAccess = Views.lifecycle(m, state, call.platform).canAccess
            if let why = state.spaceRefusal(of: m, in: s, canAccess: canAccess) {
                throw .domain(.modelUnavailable(reason: why, modelId: m.id))
            }
            s.modelIds.append(m.id)
            return (Transaction([.putSpace(s)]), SpaceView(s))
        }
    }
}
