import JSONRPC
import Domain

/// `services/get`: one service of the tenant.
enum ServicesGet: ConfigurationGet {
    static let kind = ConfigKind.service
    static let name = "services/get"
    static let access = Access.anyActor
    static let summary = "One service."
}
