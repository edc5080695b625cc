import JSONRPC
import Domain

extension MigrationIssue {
    /// The published shape of `json`: `{code, severity, message, data}`.
    static let schema = Schema.named(
        "MigrationIssue",
        .object([
            .required("code", .string()), .required("severity", .enumeration(["blocker", "warning", "info"])),
            .required("message", .string()), .required("data", .nullable(.anyObject)),
        ]))
}
