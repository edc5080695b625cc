import JSONRPC
import Domain

/// `spaces/create`: a new space, optionally classified.
enum SpacesCreate: MethodDeclaration {
    static let name = "spaces/create"
    static let access = Access.anyActor
    static let summary = "Creates a space, optionally classified."

    /// The new space's name and classification.
    struct Params: MethodParams {
        var name: String
        var securityClassificationId: String?

        init(from p: inout ParamsReader) throws(ServerError) {
            name = try p.required("name", .name())
            securityClassificationId = try p.optional("securityClassificationId", .nullable(.uuid))
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> SpaceView {
        try call.platform.write { state throws(ServerError) in
            var classification: String? = nil
            if let c = params.securityClassificationId {
                classification = try state.classification(c, in: call.tenantId).id
            }
            let s = Space(
                id: call.platform.newEntityID(), tenantId: call.tenantId, name: params.name,
                securityClassificationId: classification, createdAt: call.platform.now)
            return (Transaction([.putSpace(s)]), SpaceView(s))
        }
    }
}
