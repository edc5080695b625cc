import JSONRPC
import Domain

/// `collections/update`: renames a collection or moves it to another space; its embedding model
/// never changes (its vectors were made with it: re-embedding is a new collection).
enum CollectionsUpdate: MethodDeclaration {
    static let name = "collections/update"
    static let access = Access.anyActor
    static let summary = """
        Renames a collection or moves it to another space (which must enable and accept its embedding model);         the embedding model never changes.
        """
    static let errors: [ErrorCode] = [.modelUnavailable]

    /// The collection and what changes (members left out stay).
    struct Params: MethodParams {
        var id: String
        var name: String?
        var spaceId: String?

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            spaceId = try p.optional("spaceId", .uuid)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> CollectionView {
        try call.platform.write { state throws(ServerError) in
            var c = try state.collection(params.id, in: call.tenantId)
            let before = c
            if let name = params.name, name != c.name { c.name = name }
            if let sid = params.spaceId, sid != c.spaceId {
                let space = try state.space(sid, in: call.tenantId)
                c.embeddingModelId = try state.usableModel(
                    c.embeddingModelId, as: .embedding, in: space, tenantId: call.tenantId, call.platform
                ).id
                c.spaceId = space.id
            }
            if c == before { return (Transaction(), CollectionView(c)) }
            c.updatedAt = Formats.nextUpdate(after: c.updatedAt, now: call.platform.now)
            return (Transaction([.putCollection(c)]), CollectionView(c))
        }
    }
}
