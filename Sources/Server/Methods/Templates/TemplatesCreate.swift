import JSONRPC
import Domain

/// `templates/create`: a new assistant or app template on a model of the tenant.
enum TemplatesCreate: MethodDeclaration {
    static let name = "templates/create"
    static let access = Access.admin
    static let summary =
        "Creates an assistant or app template on a usable completion model of the tenant (else model_unavailable)."
    static let errors: [ErrorCode] = [.modelUnavailable]

    /// What the template makes, its name, model and model parameters.
    struct Params: MethodParams {
        var kind: TemplateKind
        var name: String
        var completionModelId: String
        var kwargs: JSONObject

        init(from p: inout ParamsReader) throws(ServerError) {
            kind = try p.required("kind", .enumeration(TemplateKind.allCases.map(\.rawValue)))
            name = try p.required("name", .name())
            completionModelId = try p.required("completionModelId", .uuid)
            kwargs = try p.optional("kwargs", .anyObject, default: JSONObject())
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> TemplateView {
        try call.platform.write { state throws(ServerError) in
            let m = try state.usableModel(
                params.completionModelId, as: .completion, in: nil, tenantId: call.tenantId, call.platform)
            let t = Template(
                id: call.platform.newEntityID(), tenantId: call.tenantId, kind: params.kind, name: params.name,
                completionModelId: m.id, kwargs: params.kwargs, createdAt: call.platform.now)
            return (Transaction([.putTemplate(t)]), TemplateView(t))
        }
    }
}
