import JSONRPC

/// Facts about the store itself: when it was created and the last cleanup report. One per store.
public struct StoreMeta: Sendable, Equatable {
    /// When the store was first opened by a serving process (the schedule's origin).
    public var createdAt: Millis
    /// The report of the last (non-dry) cleanup run, exactly as it was returned.
    public var lastCleanup: JSONObject?
    /// When that run started (the schedule counts from it).
    public var lastCleanupAt: Millis?

    /// The store's facts.
    public init(createdAt: Millis, lastCleanup: JSONObject? = nil, lastCleanupAt: Millis? = nil) {
        self.createdAt = createdAt
        self.lastCleanup = lastCleanup
        self.lastCleanupAt = lastCleanupAt
    }

    /// The facts as the journal keeps them.
    public var record: JSONObject {
        var o: JSONObject = ["createdAt": .number(JSONNumber(Int(createdAt)))]
        if let lastCleanup { o["lastCleanup"] = .object(lastCleanup) }
        if let lastCleanupAt { o["lastCleanupAt"] = .number(JSONNumber(Int(lastCleanupAt))) }
        return o
    }

    init(record o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "meta")
        self.init(
            createdAt: try r.int64("createdAt"), lastCleanup: o["lastCleanup"]?.objectValue,
            lastCleanupAt: r.optionalInt64("lastCleanupAt"))
    }
}
