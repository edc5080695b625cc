import JSONRPC
import Domain

/// `apps/delete`: deletes an app; the questions asked through it stay.
enum AppsDelete: ConfigurationDelete {
    static let kind = ConfigKind.app
    static let name = "apps/delete"
    static let access = Access.anyActor
    static let summary = "Deletes an app; its questions stay."
}
