import JSONRPC
import Domain

/// `providers/get`: one provider of the tenant.
enum ProvidersGet: MethodDeclaration {
    static let name = "providers/get"
    static let access = Access.admin
    static let summary = "One provider."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> ProviderView {
        ProviderView(try call.platform.read().provider(params.id, in: call.tenantId))
    }
}
