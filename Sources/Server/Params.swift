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

    public init(object: JSONObject, raw: JSONValue? = nil) {
        self.object = object
        self.raw = raw
    }

    public func has(_ name: String) -> Bool { object[name] != nil }

    public func string(_ name: String) throws(ServerError) -> String {
        guard let v = object[name]?.stringValue else { throw .invalidParams("/" + name, "must be a string") }
        return v
    }
    public func optionalString(_ name: String) -> String? { object[name]?.stringValue }

    public func int(_ name: String) throws(ServerError) -> Int {
        guard let v = object[name]?.numberValue?.int64Value else {
            throw .invalidParams("/" + name, "must be an integer")
        }
        return Int(v)
    }
    public func optionalInt(_ name: String) -> Int? { object[name]?.numberValue?.int64Value.map { Int($0) } }

    public func bool(_ name: String, default value: Bool) -> Bool { object[name]?.boolValue ?? value }
    public func optionalBool(_ name: String) -> Bool? { object[name]?.boolValue }

    public func optionalObject(_ name: String) -> JSONObject? { object[name]?.objectValue }
    public func value(_ name: String) -> JSONValue? { object[name] }
}
