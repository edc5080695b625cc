import JSONRPC
import Domain

/// `spaces/delete`: deletes a space that holds no configurations.
enum SpacesDelete: MethodDeclaration {
    static let name = "spaces/delete"
    static let access = Access.anyActor
    static let summary = "Deletes a space that holds no assistants, apps, services or collections."
    static let errors: [ErrorCode] = [.conflict]

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> Deleted {
        try call.platform.write { state throws(ServerError) in
            let s = try state.space(params.id, in: call.tenantId)
            let held = state.configurationCount(inSpace: s.id)
            if held > 0 {
                throw .domain(.conflict(reason: "the space still holds \(held) assistants, apps or services"))
            }
            let collections = state.collectionCount(inSpace: s.id)
            if collections > 0 { throw .domain(.conflict(reason: "the space still holds \(collections) collections")) }
            return (Transaction([.remove(.space, id: s.id)]), Deleted(deleted: true))
        }
    }
}
