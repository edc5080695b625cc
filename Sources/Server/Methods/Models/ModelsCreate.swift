import JSONRPC
import Domain

/// `models/create`: a new model of one of the tenant's providers; names are unique per provider.
enum ModelsCreate: MethodDeclaration {
    static let name = "models/create"
    static let access = Access.admin
    static let summary =
        "Creates a model. Capability fields left out are filled from the catalog entry when one matches; "
        + "given fields win."
    static let errors: [ErrorCode] = [.conflict]

    /// The new model: its kind, name and provider, and capabilities.
    struct Params: MethodParams {
        var kind: ModelKind
        var name: String
        var providerId: String
        var capabilities: ModelCapabilities

        init(from p: inout ParamsReader) throws(ServerError) {
            kind = try p.required("kind", .enumeration(ModelKind.allCases.map(\.rawValue)))
            name = try p.required("name", .name())
            providerId = try p.required("providerId", .uuid)
            capabilities = try ModelCapabilities(from: &p)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ModelView {
        try call.platform.write { state throws(ServerError) in
            let provider = try state.provider(params.providerId, in: call.tenantId)
            let name = params.name
            if state.modelNameTaken(name, providerId: provider.id, tenantId: call.tenantId) {
                throw .domain(.conflict(reason: "provider \(provider.name) already has a model named \"\(name)\""))
            }
            var m = Model(
                id: call.platform.newEntityID(), tenantId: call.tenantId, kind: params.kind, name: name,
                providerId: provider.id, createdAt: call.platform.now)
            if let entry = call.platform.catalog.lookup(providerType: provider.providerType, name: name) {
                m.takeCapabilities(from: entry)
            }
            var tx = Transaction()
            try params.capabilities.apply(to: &m, state: state, tx: &tx)
            tx.add(.putModel(m))
            tx.add(
                AuditLog.entry(
                    call, action: "model.created", model: m, description: "Created \(m.kind.rawValue) model \(m.name)",
                    changes: [
                        "name": .string(m.name), "kind": .string(m.kind.rawValue), "providerId": .string(m.providerId),
                    ]))
            return (tx, ModelView(m, state, call.platform))
        }
    }
}
