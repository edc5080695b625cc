import JSONRPC
import Domain

/// `apps/get`: one app of the tenant.
enum AppsGet: ConfigurationGet {
    static let kind = ConfigKind.app
    static let name = "apps/get"
    static let access = Access.anyActor
    static let summary = "One app."
}
