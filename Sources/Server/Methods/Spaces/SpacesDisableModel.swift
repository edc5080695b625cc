import JSONRPC
import Domain

/// `spaces/disableModel`: disables a model in a space (idempotent; soft-deleted models too).
enum SpacesDisableModel: MethodDeclaration {
    static let name = "spaces/disableModel"
    static let access = Access.anyActor
    static let summary = "Disables a model in a space (allowed while configuration there still uses it)."

    static func handle(_ call: Call, _ params: SpaceModelParams) throws(ServerError) -> SpaceView {
        try call.platform.write { state throws(ServerError) in
            var s = try state.space(params.spaceId, in: call.tenantId)
            let m = try state.model(params.modelId, in: call.tenantId, includeDeleted: true)
            guard s.modelIds.contains(m.id) else { return (Transaction(), SpaceView(s)) }
            s.modelIds.removeAll { $0 == m.id }
            return (Transaction([.putSpace(s)]), SpaceView(s))
        }
    }
}
