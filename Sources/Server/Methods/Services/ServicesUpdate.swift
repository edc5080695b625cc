import JSONRPC
import Domain

/// `services/update`: changes a service; a new space or model passes the checks of create.
enum ServicesUpdate: ConfigurationUpdate {
    static let kind = ConfigKind.service
    static let name = "services/update"
    static let access = Access.anyActor
    static let summary = "Changes a service; a new space or model must pass the same checks as on create."
    static let errors: [ErrorCode] = [.modelUnavailable]
}
