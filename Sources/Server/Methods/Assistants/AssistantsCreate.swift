import JSONRPC
import Domain

/// `assistants/create`: a new assistant in a space, on a model the space enables and accepts.
enum AssistantsCreate: ConfigurationCreate {
    static let kind = ConfigKind.assistant
    static let name = "assistants/create"
    static let access = Access.anyActor
    static let summary = "Creates an assistant in a space; its model must be enabled in the space and accepted by it."
    static let errors: [ErrorCode] = [.modelUnavailable]
}
