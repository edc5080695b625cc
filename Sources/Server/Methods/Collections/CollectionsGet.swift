import JSONRPC
import Domain

/// `collections/get`: one collection of the tenant.
enum CollectionsGet: MethodDeclaration {
    static let name = "collections/get"
    static let access = Access.anyActor
    static let summary = "Returns a collection."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> CollectionView {
        CollectionView(try call.platform.read().collection(params.id, in: call.tenantId))
    }
}
