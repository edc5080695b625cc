import JSONRPC
import Domain

/// The shape of a JSON value, declared once per method param and result.
///
/// The same declaration validates incoming params (with JSON-pointer error fields) and is published
/// as JSON Schema in the OpenRPC document, so the two cannot drift.
public indirect enum Schema: Sendable {
    case string(StringRule = StringRule())
    case integer(min: Int? = nil, max: Int? = nil)
    case number
    case boolean
    case array(Schema, maxItems: Int? = nil)
    /// An object with declared members; members not declared are rejected.
    case object([Field])
    /// Any object (free-form, e.g. `kwargs`).
    case anyObject
    /// Any JSON value.
    case any
    /// The schema or `null`.
    case nullable(Schema)
    /// One of several shapes (published as `oneOf`; validation tries each in order).
    case oneOf([Schema])
    /// A shape published under `components/schemas/NAME` in the OpenRPC document.
    case named(String, Schema)

    /// Constraints on a string.
    public struct StringRule: Sendable {
        /// Fewest characters accepted.
        public var minLength: Int
        /// Most characters (grapheme clusters) accepted.
        public var maxLength: Int
        /// Most UTF-8 bytes accepted: 4 × `maxLength`, so one letter with a million combining marks
        /// (one character) is still refused. Published as `x-maxBytes`.
        public var maxBytes: Int { maxLength * 4 }
        /// A format the string must have, or nil.
        public var format: StringFormat?
        /// The only values accepted, or nil for any.
        public var allowed: [String]?
        /// Specific reasons for values that are refused on purpose (e.g. `questions` as a migration type).
        public var refused: [String: String]
        /// A rule; the defaults accept any string of at most 10,000 characters.
        public init(
            minLength: Int = 0, maxLength: Int = 10_000, format: StringFormat? = nil, allowed: [String]? = nil,
            refused: [String: String] = [:]
        ) {
            self.minLength = minLength
            self.maxLength = maxLength
            self.format = format
            self.allowed = allowed
            self.refused = refused
        }
    }

    /// A string of one of the given values.
    public static func enumeration(_ values: [String]) -> Schema { .string(StringRule(allowed: values)) }
    /// A non-empty name of at most `max` characters.
    public static func name(max: Int = 200) -> Schema { .string(StringRule(minLength: 1, maxLength: max)) }
    /// A lowercase UUID string.
    public static let uuid = Schema.string(StringRule(minLength: 36, maxLength: 36, format: .uuid))
    /// An ISO 8601 UTC timestamp with `Z`.
    public static let timestamp = Schema.string(StringRule(maxLength: 40, format: .timestamp))
    /// A `YYYY-MM-DD` date.
    public static let date = Schema.string(StringRule(minLength: 10, maxLength: 10, format: .date))
}

/// Formats a string may be required to have.
public enum StringFormat: String, Sendable {
    case uuid, date, timestamp = "date-time"
}

/// One member of an object schema.
public struct Field: Sendable {
    /// The member's name.
    public var name: String
    /// The shape of its value.
    public var schema: Schema
    /// Whether the member must be present.
    public var required: Bool
    /// What it means, for the OpenRPC document.
    public var summary: String
    /// A member named `name` of shape `schema`.
    public init(_ name: String, _ schema: Schema, required: Bool = false, _ summary: String = "") {
        self.name = name
        self.schema = schema
        self.required = required
        self.summary = summary
    }
    /// A required member.
    public static func required(_ name: String, _ schema: Schema, _ summary: String = "") -> Field {
        Field(name, schema, required: true, summary)
    }
    /// An optional member.
    public static func optional(_ name: String, _ schema: Schema, _ summary: String = "") -> Field {
        Field(name, schema, required: false, summary)
    }
}

extension Schema {
    /// Checks `value` against the schema; the error names the offending member as a JSON pointer.
    public func validate(_ value: JSONValue, at pointer: String = "") -> ParamsError? {
        check(value, at: MemberPath(parent: pointer))
    }

    /// Where a value is, its JSON pointer built only for a failure: every member of every request
    /// is checked, and a pointer string for each was an allocation a valid request never used.
    struct MemberPath {
        /// The pointer of the object or array holding the value.
        var parent: String
        /// The value's member name or element index in it (neither: the value is at `parent`).
        var key: String? = nil
        var index: Int? = nil
        var pointer: String {
            if let key { return parent + "/" + JSONPointer.escape(key) }
            if let index { return parent + "/" + String(index) }
            return parent
        }
    }

    private func check(_ value: JSONValue, at path: MemberPath) -> ParamsError? {
        let value = value.resolved  // a result may hold views already serialized
        switch self {
        case .any:
            return nil
        case .named(_, let inner):
            return inner.check(value, at: path)
        case .nullable(let inner):
            if case .null = value { return nil }
            return inner.check(value, at: path)
        case .oneOf(let options):
            var first: ParamsError?
            for o in options {
                guard let e = o.check(value, at: path) else { return nil }
                if first == nil { first = e }
            }
            return first
        case .string(let rule):
            guard case .string(let s) = value else {
                return .init(path.pointer, "must be a string, not \(value.typeName)")
            }
            return rule.check(s, at: path)
        case .integer(let min, let max):
            guard case .number(let n) = value else {
                return .init(path.pointer, "must be an integer, not \(value.typeName)")
            }
            guard let v = n.int64Value else { return .init(path.pointer, "must be an integer") }
            if let min, v < min { return .init(path.pointer, "must be at least \(min)") }
            if let max, v > max { return .init(path.pointer, "must be at most \(max)") }
            return nil
        case .number:
            guard case .number = value else {
                return .init(path.pointer, "must be a number, not \(value.typeName)")
            }
            return nil
        case .boolean:
            guard case .bool = value else {
                return .init(path.pointer, "must be a boolean, not \(value.typeName)")
            }
            return nil
        case .anyObject:
            guard case .object = value else {
                return .init(path.pointer, "must be an object, not \(value.typeName)")
            }
            return nil
        case .array(let element, let maxItems):
            guard case .array(let a) = value else {
                return .init(path.pointer, "must be an array, not \(value.typeName)")
            }
            if let maxItems, a.count > maxItems {
                return .init(path.pointer, "must have at most \(maxItems) elements")
            }
            let pointer = path.pointer
            for (k, e) in a.enumerated() {
                if let err = element.check(e, at: MemberPath(parent: pointer, index: k)) { return err }
            }
            return nil
        case .object(let fields):
            guard case .object(let o) = value else {
                return .init(path.pointer, "must be an object, not \(value.typeName)")
            }
            return Schema.validateMembers(o, fields: fields, at: path.pointer)
        }
    }

    static func validateMembers(_ o: JSONObject, fields: [Field], at pointer: String) -> ParamsError? {
        for m in o.members {
            guard let f = fields.first(where: { $0.name == m.key }) else {
                return .init(MemberPath(parent: pointer, key: m.key).pointer, "unknown member")
            }
            if let err = f.schema.check(m.value, at: MemberPath(parent: pointer, key: m.key)) { return err }
        }
        for f in fields where f.required && o[f.name] == nil {
            return .init(MemberPath(parent: pointer, key: f.name).pointer, "is required")
        }
        return nil
    }
}

extension Schema.StringRule {
    func check(_ s: String, at path: Schema.MemberPath) -> ParamsError? {
        // A UUID is said to be one, whatever its length ("must have at least 36 characters" told a
        // user who typed a short id nothing).
        if format == .uuid, !Formats.isLowercaseUUID(s) { return .init(path.pointer, "must be a lowercase UUID") }
        // Bytes first: cheap, and it bounds the grapheme count below.
        if s.utf8.count > maxBytes {
            return .init(path.pointer, "must have at most \(maxLength) characters and \(maxBytes) bytes of UTF-8")
        }
        // Counting graphemes walks the string: a string of at most `maxLength` bytes that is not
        // empty meets a minimum of one character without it.
        let utf8Count = s.utf8.count
        // A UUID (checked above) is ASCII: its bytes are its characters.
        let length =
            format == .uuid ? utf8Count : minLength <= 1 && utf8Count <= maxLength ? min(utf8Count, 1) : s.count
        if length < minLength {
            return .init(
                path.pointer, minLength == 1 ? "must not be empty" : "must have at least \(minLength) characters")
        }
        if length > maxLength { return .init(path.pointer, "must have at most \(maxLength) characters") }
        if !refused.isEmpty, let why = refused[s] { return .init(path.pointer, why) }
        if let allowed, !allowed.contains(s) {
            return .init(path.pointer, "must be one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if let format {
            switch format {
            case .uuid: break  // checked first
            case .date: if Formats.parseDate(s) == nil { return .init(path.pointer, "must be a date YYYY-MM-DD") }
            case .timestamp:
                if Formats.parseTimestamp(s) == nil {
                    return .init(path.pointer, "must be an ISO 8601 UTC timestamp ending in Z")
                }
            }
        }
        return nil
    }
}

/// A params validation failure: -32602 with `data: {field, reason}`.
public struct ParamsError: Error, Sendable, Equatable {
    /// JSON pointer into params ("" is params itself).
    public var field: String
    /// What is wrong with the value there.
    public var reason: String
    /// A failure at `field` (a JSON pointer) for `reason`.
    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// JSON Pointer (RFC 6901) helpers.
public enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    public static func escape(_ token: String) -> String {
        // Bytes, not Foundation's `contains`: every member of every request passes here.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else {
            return token
        }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
