import JSONRPC

/// Typed read access to params that already passed their schema.
///
/// Accessors only convert: shapes were checked by the schema, so a wrong type here is a bug in the
/// method's declaration and is reported as -32602 rather than trapping.
public struct Params: Sendable {
    /// The params object as sent.
    public let object: JSONObject
    /// The raw params value (arrays for positional fixture methods).
    public let raw: JSONValue?

    /// Params read from `object` (validated), with the request's `raw` params.
    public init(object: JSONObject, raw: JSONValue? = nil) {
        self.object = object
        self.raw = raw
    }

    /// Whether the member `name` is present.
    public func has(_ name: String) -> Bool { object[name] != nil }

    /// A required string member.
    public func string(_ name: String) throws(ServerError) -> String {
        guard let v = object[name]?.stringValue else { throw .invalidParams("/" + name, "must be a string") }
        return v
    }
    /// A string member, or nil.
    public func optionalString(_ name: String) -> String? { object[name]?.stringValue }

    /// A required integer member.
    public func int(_ name: String) throws(ServerError) -> Int {
        guard let v = object[name]?.numberValue?.int64Value else {
            throw .invalidParams("/" + name, "must be an integer")
        }
        return Int(v)
    }
    /// An integer member, or nil.
    public func optionalInt(_ name: String) -> Int? { object[name]?.numberValue?.int64Value.map { Int($0) } }

    /// A boolean member, or `value` when absent.
    public func bool(_ name: String, default value: Bool) -> Bool { object[name]?.boolValue ?? value }
    /// A boolean member, or nil.
    public func optionalBool(_ name: String) -> Bool? { object[name]?.boolValue }

    /// An object member, or nil.
    public func optionalObject(_ name: String) -> JSONObject? { object[name]?.objectValue }
    /// A member as it was sent, or nil.
    public func value(_ name: String) -> JSONValue? { object[name] }
}
