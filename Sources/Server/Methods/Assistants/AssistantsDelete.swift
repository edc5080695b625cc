import JSONRPC
import Domain

/// `assistants/delete`: deletes an assistant; the questions asked through it stay.
enum AssistantsDelete: ConfigurationDelete {
    static let kind = ConfigKind.assistant
    static let name = "assistants/delete"
    static let access = Access.anyActor
    static let summary = "Deletes an assistant; its questions stay."
}
