import JSONRPC
import Domain

/// `assistants/update`: changes an assistant; a new space or model passes the checks of create.
enum AssistantsUpdate: ConfigurationUpdate {
    static let kind = ConfigKind.assistant
    static let name = "assistants/update"
    static let access = Access.anyActor
    static let summary = "Changes a assistant; a new space or model must pass the same checks as on create."
    static let errors: [ErrorCode] = [.modelUnavailable]
}
