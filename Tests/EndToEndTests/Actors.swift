import JSONRPC

/// The actors end-to-end tests initialize sessions as, in one place.
enum Actors {
    /// A sysadmin (any tenant; tenant-scoped methods need `tenantId`).
    static let sysadmin: JSONValue = ["userId": "root", "name": "Root", "role": "sysadmin"]

    /// An admin of `tenant`.
    static func admin(_ tenant: String) -> JSONValue {
        ["userId": "ada", "name": "Ada", "tenantId": .string(tenant), "role": "admin"]
    }

    /// A member of `tenant`.
    static func member(_ tenant: String) -> JSONValue {
        ["userId": "max", "tenantId": .string(tenant), "role": "member"]
    }
}
