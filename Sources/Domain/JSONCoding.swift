import JSONRPC

/// Reading entity fields back from the journal; a missing or mistyped field is a damaged record.
struct FieldReader {
    let object: JSONObject
    let entity: String

    func string(_ k: String) throws(DecodeError) -> String {
        guard let v = object[k]?.stringValue else { throw DecodeError("\(entity).\(k) missing") }
        return v
    }
    func optionalString(_ k: String) -> String? { object[k]?.stringValue }
    func int(_ k: String) throws(DecodeError) -> Int {
        guard let v = object[k]?.numberValue?.int64Value else { throw DecodeError("\(entity).\(k) missing") }
        return Int(v)
    }
    func optionalInt(_ k: String) -> Int? { object[k]?.numberValue?.int64Value.map { Int($0) } }
    func int64(_ k: String) throws(DecodeError) -> Int64 {
        guard let v = object[k]?.numberValue?.int64Value else { throw DecodeError("\(entity).\(k) missing") }
        return v
    }
    func optionalInt64(_ k: String) -> Int64? { object[k]?.numberValue?.int64Value }
    func bool(_ k: String) -> Bool { object[k]?.boolValue ?? false }
    func objectValue(_ k: String) -> JSONObject { object[k]?.objectValue ?? JSONObject() }
    func strings(_ k: String) -> [String] { object[k]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// A journal record that does not decode.
public struct DecodeError: Error, Sendable, CustomStringConvertible {
    /// What could not be decoded.
    public let description: String
    /// A decoding failure saying `d`.
    public init(_ d: String) { description = d }
}

extension JSONObject {
    /// Adds the member only when the value is not nil.
    mutating func appendIfPresent(_ k: String, _ v: String?) { if let v { append(k, .string(v)) } }
    mutating func appendIfPresent(_ k: String, _ v: Int?) { if let v { append(k, .int(v)) } }
    mutating func appendIfPresent(_ k: String, _ v: Int64?) { if let v { append(k, .number(JSONNumber(Int(v)))) } }
}
