import JSONRPC
import Domain

/// `classifications/update`: renames a classification or changes its level.
enum ClassificationsUpdate: MethodDeclaration {
    static let name = "classifications/update"
    static let access = Access.admin
    static let summary = "Renames a classification or changes its level."
    static let errors: [ErrorCode] = [.conflict]

    /// The classification and what changes (absent members stay as they are).
    struct Params: MethodParams {
        var id: String
        var name: String?
        var level: Int?

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            name = try p.optional("name", .name())
            level = try p.optional("level", ClassificationLevel.schema)
        }
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ClassificationView {
        try call.platform.write { state throws(ServerError) in
            var c = try state.classification(params.id, in: call.tenantId)
            let before = c
            if let name = params.name, name != c.name {
                if state.classificationNameTaken(name, inTenant: call.tenantId, except: c.id) {
                    throw .domain(.conflict(reason: "a classification named \"\(name)\" exists in the tenant"))
                }
                c.name = name
            }
            if let level = params.level { c.level = level }
            return (c == before ? Transaction() : Transaction([.putClassification(c)]), ClassificationView(c))
        }
    }
}
