import JSONRPC
import Domain

/// `providers/delete`: deletes a provider no stored model uses.
enum ProvidersDelete: MethodDeclaration {
    static let name = "providers/delete"
    static let access = Access.admin
    static let summary = "Deletes a provider no stored model uses."
    static let errors: [ErrorCode] = [.conflict]

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> Deleted {
        try call.platform.write { state throws(ServerError) in
            let p = try state.provider(params.id, in: call.tenantId)
            if state.providerInUse(p.id) {
                throw .domain(.conflict(reason: "the provider is still used by models"))
            }
            return (Transaction([.remove(.provider, id: p.id)]), Deleted(deleted: true))
        }
    }
}
