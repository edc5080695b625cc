import JSONRPC
import Domain

/// `apps/update`: changes an app; a new space or model passes the checks of create.
enum AppsUpdate: ConfigurationUpdate {
    static let kind = ConfigKind.app
    static let name = "apps/update"
    static let access = Access.anyActor
    static let summary = "Changes a app; a new space or model must pass the same checks as on create."
    static let errors: [ErrorCode] = [.modelUnavailable]
}
