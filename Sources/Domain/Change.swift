import JSONRPC

/// One kind of stored thing.
public enum EntityKind: String, Sendable, CaseIterable {
    case tenant, classification, provider, model, space, config, template, migration, audit, meta, collection, plan
}

/// One change of a transaction. A transaction is applied whole or not at all.
public enum Change: Sendable, Equatable {
    case putTenant(Tenant)
    case putClassification(Classification)
    case putProvider(Provider)
    case putModel(Model)
    case putSpace(Space)
    case putConfig(ConfigItem)
    case putTemplate(Template)
    case putCollection(KnowledgeCollection)
    case putMigration(MigrationEntry)
    case putAudit(AuditEntry)
    case putMeta(StoreMeta)
    case putPlan(PolicyPlan)
    /// Moves configurations to another model at a time: `completionModelId = to`, `updatedAt =
    /// at`, and assistants' kwargs become `{}`. What migrations committed before `migrateConfigs`;
    /// kept so older journals replay.
    case moveConfigs(ids: [String], to: String, at: Millis)
    /// Moves every configuration of the given kinds that uses `from` to `to`, as `moveConfigs`
    /// moves each, and records each one (with its old kwargs) in the history entry `history`, put
    /// earlier in the same transaction. What a migration commits: a few bytes however many
    /// configurations move. Replaying it on the same state moves the same configurations.
    /// With `exceptPinned` (a policy's migration) pinned configurations stay.
    case migrateConfigs(
        from: String, to: String, kinds: [ConfigKind], at: Millis, history: String?, exceptPinned: Bool = false)
    /// Moves every app that transcribes with `from` to `to` (`transcriptionModelId = to`,
    /// `updatedAt = at`), recording each in the history entry `history` (put earlier in the same
    /// transaction): what a migration of a transcription model commits.
    case migrateTranscriptions(from: String, to: String, at: Millis, history: String?)
    /// A size hint (entity kind → count) at the start of a snapshot; changes no data.
    case reserve([String: Int])
    /// Removes a stored thing for good (a hard delete).
    case remove(EntityKind, id: String)
    /// Records a question on a model at a time.
    case recordQuestion(modelId: String, at: Millis)
    /// Removes a tenant's questions with `at < before`.
    case purgeQuestions(tenantId: String, before: Millis)

    /// The change as it is written in a journal record.
    public var json: JSONObject {
        switch self {
        case .putTenant(let v): return ["op": "put", "k": "tenant", "v": .object(v.record)]
        case .putClassification(let v): return ["op": "put", "k": "classification", "v": .object(v.record)]
        case .putProvider(let v): return ["op": "put", "k": "provider", "v": .object(v.record)]
        case .putModel(let v): return ["op": "put", "k": "model", "v": .object(v.record)]
        case .putSpace(let v): return ["op": "put", "k": "space", "v": .object(v.record)]
        case .putConfig(let v): return ["op": "put", "k": "config", "v": .object(v.record)]
        case .putTemplate(let v): return ["op": "put", "k": "template", "v": .object(v.record)]
        case .putCollection(let v): return ["op": "put", "k": "collection", "v": .object(v.record)]
        case .putMigration(let v): return ["op": "put", "k": "migration", "v": .object(v.record)]
        case .putAudit(let v): return ["op": "put", "k": "audit", "v": .object(v.record)]
        case .putMeta(let v): return ["op": "put", "k": "meta", "v": .object(v.record)]
        case .putPlan(let v): return ["op": "put", "k": "plan", "v": .object(v.record)]
        case .reserve(let counts):
            return [
                "op": "reserve",
                "counts": .object(
                    JSONObject(members: counts.keys.sorted().map { .init(key: $0, value: .int(counts[$0]!)) })),
            ]
        case .moveConfigs(let ids, let to, let at):
            return [
                "op": "move", "k": "config", "ids": .array(ids.map { .string($0) }), "to": .string(to),
                "at": .number(JSONNumber(Int(at))),
            ]
        case .migrateConfigs(let from, let to, let kinds, let at, let history, let exceptPinned):
            var o: JSONObject = [
                "op": "migrate", "k": "config", "from": .string(from), "to": .string(to),
                "kinds": .array(kinds.map { .string($0.rawValue) }), "at": .number(JSONNumber(Int(at))),
            ]
            if let history { o.append("history", .string(history)) }
            if exceptPinned { o.append("exceptPinned", true) }
            return o
        case .migrateTranscriptions(let from, let to, let at, let history):
            var o: JSONObject = [
                "op": "migrate", "k": "transcription", "from": .string(from), "to": .string(to),
                "at": .number(JSONNumber(Int(at))),
            ]
            if let history { o.append("history", .string(history)) }
            return o
        case .remove(let k, let id): return ["op": "remove", "k": .string(k.rawValue), "id": .string(id)]
        case .recordQuestion(let m, let at):
            return ["op": "question", "modelId": .string(m), "at": .number(JSONNumber(Int(at)))]
        case .purgeQuestions(let t, let before):
            return ["op": "purge", "tenantId": .string(t), "before": .number(JSONNumber(Int(before)))]
        }
    }

    /// Writes `json` to `w`. The changes every create and question commits are written without
    /// building their value tree first (a third of a pipelined create's record went to that);
    /// the bytes are the same (`ChangeCodingTests`).
    func write(into w: inout JSONWriter) {
        switch self {
        case .putConfig(let v):
            w.appendRaw(#"{"op":"put","k":"config","v":"#)
            v.writeRecord(into: &w)
            w.appendASCII("}")
        case .recordQuestion(let m, let at):
            w.appendRaw(#"{"op":"question","modelId":"#)
            w.writeString(m)
            w.appendRaw(#","at":"#)
            w.appendASCII(JSONNumber(Int(at)).text)
            w.appendASCII("}")
        default:
            w.write(.object(json))
        }
    }

    init(json o: JSONObject) throws(DecodeError) {
        let r = FieldReader(object: o, entity: "change")
        switch try r.string("op") {
        case "put":
            let v = r.objectValue("v")
            switch try r.string("k") {
            case "tenant": self = .putTenant(try Tenant(record: v))
            case "classification": self = .putClassification(try Classification(record: v))
            case "provider": self = .putProvider(try Provider(record: v))
            case "model": self = .putModel(try Model(record: v))
            case "space": self = .putSpace(try Space(record: v))
            case "config": self = .putConfig(try ConfigItem(record: v))
            case "template": self = .putTemplate(try Template(record: v))
            case "collection": self = .putCollection(try KnowledgeCollection(record: v))
            case "migration": self = .putMigration(try MigrationEntry(record: v))
            case "audit": self = .putAudit(try AuditEntry(record: v))
            case "meta": self = .putMeta(try StoreMeta(record: v))
            case "plan": self = .putPlan(try PolicyPlan(record: v))
            case let k: throw DecodeError("unknown entity kind \(k)")
            }
        case "remove":
            guard let k = EntityKind(rawValue: try r.string("k")) else { throw DecodeError("unknown entity kind") }
            self = .remove(k, id: try r.string("id"))
        case "move":
            guard try r.string("k") == "config" else { throw DecodeError("only configurations move") }
            self = .moveConfigs(ids: r.strings("ids"), to: try r.string("to"), at: try r.int64("at"))
        case "migrate" where (try? r.string("k")) == "transcription":
            self = .migrateTranscriptions(
                from: try r.string("from"), to: try r.string("to"), at: try r.int64("at"),
                history: r.optionalString("history"))
        case "migrate":
            guard try r.string("k") == "config" else { throw DecodeError("only configurations migrate") }
            var kinds: [ConfigKind] = []
            for name in r.strings("kinds") {
                guard let k = ConfigKind(rawValue: name) else {
                    throw DecodeError("unknown configuration kind \(name)")
                }
                kinds.append(k)
            }
            self = .migrateConfigs(
                from: try r.string("from"), to: try r.string("to"), kinds: kinds, at: try r.int64("at"),
                history: r.optionalString("history"), exceptPinned: r.bool("exceptPinned"))
        case "reserve":
            var counts: [String: Int] = [:]
            for m in r.objectValue("counts") {
                counts[m.key] = m.value.numberValue?.int64Value.map { Int(max(0, min($0, 100_000_000))) } ?? 0
            }
            self = .reserve(counts)
        case "question": self = .recordQuestion(modelId: try r.string("modelId"), at: try r.int64("at"))
        case "purge": self = .purgeQuestions(tenantId: try r.string("tenantId"), before: try r.int64("before"))
        case let op: throw DecodeError("unknown change \(op)")
        }
    }
}

/// The changes of one commit, encoded as one journal record.
public struct Transaction: Sendable, Equatable {
    /// The changes, applied in order.
    public var changes: [Change] = []
    /// A transaction of `changes`.
    public init(_ changes: [Change] = []) { self.changes = changes }
    /// Adds a change at the end.
    public mutating func add(_ c: Change) { changes.append(c) }
    /// Whether there is nothing to commit.
    public var isEmpty: Bool { changes.isEmpty }

    /// The journal record: `{"c":[…]}`.
    public var record: [UInt8] {
        var w = JSONWriter(reservingCapacity: 256 * max(1, changes.count))
        w.appendRaw(#"{"c":["#)
        for (k, c) in changes.enumerated() {
            if k > 0 { w.appendASCII(",") }
            c.write(into: &w)
        }
        w.appendASCII("]}")
        return w.bytes
    }

    /// The deepest nesting the store reads back. A record's depth is the store's business, not
    /// the client's: a request may nest `JSONParser.Options.default.maxDepth` levels, and records
    /// and snapshots wrap what it sent a few levels deeper (history keeps old kwargs inside a
    /// migration entry), far below this.
    public static let readableDepth = 512
    /// The deepest record the store writes (`PlatformState.checkReadable`), with room below
    /// `readableDepth` for a snapshot to wrap it again.
    public static let writableDepth = 448

    /// Decodes a journal record.
    public init(record: ArraySlice<UInt8>) throws(DecodeError) {
        let value: JSONValue
        // Records are written by this server and checksummed: no duplicate-member scan needed.
        let options = JSONParser.Options(
            maxDepth: Self.readableDepth, rejectDuplicateKeys: false, shareStrings: true)
        do {
            value = try record.withUnsafeBufferPointer { buf throws(JSONParseError) in
                try JSONParser.parse(buf, options: options)
            }
        } catch {
            throw DecodeError("record is not JSON: \(error)")
        }
        guard let list = value["c"]?.arrayValue else { throw DecodeError("record without changes") }
        var changes: [Change] = []
        changes.reserveCapacity(list.count)
        for c in list {
            guard let o = c.objectValue else { throw DecodeError("change is not an object") }
            changes.append(try Change(json: o))
        }
        self.changes = changes
    }
}
