import JSONRPC
import Domain

/// `assistants/list`: the tenant's assistants, oldest first; optionally of one space or one model.
enum AssistantsList: ConfigurationList {
    static let kind = ConfigKind.assistant
    static let name = "assistants/list"
    static let access = Access.anyActor
    static let summary = "The tenant's assistants, oldest first; optionally of one space or one model."
}
