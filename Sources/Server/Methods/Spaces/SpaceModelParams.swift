import JSONRPC
import Domain

/// The params of `spaces/enableModel` and `spaces/disableModel`: a space and a model of the tenant.
struct SpaceModelParams: MethodParams {
    /// The space's id.
    var spaceId: String
    /// The model's id.
    var modelId: String

    init(from p: inout ParamsReader) throws(ServerError) {
        spaceId = try p.required("spaceId", .uuid)
        modelId = try p.required("modelId", .uuid)
    }
}
