import JSONRPC
import Domain

/// `apps/create`: a new app in a space, on a model the space enables and accepts.
enum AppsCreate: ConfigurationCreate {
    static let kind = ConfigKind.app
    static let name = "apps/create"
    static let access = Access.anyActor
    static let summary = "Creates an app in a space; its model must be enabled in the space and accepted by it."
    static let errors: [ErrorCode] = [.modelUnavailable]
}
