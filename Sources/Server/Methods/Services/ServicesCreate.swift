import JSONRPC
import Domain

/// `services/create`: a new service in a space, on a model the space enables and accepts.
enum ServicesCreate: ConfigurationCreate {
    static let kind = ConfigKind.service
    static let name = "services/create"
    static let access = Access.anyActor
    static let summary = "Creates a service in a space; its model must be enabled in the space and accepted by it."
    static let errors: [ErrorCode] = [.modelUnavailable]
}
