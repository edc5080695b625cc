import JSONRPC
import Domain

/// `collections/delete`: removes a collection (it no longer holds its embedding model).
enum CollectionsDelete: MethodDeclaration {
    static let name = "collections/delete"
    static let access = Access.anyActor
    static let summary = "Deletes a collection; its embedding model is then free to be deleted and cleaned up."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> Deleted {
        try call.platform.write { state throws(ServerError) in
            let c = try state.collection(params.id, in: call.tenantId)
            return (Transaction([.remove(.collection, id: c.id)]), Deleted(deleted: true))
        }
    }
}
