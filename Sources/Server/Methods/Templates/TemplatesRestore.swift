import JSONRPC
import Domain

/// `templates/restore`: restores a soft-deleted template (idempotent).
enum TemplatesRestore: MethodDeclaration {
    static let name = "templates/restore"
    static let access = Access.admin
    static let summary = "Restores a soft-deleted template, whatever the state of its model (idempotent)."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> TemplateView {
        try call.platform.write { state throws(ServerError) in
            var t = try state.template(params.id, in: call.tenantId, includeDeleted: true)
            guard t.deletedAt != nil else { return (Transaction(), TemplateView(t)) }
            t.deletedAt = nil
            t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: call.platform.now)
            return (Transaction([.putTemplate(t)]), TemplateView(t))
        }
    }
}
