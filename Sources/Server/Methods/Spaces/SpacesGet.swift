import JSONRPC
import Domain

/// `spaces/get`: one space of the tenant.
enum SpacesGet: MethodDeclaration {
    static let name = "spaces/get"
    static let access = Access.anyActor
    static let summary = "One space with its enabled models."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> SpaceView {
        SpaceView(try call.platform.read().space(params.id, in: call.tenantId))
    }
}
