import JSONRPC
import Domain

/// `classifications/delete`: deletes a classification no model or space uses.
enum ClassificationsDelete: MethodDeclaration {
    static let name = "classifications/delete"
    static let access = Access.admin
    static let summary = "Deletes a classification no model or space uses."
    static let errors: [ErrorCode] = [.conflict]

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> Deleted {
        try call.platform.write { state throws(ServerError) in
            let c = try state.classification(params.id, in: call.tenantId)
            if state.classificationInUse(c.id) {
                throw .domain(.conflict(reason: "the classification is still used by models or spaces"))
            }
            return (Transaction([.remove(.classification, id: c.id)]), Deleted(deleted: true))
        }
    }
}
