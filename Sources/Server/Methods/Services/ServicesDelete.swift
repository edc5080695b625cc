import JSONRPC
import Domain

/// `services/delete`: deletes a service; the questions asked through it stay.
enum ServicesDelete: ConfigurationDelete {
    static let kind = ConfigKind.service
    static let name = "services/delete"
    static let access = Access.anyActor
    static let summary = "Deletes a service; its questions stay."
}
