import JSONRPC
import Domain

/// `templates/delete`: soft-deletes a template (`templates/restore` brings it back).
enum TemplatesDelete: MethodDeclaration {
    static let name = "templates/delete"
    static let access = Access.admin
    static let summary = "Soft-deletes a template (restorable)."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> TemplateView {
        try call.platform.write { state throws(ServerError) in
            var t = try state.template(params.id, in: call.tenantId)
            let now = call.platform.now
            t.deletedAt = now
            t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: now)
            return (Transaction([.putTemplate(t)]), TemplateView(t))
        }
    }
}
