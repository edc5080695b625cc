import JSONRPC
import Domain

/// Keyset pagination over a stable order (`createdAt`, then `id`).
///
/// Cursors are opaque: `c2.<createdAt>.<id>.<check>` where `check` is a hash of the rest and of
/// the list's scope (method, tenant, filters), so a cursor the server did not issue, an edited one,
/// or one of another list, filter or tenant is -32602.
public enum Pagination {
    /// The `limit` param every list method takes.
    public static let limitField = Field.optional("limit", .integer(min: 1, max: 500), "Page size, 1–500 (default 50).")
    /// The `cursor` param every list method takes (from the previous page's `nextCursor`).
    public static let cursorField = Field.optional(
        "cursor", .string(.init(maxLength: 200)), "The nextCursor of the previous page.")

    /// The list result shape `{items, total, nextCursor}` with items of the given schema.
    public static func listSchema(_ item: Schema) -> Schema {
        .object([
            .required("items", .array(item)), .required("total", .integer(min: 0)),
            .required("nextCursor", .nullable(.string())),
        ])
    }

    /// The order of a list: creation time, then id.
    public struct Key: Comparable, Sendable {
        /// When the item was created (milliseconds since the epoch).
        public var createdAt: Millis
        /// Its id, which breaks ties.
        public var id: String
        /// The key of an item created at `createdAt` with `id`.
        public init(_ createdAt: Millis, _ id: String) {
            self.createdAt = createdAt
            self.id = id
        }
        /// Older first; equal times by id.
        public static func < (a: Key, b: Key) -> Bool {
            a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id
        }
    }

    static func encode(_ k: Key, scope: String) -> String {
        let body = "c2.\(k.createdAt).\(k.id)"
        return body + "." + String(check(body + "\u{1}" + scope), radix: 16)
    }

    static func decode(_ s: String, scope: String) -> Key? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "c2", let at = Millis(parts[1]) else { return nil }
        let body = parts[0...2].joined(separator: ".")
        guard String(check(body + "\u{1}" + scope), radix: 16) == parts[3] else { return nil }
        return Key(at, String(parts[2]))
    }

    private static func check(_ s: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// One page of `items` (any order in; sorted by key out), each item rendered as a typed result.
    static func page<T, Item: MethodResult>(
        _ items: [T], key: (T) -> Key, request: PageRequest, scope: String, descending: Bool = false,
        render: (T) -> Item
    ) throws(ServerError) -> Page<Item> {
        var after: Key? = nil
        if let c = request.cursor {
            guard let k = decode(c, scope: scope) else {
                throw .invalidParams(
                    "/cursor", "is not a cursor this server issued for this list (its method, tenant and filters)")
            }
            after = k
        }
        // Sort keys with indices, not the items themselves (entities are large to move around).
        let keyed = items.indices.map { (key(items[$0]), $0) }.sorted { descending ? $0.0 > $1.0 : $0.0 < $1.0 }
        let start = after.map { a in keyed.firstIndex { descending ? $0.0 < a : $0.0 > a } ?? keyed.count } ?? 0
        let end = min(keyed.count, start + request.limit)
        let slice = keyed[start..<end]
        let next = end < keyed.count ? slice.last.map { encode($0.0, scope: scope) } : nil
        return Page(items: slice.map { render(items[$0.1]) }, total: keyed.count, nextCursor: next)
    }
}
