/// A request id as the client sent it: a string, a number (kept as its exact text) or null.
public enum RequestID: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(JSONNumber)
    case null

    /// The id as a JSON value, for echoing.
    public var json: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .null: .null
        }
    }

    /// Reads an id from a JSON value; nil when the value is not a valid id type.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .null: self = .null
        default: return nil
        }
    }

    /// The id as JSON text.
    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let n): n.text
        case .null: "null"
        }
    }
}
