import JSONRPC
import Domain

/// What a method returns: a typed value, its JSON, and the schema that JSON is published under.
protocol MethodResult: SendableMetatype {
    /// The published shape of `json` (tests check every result against it).
    static var schema: Schema { get }
    /// The value as sent to the client.
    var json: JSONValue { get }
}

/// A result whose JSON and schema both come from one shape: a list of members, each with its
/// schema and how it is read off the value.
protocol ShapedResult: MethodResult {
    /// The members, in the order they are sent.
    static var shape: ObjectShape<Self> { get }
}

extension ShapedResult {
    static var schema: Schema { shape.schema }
    var json: JSONValue { Self.shape.encode(self) }
}

/// The wire form of a `Subject`: its members in order, each published with a schema and encoded
/// by a function of the subject. One declaration gives both the JSON and its schema.
struct ObjectShape<Subject>: Sendable {
    /// One member of the object.
    struct Member: Sendable {
        /// The member as published.
        var field: Field
        /// Its value for a subject.
        var value: @Sendable (Subject) -> JSONValue
    }

    /// The name under which the schema is published in `components/schemas`, or nil for inline.
    var name: String?
    /// The members, in the order they are sent.
    var members: [Member]

    /// An inline object of the given members.
    init(_ members: [Member]) {
        self.name = nil
        self.members = members
    }

    /// An object of the given members, published as the component `name`.
    init(_ name: String, _ members: [Member]) {
        self.name = name
        self.members = members
    }

    /// The published schema: every member is required (absent values are sent as `null`).
    var schema: Schema {
        let object = Schema.object(members.map(\.field))
        return name.map { .named($0, object) } ?? object
    }

    /// The JSON of `subject`, members in declared order.
    func encode(_ subject: Subject) -> JSONValue {
        var o = JSONObject()
        for m in members { o.append(m.field.name, m.value(subject)) }
        return .object(o)
    }
}

extension ObjectShape.Member {
    /// A member named `name` of shape `schema`, whose value `value` reads off the subject.
    static func member(
        _ name: String, _ schema: Schema, _ summary: String = "", _ value: @escaping @Sendable (Subject) -> JSONValue
    ) -> Self {
        Self(field: .required(name, schema, summary), value: value)
    }
}

/// One page of a list: `{items, total, nextCursor}`.
struct Page<Item: MethodResult>: MethodResult {
    /// The items of this page, in list order.
    var items: [Item]
    /// How many items the whole list has.
    var total: Int
    /// The cursor of the next page, or nil on the last.
    var nextCursor: String?

    static var schema: Schema { Pagination.listSchema(Item.schema) }
    var json: JSONValue {
        ["items": .array(items.map { $0.json }), "total": .int(total), "nextCursor": .optionalString(nextCursor)]
    }
}

/// The `limit` and `cursor` every list method reads.
struct PageRequest: MethodParams {
    /// Page size.
    var limit: Int
    /// Where the previous page ended, as its `nextCursor`.
    var cursor: String?

    init(from params: inout ParamsReader) throws(ServerError) {
        limit = try params.optional(
            "limit", .integer(min: 1, max: 500), "Page size, 1–500 (default 50).", default: 50)
        cursor = try params.optional(
            "cursor", .string(.init(maxLength: 200)), "The nextCursor of the previous page.")
    }
}
