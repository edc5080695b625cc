import JSONRPC
import Domain

/// `classifications/create`: a new security classification; names are unique in the tenant.
enum ClassificationsCreate: MethodDeclaration {
    static let name = "classifications/create"
    static let access = Access.admin
    static let summary =
        "Creates a security classification; a higher level is more restrictive. Names are unique in the tenant."
    static let errors: [ErrorCode] = [.conflict]

    /// The new classification's name and level.
    struct Params: MethodParams {
        var name: String
        var level: Int

        init(from p: inout ParamsReader) throws(ServerError) {
            name = try p.required("name", .name())
            level = try p.required("level", ClassificationLevel.schema)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ClassificationView {
        try call.platform.write { state throws(ServerError) in
            if state.classificationNameTaken(params.name, inTenant: call.tenantId) {
                throw .domain(.conflict(reason: "a classification named \"\(params.name)\" exists in the tenant"))
            }
            let c = Classification(
                id: call.platform.newEntityID(), tenantId: call.tenantId, name: params.name, level: params.level)
            return (Transaction([.putClassification(c)]), ClassificationView(c))
        }
    }
}
