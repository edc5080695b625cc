import JSONRPC
import Domain

/// `templates/get`: one template; a soft-deleted one only when asked for.
enum TemplatesGet: MethodDeclaration {
    static let name = "templates/get"
    static let access = Access.admin
    static let summary = "One template; a soft-deleted one only with includeDeleted."

    /// The template, and whether a soft-deleted one is found.
    struct Params: MethodParams {
        var id: String
        var includeDeleted: Bool

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            includeDeleted = try p.optional("includeDeleted", .boolean, default: false)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> TemplateView {
        TemplateView(
            try call.platform.read().template(params.id, in: call.tenantId, includeDeleted: params.includeDeleted))
    }
}
