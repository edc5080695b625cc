import JSONRPC
import Domain

/// `apps/list`: the tenant's apps, oldest first; optionally of one space or one model.
enum AppsList: ConfigurationList {
    static let kind = ConfigKind.app
    static let name = "apps/list"
    static let access = Access.anyActor
    static let summary = "The tenant's apps, oldest first; optionally of one space or one model."
}
