/// A JSON value as read from or written to the wire.
///
/// Objects keep their members in wire order; numbers keep their exact text so that an id such as
/// `1.50` or `123456789012345678901234567890` is echoed byte for byte.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// A value already serialized (compact, valid JSON): written verbatim. Lets a server cache
    /// the bytes of views that rarely change. Reading members parses it on demand.
    case serialized(SerializedJSON)
}

/// Bytes of one compact JSON value, produced by `JSONWriter` (so known to be valid).
public struct SerializedJSON: Sendable, Hashable {
    /// The value's compact UTF-8 JSON text.
    public let bytes: [UInt8]
    /// Serializes `value` once.
    public init(_ value: JSONValue) {
        var w = JSONWriter(reservingCapacity: 1024)
        w.write(value)
        bytes = w.bytes
    }
    /// The value again (parsing the bytes).
    public var value: JSONValue { (try? JSONParser.parse(bytes)) ?? .null }
}

/// A JSON number kept as its validated text (RFC 8259 grammar).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as it appeared on the wire (or as the server formatted it).
    public let text: String

    /// Wraps text that the caller guarantees to be a valid JSON number.
    init(validatedText: String) { self.text = validatedText }

    /// An integer number.
    public init(_ value: Int) { self.text = String(value) }

    /// A finite floating point number. Non-finite values have no JSON form and become `0`.
    public init(_ value: Double) {
        if !value.isFinite {
            self.text = "0"
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            self.text = String(Int64(value))
            return
        }
        self.text = "\(value)"
    }

    /// The value as a 64-bit integer when the text is an integer that fits exactly
    /// (`2`, `-7`, `1e3` and `2.0` qualify; `1.5` and `1e30` do not).
    public var int64Value: Int64? {
        if let exact = Int64(text) { return exact }
        guard let d = Double(text), d == d.rounded(), abs(d) < 9.007_199_254_740_992e15 else { return nil }
        return Int64(d)
    }

    /// The value as a double (may round large or long numbers).
    public var doubleValue: Double { Double(text) ?? .nan }

    /// The number's exact text.
    public var description: String { text }
}

/// A JSON object: members in the order they were read or inserted; names are unique.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// One `"name": value` pair.
    public struct Member: Sendable, Hashable {
        /// The member's name.
        public var key: String
        /// The member's value.
        public var value: JSONValue
        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in order.
    public private(set) var members: [Member]

    /// An empty object.
    public init() { members = [] }
    /// An object of these members, in order; the caller keeps names unique.
    public init(members: [Member]) { self.members = members }
    /// An object of these pairs, in order; the caller keeps names unique.
    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    /// How many members the object has.
    public var count: Int { members.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }
    /// The member names, in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of a member, or nil when absent. Replacing keeps the member's position.
    public subscript(key: String) -> JSONValue? {
        get {
            for m in members where m.key == key { return m.value }
            return nil
        }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let v = newValue { members[i].value = v } else { members.remove(at: i) }
            } else if let v = newValue {
                members.append(Member(key: key, value: v))
            }
        }
    }

    /// Appends a member without checking for an existing one (the caller knows the key is new).
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// Iterates over the members in order.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    /// A string value (from a string literal).
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer number (from an integer literal).
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A floating point number (from a float literal); non-finite values become `0`.
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    /// A boolean value (from a boolean literal).
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array of the elements (from an array literal).
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object of the pairs in literal order (from a dictionary literal); the caller keeps names unique.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(members: elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
    /// `null` (from the `nil` literal).
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// An integer value.
    public static func int(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }
    /// A string, or `null` when nil.
    public static func optionalString(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
    /// An integer, or `null` when nil.
    public static func optionalInt(_ v: Int?) -> JSONValue { v.map { .int($0) } ?? .null }

    /// The value with pre-serialized parts parsed back (for inspection, not for writing).
    public var resolved: JSONValue {
        if case .serialized(let s) = self { return s.value }
        return self
    }

    /// The members when this is an object (pre-serialized values parsed first), else nil.
    public var objectValue: JSONObject? {
        if case .object(let o) = resolved { return o }
        return nil
    }
    /// The elements when this is an array (pre-serialized values parsed first), else nil.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = resolved { return a }
        return nil
    }
    /// The text when this is a string, else nil.
    public var stringValue: String? {
        if case .string(let s) = resolved { return s }
        return nil
    }
    /// The boolean when this is `true` or `false`, else nil.
    public var boolValue: Bool? {
        if case .bool(let b) = resolved { return b }
        return nil
    }
    /// The number when this is a number, else nil.
    public var numberValue: JSONNumber? {
        if case .number(let n) = resolved { return n }
        return nil
    }
    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = resolved { return true }
        return false
    }

    /// Member access for objects; nil for other values or absent members.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// The element at `index` when this is an array that long, else nil.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = resolved, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The JSON type name used in error messages (`object`, `array`, `string`, `number`, `boolean`, `null`).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .serialized(let s): s.value.typeName
        }
    }

    /// Semantic equality: numbers compare by value (`1 == 1.0`), objects ignore member order.
    public func isSameValue(as other: JSONValue) -> Bool {
        switch (self.resolved, other.resolved) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a.text == b.text || a.doubleValue == b.doubleValue
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSameValue(as: $1) }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            return a.members.allSatisfy { m in b[m.key].map { m.value.isSameValue(as: $0) } ?? false }
        default: return false
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object of the pairs in literal order (from a dictionary literal); the caller keeps names unique.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(members: elements.map { Member(key: $0.0, value: $0.1) })
    }
}

extension JSONValue: CustomStringConvertible, CustomDebugStringConvertible {
    /// The compact JSON text (what test failures and logs show).
    public var description: String { JSONWriter.string(self) }
    /// The compact JSON text, as `description` gives it.
    public var debugDescription: String { JSONWriter.string(self) }
}

extension JSONValue {
    /// About how many bytes the compact serialization takes, without writing it: exact unless a
    /// string needs escapes (each adds a byte or five). What bounds the answers a group holds back.
    public var estimatedBytes: Int {
        switch self {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .number(let n): return n.text.utf8.count
        case .string(let s): return s.utf8.count + 2
        case .serialized(let s): return s.bytes.count
        case .array(let a):
            var total = a.isEmpty ? 2 : 1
            for e in a { total += e.estimatedBytes + 1 }
            return total
        case .object(let o):
            var total = o.members.isEmpty ? 2 : 1
            for m in o.members { total += m.key.utf8.count + 4 + m.value.estimatedBytes }
            return total
        }
    }
}
