import JSONRPC
import Domain

/// A classification's level as `classifications/create` and `classifications/update` take it: a
/// higher level is more restrictive.
enum ClassificationLevel {
    /// The published schema of `level`.
    static let schema = Schema.integer(min: -1_000_000, max: 1_000_000)
}
