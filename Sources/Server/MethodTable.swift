import JSONRPC

/// A handler: turns a validated request into a result, or throws a typed error.
public typealias Handler = @Sendable (RequestContext) throws(ServerError) -> JSONValue

/// The registered methods: their published specs and their handlers.
public struct MethodTable: Sendable {
    struct Entry: Sendable {
        var spec: MethodSpec
        /// nil for the lifecycle methods the processor implements itself.
        var handler: Handler?
    }

    private(set) var entries: [String: Entry] = [:]
    /// Notifications the server sends (published, never dispatched).
    public private(set) var serverNotifications: [MethodSpec] = []

    /// A table without methods.
    public init() {}

    /// Registers a method. Registering a name twice is a programming error.
    public mutating func register(_ spec: MethodSpec, _ handler: @escaping Handler) {
        precondition(entries[spec.name] == nil, "method \(spec.name) registered twice")
        entries[spec.name] = Entry(spec: spec, handler: handler)
    }

    mutating func registerBuiltin(_ spec: MethodSpec) {
        precondition(entries[spec.name] == nil, "method \(spec.name) registered twice")
        entries[spec.name] = Entry(spec: spec, handler: nil)
    }

    /// Publishes a notification the server sends to clients.
    public mutating func registerServerNotification(_ spec: MethodSpec) {
        precondition(
            !serverNotifications.contains { $0.name == spec.name }, "notification \(spec.name) registered twice")
        serverNotifications.append(spec)
        serverNotifications.sort { $0.name < $1.name }
    }

    /// Every spec, sorted by method name.
    public var specs: [MethodSpec] { entries.values.map(\.spec).sorted { $0.name < $1.name } }

    /// Every method name, sorted.
    public var names: [String] { entries.keys.sorted() }

    subscript(name: String) -> Entry? { entries[name] }
}
