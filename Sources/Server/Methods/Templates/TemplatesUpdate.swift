import JSONRPC
import Domain

/// `templates/update`: changes a template that is not soft-deleted.
enum TemplatesUpdate: MethodDeclaration {
    static let name = "templates/update"
    static let access = Access.admin
    static let summary =
        "Changes a template that is not deleted; a new model must be a usable completion model (else model_unavailable)."
    static let errors: [ErrorCode] = [.modelUnavailable]

    /// The template and what changes: members left out stay as they are.
    struct Params: MethodParams {
        var id: String
        var name: String?
        var completionModelId: String?
        var kwargs: JSONObject?

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            completionModelId = try p.optional("completionModelId", .uuid)
            kwargs = try p.optional("kwargs", .anyObject)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> TemplateView {
        try call.platform.write { state throws(ServerError) in
            var t = try state.template(params.id, in: call.tenantId)
            let before = t
            if let name = params.name, name != t.name { t.name = name }
            if let mid = params.completionModelId, mid != t.completionModelId {
                t.completionModelId = try state.usableModel(
                    mid, as: .completion, in: nil, tenantId: call.tenantId, call.platform
                ).id
            }
            if let kw = params.kwargs { t.kwargs = kw }
            if t == before { return (Transaction(), TemplateView(t)) }
            t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: call.platform.now)
            return (Transaction([.putTemplate(t)]), TemplateView(t))
        }
    }
}
