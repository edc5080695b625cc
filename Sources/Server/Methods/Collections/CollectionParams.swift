import JSONRPC
import Domain

/// The embedding model a collection in `space` uses: the tenant's, an embedding model the space
/// enables and accepts; `model_unavailable` otherwise.
extension PlatformState {
    func collectionModel(_ id: String, in space: Space, _ platform: Platform) throws(ServerError) -> Model {
        let m = try model(id, in: space.tenantId)
        if let why = collectionModelRefusal(of: m, in: space, canAccess: Views.lifecycle(m, self, platform).canAccess) {
            throw .domain(.modelUnavailable(reason: why, modelId: m.id))
        }
        return m
    }
}
