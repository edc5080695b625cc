import JSONRPC
import Domain

/// `spaces/update`: renames a space or changes (or clears) its classification.
enum SpacesUpdate: MethodDeclaration {
    static let name = "spaces/update"
    static let access = Access.anyActor
    static let summary = "Renames a space or changes its classification (enabled models stay enabled)."

    /// The space and what changes: members left out stay as they are.
    struct Params: MethodParams {
        var id: String
        var name: String?
        /// `null` unclassifies the space.
        var securityClassificationId: Patch<String>

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            securityClassificationId = try p.patch("securityClassificationId", .nullable(.uuid))
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> SpaceView {
        try call.platform.write { state throws(ServerError) in
            var s = try state.space(params.id, in: call.tenantId)
            let before = s
            if let name = params.name, name != s.name { s.name = name }
            if case .set(let c) = params.securityClassificationId {
                s.securityClassificationId = try c.map { (c: String) throws(ServerError) in
                    try state.classification(c, in: call.tenantId).id
                }
            }
            return (s == before ? Transaction() : Transaction([.putSpace(s)]), SpaceView(s))
        }
    }
}
