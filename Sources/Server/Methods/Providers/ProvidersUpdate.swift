import JSONRPC
import Domain

/// `providers/update`: renames a provider or changes its type.
enum ProvidersUpdate: MethodDeclaration {
    static let name = "providers/update"
    static let access = Access.admin
    static let summary = "Renames a provider or changes its type."
    static let errors: [ErrorCode] = [.conflict]

    /// The provider and what changes (absent members stay as they are).
    struct Params: MethodParams {
        var id: String
        var name: String?
        var providerType: String?

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            providerType = try p.optional("providerType", ProviderType.schema)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ProviderView {
        try call.platform.write { state throws(ServerError) in
            var p = try state.provider(params.id, in: call.tenantId)
            let before = p
            if let name = params.name, name != p.name {
                if state.providerNameTaken(name, inTenant: call.tenantId, except: p.id) {
                    throw .domain(.conflict(reason: "a provider named \"\(name)\" exists in the tenant"))
                }
                p.name = name
            }
            if let t = params.providerType { p.providerType = t }
            return (p == before ? Transaction() : Transaction([.putProvider(p)]), ProviderView(p))
        }
    }
}
