import JSONRPC
import Domain

/// `classifications/get`: one classification of the tenant.
enum ClassificationsGet: MethodDeclaration {
    static let name = "classifications/get"
    static let access = Access.admin
    static let summary = "One classification."

    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> ClassificationView {
        ClassificationView(try call.platform.read().classification(params.id, in: call.tenantId))
    }
}
