import JSONRPC
import Domain

/// A method's params as a typed value.
///
/// `init(from:)` reads every member through the reader, unconditionally and in the order they are
/// published: the same code then declares the fields (the reader describing) and decodes a request
/// (the reader decoding). It reads only; rules that need the values belong in the handler.
protocol MethodParams: SendableMetatype {
    /// Reads the members through `params`.
    init(from params: inout ParamsReader) throws(ServerError)
}

extension MethodParams {
    /// The published fields, in the order `init(from:)` reads them.
    static var fields: [Field] { ParamsReader.fields(of: Self.self) }

    /// Decodes params that already passed validation against `fields`.
    init(decoding object: JSONObject) throws(ServerError) {
        var reader = ParamsReader(decoding: object)
        try self.init(from: &reader)
    }
}

/// Methods without params.
struct NoParams: MethodParams {
    init(from params: inout ParamsReader) {}
}

/// A member an update may leave alone, clear (`null`) or set.
enum Patch<Value> {
    /// Absent: leave the value as it is.
    case keep
    /// Present: the new value (nil when sent as `null`).
    case set(Value?)

    /// Applies the patch to `target`.
    func apply(to target: inout Value?) {
        if case .set(let v) = self { target = v }
    }
}

/// Reads params members, or, describing, records the fields they are read as.
///
/// Decoding builds no field descriptions (the schema and summary arguments are autoclosures,
/// evaluated only when describing): a request pays for the members it reads, nothing more.
struct ParamsReader {
    private let object: JSONObject?
    private let recordsNames: Bool
    /// The fields read so far (describing only).
    private(set) var fields: [Field] = []
    /// The names of the members read so far (decoding with `recordingNames`, for tests).
    private(set) var namesRead: [String] = []

    /// A reader of a request's validated params; `recordingNames` keeps the names it reads.
    init(decoding object: JSONObject, recordingNames: Bool = false) {
        self.object = object
        self.recordsNames = recordingNames
    }

    private init() {
        self.object = nil
        self.recordsNames = false
    }

    /// Notes a member: its field when describing, its name when recording.
    private mutating func note(_ name: String, required: Bool, _ schema: () -> Schema, _ summary: () -> String) {
        if object == nil {
            fields.append(Field(name, schema(), required: required, summary()))
        } else if recordsNames {
            namesRead.append(name)
        }
    }

    /// The fields `P` reads, in order. Every member is read exactly once, so a name read twice is a
    /// programming error, as is a params type that throws while describing.
    static func fields<P: MethodParams>(of type: P.Type) -> [Field] {
        var reader = ParamsReader()
        do {
            _ = try P(from: &reader)
        } catch {
            preconditionFailure("\(P.self) threw while describing its fields: \(error)")
        }
        var seen = Set<String>()
        for f in reader.fields { precondition(seen.insert(f.name).inserted, "\(P.self) reads \(f.name) twice") }
        return reader.fields
    }

    /// A required member.
    mutating func required<T: ParamValue>(
        _ name: String, _ schema: @autoclosure () -> Schema, _ summary: @autoclosure () -> String = ""
    ) throws(ServerError) -> T {
        note(name, required: true, schema, summary)
        guard let object else { return T.placeholder }
        guard let value = object[name], let t = T(param: value) else {
            throw .invalidParams("/" + JSONPointer.escape(name), "is required")
        }
        return t
    }

    /// An optional member; nil when absent or `null`.
    mutating func optional<T: ParamValue>(
        _ name: String, _ schema: @autoclosure () -> Schema, _ summary: @autoclosure () -> String = ""
    ) throws(ServerError) -> T? {
        note(name, required: false, schema, summary)
        guard let value = object?[name] else { return nil }
        if case .null = value { return nil }
        guard let t = T(param: value) else {
            throw .invalidParams("/" + JSONPointer.escape(name), "has the wrong type")
        }
        return t
    }

    /// An optional member with a default.
    mutating func optional<T: ParamValue>(
        _ name: String, _ schema: @autoclosure () -> Schema, _ summary: @autoclosure () -> String = "",
        default value: T
    ) throws(ServerError) -> T {
        try optional(name, schema(), summary()) ?? value
    }

    /// A member an update may leave out (keep), send as `null` (clear) or set.
    mutating func patch<T: ParamValue>(
        _ name: String, _ schema: @autoclosure () -> Schema, _ summary: @autoclosure () -> String = ""
    ) throws(ServerError) -> Patch<T> {
        note(name, required: false, schema, summary)
        guard let value = object?[name] else { return .keep }
        if case .null = value { return .set(nil) }
        guard let t = T(param: value) else {
            throw .invalidParams("/" + JSONPointer.escape(name), "has the wrong type")
        }
        return .set(t)
    }
}

/// A Swift type a params member decodes to.
protocol ParamValue {
    /// The value of `json`, or nil when it has another shape.
    init?(param json: JSONValue)
    /// What describing returns (never seen by a handler).
    static var placeholder: Self { get }
}

extension String: ParamValue {
    init?(param json: JSONValue) {
        guard let s = json.stringValue else { return nil }
        self = s
    }
    static var placeholder: String { "" }
}

extension Int: ParamValue {
    init?(param json: JSONValue) {
        guard let v = json.numberValue?.int64Value else { return nil }
        self = Int(v)
    }
    static var placeholder: Int { 0 }
}

extension Bool: ParamValue {
    init?(param json: JSONValue) {
        guard let b = json.boolValue else { return nil }
        self = b
    }
    static var placeholder: Bool { false }
}

extension JSONObject: ParamValue {
    init?(param json: JSONValue) {
        guard let o = json.objectValue else { return nil }
        self = o
    }
    static var placeholder: JSONObject { JSONObject() }
}

extension JSONValue: ParamValue {
    init?(param json: JSONValue) { self = json }
    static var placeholder: JSONValue { .null }
}

extension Array: ParamValue where Element: ParamValue {
    init?(param json: JSONValue) {
        guard let a = json.arrayValue else { return nil }
        var out: [Element] = []
        out.reserveCapacity(a.count)
        for e in a {
            guard let v = Element(param: e) else { return nil }
            out.append(v)
        }
        self = out
    }
    static var placeholder: [Element] { [] }
}

/// String enums decode from their raw values.
extension ParamValue where Self: RawRepresentable & CaseIterable, RawValue == String {
    init?(param json: JSONValue) {
        guard let s = json.stringValue, let v = Self(rawValue: s) else { return nil }
        self = v
    }
    static var placeholder: Self { allCases[allCases.startIndex] }
}

extension ModelKind: ParamValue {}
extension ModelStatus: ParamValue {}
extension TemplateKind: ParamValue {}
extension ConfigKind: ParamValue {}
extension MigrationEntityType: ParamValue {}
extension LifecyclePolicy.Mode: ParamValue {}
extension LifecyclePolicy.Trigger: ParamValue {}
extension LifecyclePolicy.Target: ParamValue {}
extension PolicyPlan.Status: ParamValue {}
