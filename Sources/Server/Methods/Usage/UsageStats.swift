import JSONRPC
import Domain

/// `usage/stats`: live counts of what uses one model (soft-deleted models too).
enum UsageStats: MethodDeclaration {
    static let name = "usage/stats"
    static let access = Access.admin
    static let summary = "Live counts of what uses a model (templates: not deleted)."

    /// The model asked about.
    struct Params: MethodParams {
        var modelId: String

        init(from p: inout ParamsReader) throws(ServerError) {
            modelId = try p.required("modelId", .uuid)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> UsageCounts {
        let state = try call.platform.read()
        let m = try state.model(params.modelId, in: call.tenantId, includeDeleted: true)
        return UsageCounts(ModelReferences.of(m.id, in: state))
    }
}
