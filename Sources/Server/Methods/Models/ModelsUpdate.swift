import JSONRPC
import Domain

/// `models/update`: renames a model or changes its capabilities; a change that changes nothing
/// writes nothing.
enum ModelsUpdate: MethodDeclaration {
    static let name = "models/update"
    static let access = Access.admin
    static let summary = "Changes a model's name or capability fields."
    static let errors: [ErrorCode] = [.conflict]

    /// The model, and what to change.
    struct Params: MethodParams {
        var id: String
        var name: String?
        var capabilities: ModelCapabilities

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            capabilities = try ModelCapabilities(from: &p)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ModelView {
        try call.platform.write { state throws(ServerError) in
            var m = try state.model(params.id, in: call.tenantId)
            let before = m
            if let name = params.name, name != m.name {
                if state.modelNameTaken(name, providerId: m.providerId, tenantId: call.tenantId, except: m.id) {
                    throw .domain(.conflict(reason: "the provider already has a model named \"\(name)\""))
                }
                m.name = name
            }
            var tx = Transaction()
            try params.capabilities.apply(to: &m, state: state, tx: &tx)
            let changes = AuditLog.diff(before, m)
            if changes.isEmpty { return (Transaction(), ModelView(before, state, call.platform)) }
            m.updatedAt = Formats.nextUpdate(after: m.updatedAt, now: call.platform.now)
            tx.add(.putModel(m))
            tx.add(
                AuditLog.entry(
                    call, action: "model.updated", model: m, description: "Updated model \(m.name)", changes: changes))
            return (tx, ModelView(m, state, call.platform))
        }
    }
}
