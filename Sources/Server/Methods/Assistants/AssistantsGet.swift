import JSONRPC
import Domain

/// `assistants/get`: one assistant of the tenant.
enum AssistantsGet: ConfigurationGet {
    static let kind = ConfigKind.assistant
    static let name = "assistants/get"
    static let access = Access.anyActor
    static let summary = "One assistant."
}
