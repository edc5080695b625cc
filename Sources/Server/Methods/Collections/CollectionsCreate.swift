import JSONRPC
import Domain

/// `collections/create`: a new collection in a space, on an embedding model the space enables.
enum CollectionsCreate: MethodDeclaration {
    static let name = "collections/create"
    static let access = Access.anyActor
    static let summary =
        "Creates a collection (knowledge base) in a space, on an embedding model the space enables and accepts."
    static let errors: [ErrorCode] = [.modelUnavailable]

    /// The space it lives in, its name and its embedding model.
    struct Params: MethodParams {
        var spaceId: String
        var name: String
        var embeddingModelId: String

        init(from p: inout ParamsReader) throws(ServerError) {
            spaceId = try p.required("spaceId", .uuid)
            name = try p.required("name", .name())
            embeddingModelId = try p.required(
                "embeddingModelId", .uuid, "An embedding model the space enables (its vectors are made with it).")
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> CollectionView {
        try call.platform.write { state throws(ServerError) in
            let space = try state.space(params.spaceId, in: call.tenantId)
            let m = try state.usableModel(
                params.embeddingModelId, as: .embedding, in: space, tenantId: call.tenantId, call.platform)
            let c = KnowledgeCollection(
                id: call.platform.newID(), tenantId: call.tenantId, spaceId: space.id, name: params.name,
                embeddingModelId: m.id, createdAt: call.platform.now)
            return (Transaction([.putCollection(c)]), CollectionView(c))
        }
    }
}
