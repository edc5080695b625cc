import JSONRPC
import Domain

/// `services/list`: the tenant's services, oldest first; optionally of one space or one model.
enum ServicesList: ConfigurationList {
    static let kind = ConfigKind.service
    static let name = "services/list"
    static let access = Access.anyActor
    static let summary = "The tenant's services, oldest first; optionally of one space or one model."
}
