import JSONRPC
import Domain

/// `providers/create`: a new provider account; names are unique in the tenant.
enum ProvidersCreate: MethodDeclaration {
    static let name = "providers/create"
    static let access = Access.admin
    static let summary =
        "Creates a provider account (openai, azure, anthropic, vllm, …). Names are unique in the tenant."
    static let errors: [ErrorCode] = [.conflict]

    /// The new provider's name and type.
    struct Params: MethodParams {
        var name: String
        var providerType: String

        init(from p: inout ParamsReader) throws(ServerError) {
            name = try p.required("name", .name())
            providerType = try p.required("providerType", ProviderType.schema)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ProviderView {
        try call.platform.write { state throws(ServerError) in
            if state.providerNameTaken(params.name, inTenant: call.tenantId) {
                throw .domain(.conflict(reason: "a provider named \"\(params.name)\" exists in the tenant"))
            }
            let p = Provider(
                id: call.platform.newEntityID(), tenantId: call.tenantId, name: params.name,
                providerType: params.providerType)
            return (Transaction([.putProvider(p)]), ProviderView(p))
        }
    }
}
