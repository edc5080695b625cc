import JSONRPC
import Domain

/// A provider's type as `providers/create` and `providers/update` take it (openai, azure,
/// anthropic, vllm, …).
enum ProviderType {
    /// The published schema of `providerType`.
    static let schema = Schema.name(max: 100)
}
