import JSONRPC

/// One model's lifecycle in one state model for every provider (their words disagree: Azure
/// "Deprecated" means retired, Bedrock "LEGACY" means closed to new use).
public enum LifecycleState: String, Sendable, CaseIterable {
    /// Serving, no end date known (a tentative one does not count).
    case active
    /// Serving, open to new use, with a planned or earliest end date.
    case retiring
    /// Serving but closed to new use (or in a price-up phase).
    case deprecated
    /// No longer served.
    case retired
}

/// How sure an end date is.
public enum DateConfidence: String, Sendable, CaseIterable {
    /// Confirmed and communicated.
    case planned
    /// Estimated; may change.
    case tentative
    /// "Not before" / "may be removed after".
    case earliest
    /// No date, or nothing said about it.
    case unknown
}

/// The exports this server reads: what each provider's model-list API returns, saved to a file.
public enum ProviderKind: String, Sendable, CaseIterable {
    case bedrock, azure, anthropic, openai, openrouter

    /// The `providerType` of the models a record of this kind describes.
    public var providerType: String { rawValue }
}

/// What one provider export says about one model, normalized; the provider's own word kept.
public struct ProviderRecord: Sendable, Equatable {
    /// The provider's model id (Azure: the model name; `name-version` also matches).
    public var model: String
    /// Azure's model version, when given.
    public var version: String?
    /// The provider's status word, verbatim (`LEGACY`, `Deprecating`, `deprecated`, …), or nil.
    public var providerStatus: String?
    /// What the provider says outright: retired (`Deprecated` on Azure, `retired` on Anthropic),
    /// closed to new use, or nothing (the dates decide).
    public var saysRetired = false
    public var saysClosedToNew = false
    /// The inference end, as days since the epoch.
    public var retireAt: Int?
    public var retireAtConfidence = DateConfidence.unknown
    /// When it closed (or closes) to new use.
    public var closedToNewAt: Int?
    /// The successor the provider names (only Azure's API does).
    public var successor: String?
    /// Azure: whether this version is the one "auto-update to default" deployments follow.
    public var isDefaultVersion = false

    /// How far along its life the provider says it is, regardless of dates (to choose between
    /// versions listed under one name).
    var stage: Int { saysRetired ? 3 : saysClosedToNew ? 2 : retireAt != nil ? 1 : 0 }

    public init(model: String) { self.model = model }

    /// The state on `today`.
    public func state(today: Int) -> LifecycleState {
        if saysRetired { return .retired }
        if let r = retireAt, r <= today, retireAtConfidence != .tentative { return .retired }
        if saysClosedToNew || (closedToNewAt.map { $0 <= today } ?? false) { return .deprecated }
        if retireAt != nil, retireAtConfidence == .planned || retireAtConfidence == .earliest { return .retiring }
        return .active
    }
}

/// Why a provider export cannot be used at all: the file and the byte.
public struct ProviderSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var offset: Int?
    public var reason: String
    /// An error about `path` (at byte `offset`, when known).
    public init(path: String, offset: Int?, reason: String) {
        self.path = path
        self.offset = offset
        self.reason = reason
    }
    public var description: String {
        "lifecycle source \(path)" + (offset.map { " at byte \($0)" } ?? "") + ": \(reason)"
    }
}

/// One saved provider export, read.
public struct ProviderSource: Sendable {
    public var path: String
    public var kind: ProviderKind
    /// When the export was made (the file's modification time).
    public var observedAt: Millis
    /// Records by lowercased model id (Azure also by `name-version`).
    public private(set) var records: [String: ProviderRecord] = [:]
    /// Models the export lists whose record could not be read (they did not vanish).
    public private(set) var unreadableIDs: Set<String> = []
    /// How many records were read.
    public private(set) var recordCount = 0
    /// Why records were skipped, one line each.
    public private(set) var skipped: [String] = []
    /// Whether the export lists everything the provider serves (so a model missing from it is
    /// gone, once it was seen in an earlier read of the same source).
    public var complete: Bool
    /// Models seen in an earlier read of this source and missing from this one.
    public var vanished: Set<String> = []

    init(path: String, kind: ProviderKind, observedAt: Millis, complete: Bool) {
        self.path = path
        self.kind = kind
        self.observedAt = observedAt
        self.complete = complete
    }

    mutating func add(_ r: ProviderRecord) {
        recordCount += 1
        let bare = r.model.lowercased()
        // Several versions under one name (Azure): the default version speaks for the name, else
        // the one least far along its life (a retired old version must not retire the name).
        if let other = records[bare], other.version != nil, r.version != nil {
            if other.isDefaultVersion || (!r.isDefaultVersion && other.stage <= r.stage) {
                records[(r.model + "-" + r.version!).lowercased()] = r
                return
            }
        }
        records[bare] = r
        if let v = r.version { records[(r.model + "-" + v).lowercased()] = r }
    }

    mutating func skip(_ why: String, id: String? = nil) {
        skipped.append(why)
        if let id { unreadableIDs.insert(id.lowercased()) }
    }

    /// The record for a model name, if this export has one.
    public func record(for name: String) -> ProviderRecord? {
        let key = name.lowercased()
        if let r = records[key] { return r }
        if vanished.contains(key) {
            var r = ProviderRecord(model: name)
            r.saysRetired = true
            r.providerStatus = "vanished from a complete listing"
            return r
        }
        return nil
    }

    /// The model ids of this read, those it could not read included.
    public var modelIDs: Set<String> { Set(records.keys).union(unreadableIDs) }

    /// What the reads since the last complete one listed (only a complete read proves a model gone).
    private var listedBefore: Set<String> = []
    var listed: Set<String> { listedBefore.union(modelIDs) }

    /// Takes over what an earlier read of the same source knew: a model listed then and missing
    /// from this read has vanished when this read is complete; an incomplete read (empty, or one
    /// page) forgets nothing, neither what vanished nor what was listed.
    public mutating func follow(_ before: ProviderSource) {
        guard before.kind == kind else { return }
        if complete {
            vanished = before.listed.union(before.vanished).subtracting(modelIDs)
        } else {
            vanished = before.vanished.subtracting(modelIDs)
            listedBefore = before.listed
        }
    }
}

/// Reads provider exports (see `Protocol/methods/lifecycle-sources.md` for the shapes).
public enum ProviderSourceReader {
    /// The kind of an export, from its shape; nil when it is none this server knows.
    public static func detect(_ v: JSONValue) -> ProviderKind? {
        if v["modelSummaries"] != nil || v["modelDetails"] != nil { return .bedrock }
        let items = v["value"]?.arrayValue ?? v["data"]?.arrayValue ?? v.arrayValue ?? []
        guard let first = items.first?.objectValue else { return nil }
        if first["model"]?.objectValue != nil || first["lifecycleStatus"] != nil { return .azure }
        if first["lifecycle_status"] != nil || first["deprecation"]?.objectValue != nil { return .azure }
        if first["lifecycle"] != nil || first["retires_at"] != nil || first["display_name"] != nil { return .anthropic }
        if first["expiration_date"] != nil || first["canonical_slug"] != nil || first["pricing"] != nil {
            return .openrouter
        }
        if first["shutdown_date"] != nil || first["owned_by"] != nil { return .openai }
        return nil
    }

    /// Reads an export. A file that is not JSON, or not an export of a known shape, throws; a
    /// record that cannot be read is skipped, with why.
    public static func read(
        bytes: [UInt8], path: String, kind given: ProviderKind?, observedAt: Millis
    ) throws(ProviderSourceError) -> ProviderSource {
        let v: JSONValue
        do { v = try JSONParser.parse(bytes) } catch {
            throw ProviderSourceError(path: path, offset: error.offset, reason: "not valid JSON: \(error.reason)")
        }
        guard let kind = given ?? detect(v) else {
            throw ProviderSourceError(
                path: path, offset: 0,
                reason: "not an export this server knows (bedrock, azure, anthropic, openai, openrouter); "
                    + "name its kind as KIND:FILE")
        }
        var s: ProviderSource
        switch kind {
        case .bedrock:
            // `list-foundation-models` (modelSummaries, an array) or `get-foundation-model` (modelDetails).
            let summaries = v["modelSummaries"]?.arrayValue
            guard let items = summaries ?? v["modelDetails"]?.objectValue.map({ [.object($0)] }) else {
                throw shapeError(path, kind, "modelSummaries (an array)")
            }
            // An empty listing (a failed export) says nothing about what is gone.
            s = ProviderSource(
                path: path, kind: kind, observedAt: observedAt, complete: summaries != nil && !items.isEmpty)
            for (k, item) in items.enumerated() { read(bedrock: item, k, into: &s) }
        case .azure:
            guard let items = v["value"]?.arrayValue ?? v["data"]?.arrayValue ?? v.arrayValue else {
                throw shapeError(path, kind, "value (or an array)")
            }
            s = ProviderSource(path: path, kind: kind, observedAt: observedAt, complete: !items.isEmpty)
            for (k, item) in items.enumerated() { read(azure: item, k, into: &s) }
        case .anthropic:
            guard let items = v["data"]?.arrayValue ?? v.arrayValue else { throw shapeError(path, kind, "data") }
            // Retired models are listed only when asked for: an export with some is a complete one,
            // unless it is one page of several.
            let complete =
                items.contains { $0["lifecycle"]?.stringValue == "retired" } && v["has_more"]?.boolValue != true
            s = ProviderSource(path: path, kind: kind, observedAt: observedAt, complete: complete)
            for (k, item) in items.enumerated() { read(anthropic: item, k, into: &s) }
        case .openai, .openrouter:
            guard let items = v["data"]?.arrayValue ?? v.arrayValue else { throw shapeError(path, kind, "data") }
            s = ProviderSource(path: path, kind: kind, observedAt: observedAt, complete: !items.isEmpty)
            for (k, item) in items.enumerated() { read(dated: item, k, kind: kind, into: &s) }
        }
        return s
    }

    private static func shapeError(_ path: String, _ kind: ProviderKind, _ member: String) -> ProviderSourceError {
        ProviderSourceError(path: path, offset: 0, reason: "a \(kind.rawValue) export has \(member), this has not")
    }

    /// A date of an export: `YYYY-MM-DD`, an RFC 3339 date-time, or (only where `epochSeconds`:
    /// Azure's data plane) unix seconds; as days since the epoch. `.some(nil)` for absent or null,
    /// nil for something that is not a date.
    static func day(_ v: JSONValue?, epochSeconds: Bool = false) -> Int?? {
        guard let v, v != .null else { return .some(nil) }
        if let s = v.stringValue {
            if let d = Formats.parseDate(s) { return d }
            if let t = Formats.parseRFC3339(s) { return Int((t >= 0 ? t : t - 86_399_999) / 86_400_000) }
            return nil
        }
        // Seconds from 1970 to the end of year 9999 (milliseconds, a common mistake, are beyond it).
        if epochSeconds, let n = v.numberValue?.int64Value, (0...253_402_300_799).contains(n) { return Int(n / 86_400) }
        return nil
    }

    private static func read(bedrock item: JSONValue, _ k: Int, into s: inout ProviderSource) {
        guard let id = item["modelId"]?.stringValue else { return s.skip("modelSummaries[\(k)]: no modelId") }
        var r = ProviderRecord(model: id)
        if let life = item["modelLifecycle"] {
            r.providerStatus = life["status"]?.stringValue
            guard let end = day(life["endOfLifeTime"]), let legacy = day(life["legacyTime"]) else {
                return s.skip("modelSummaries[\(k)] (\(id)): a date that is not a date", id: id)
            }
            r.retireAt = end
            r.retireAtConfidence = end == nil ? .unknown : .planned
            if r.providerStatus == "LEGACY" {
                r.saysClosedToNew = true
                r.closedToNewAt = legacy
            }
        }
        s.add(r)
    }

    private static func read(azure item: JSONValue, _ k: Int, into s: inout ProviderSource) {
        // The management plane wraps the model ({kind, skuName, model}); the data plane does not.
        let m = item["model"]?.objectValue.map { JSONValue.object($0) } ?? item
        guard let name = m["name"]?.stringValue ?? m["id"]?.stringValue else {
            return s.skip("[\(k)]: no model name")
        }
        var r = ProviderRecord(model: name)
        r.version = m["version"]?.stringValue
        r.isDefaultVersion = m["isDefaultVersion"]?.boolValue ?? false
        r.providerStatus = m["lifecycleStatus"]?.stringValue ?? m["lifecycle_status"]?.stringValue
        guard let end = day(m["deprecation"]?["inference"], epochSeconds: item["model"] == nil) else {
            return s.skip("[\(k)] (\(name)): deprecation.inference is not a date", id: name)
        }
        r.retireAt = end
        if end != nil {
            r.retireAtConfidence =
                m["deprecation"]?["deprecationStatus"]?.stringValue?.lowercased() == "tentative" ? .tentative : .planned
        }
        switch r.providerStatus?.lowercased() {
        case "deprecated": r.saysRetired = true
        case "deprecating", "legacy": r.saysClosedToNew = true
        default: break
        }
        if let target = m["replacementConfig"]?["targetModelName"]?.stringValue {
            let version = m["replacementConfig"]?["targetModelVersion"]?.stringValue
            r.successor = version.map { target + "-" + $0 } ?? target
        }
        s.add(r)
    }

    private static func read(anthropic item: JSONValue, _ k: Int, into s: inout ProviderSource) {
        guard let id = item["id"]?.stringValue else { return s.skip("data[\(k)]: no id") }
        var r = ProviderRecord(model: id)
        r.providerStatus = item["lifecycle"]?.stringValue
        guard let retires = day(item["retires_at"]), let deprecated = day(item["deprecated_at"]) else {
            return s.skip("data[\(k)] (\(id)): a date that is not a date", id: id)
        }
        switch r.providerStatus {
        case "retired"?:
            // Its dates are history and are kept: the end it was retired on, not today.
            r.saysRetired = true
            r.closedToNewAt = deprecated
            r.retireAt = retires
            r.retireAtConfidence = retires == nil ? .unknown : .planned
        case "deprecated"?:
            r.saysClosedToNew = true
            r.closedToNewAt = deprecated
            r.retireAt = retires
            // The date may still be revised, and a past one means overdue, not done.
            r.retireAtConfidence = retires == nil ? .unknown : .tentative
        case "active"?, nil: break
        case let other?: return s.skip("data[\(k)] (\(id)): unknown lifecycle \"\(other)\"", id: id)
        }
        s.add(r)
    }

    private static func read(dated item: JSONValue, _ k: Int, kind: ProviderKind, into s: inout ProviderSource) {
        guard let id = item["id"]?.stringValue else { return s.skip("data[\(k)]: no id") }
        var r = ProviderRecord(model: id)
        let member = kind == .openai ? "shutdown_date" : "expiration_date"
        guard let end = day(item[member]) else {
            return s.skip("data[\(k)] (\(id)): \(member) is not a date", id: id)
        }
        r.retireAt = end
        r.retireAtConfidence = end == nil ? .unknown : kind == .openai ? .planned : .earliest
        s.add(r)
    }
}

/// One model's lifecycle from every source, by precedence: the operator's manual flag (applied by
/// the status rules), then the provider exports in the order given, then LiteLLM's map.
public struct NormalizedLifecycle: Sendable, Equatable {
    /// One source's say.
    public struct Evidence: Sendable, Equatable {
        public var source: String
        public var kind: String
        public var observedAt: Millis?
        public var state: LifecycleState
        public var retireAt: Int?
        public var retireAtConfidence: DateConfidence
        public var closedToNewAt: Int?
        public var successor: String?
        public var providerStatus: String?
        var hasDates: Bool { retireAt != nil || closedToNewAt != nil }
        /// Whether this source says anything of the model's lifecycle: a state other than active,
        /// a date, or a status word of its own.
        public var saysAnything: Bool { state != .active || hasDates || providerStatus != nil }
    }

    public var state: LifecycleState
    public var retireAt: Int?
    public var retireAtConfidence: DateConfidence
    public var closedToNewAt: Int?
    public var successor: (name: String, source: String)?
    public var sources: [Evidence]
    /// Where the sources disagree, one sentence each.
    public var conflicts: [String]
    /// The first provider export or LiteLLM that says anything (what decides unless the operator
    /// flagged the model).
    public var decider: Evidence? { sources.first { $0.kind != "operator" && $0.saysAnything } }

    public static func == (a: NormalizedLifecycle, b: NormalizedLifecycle) -> Bool {
        a.state == b.state && a.retireAt == b.retireAt && a.retireAtConfidence == b.retireAtConfidence
            && a.closedToNewAt == b.closedToNewAt && a.successor?.name == b.successor?.name
            && a.successor?.source == b.successor?.source && a.sources == b.sources && a.conflicts == b.conflicts
    }

    /// The deprecation day the contract's statuses read: `deprecated` from the day it closed to
    /// new use (or was retired, or today when no day is known), `retiring` until its planned or
    /// earliest end, nil while active.
    public func deprecationDay(today: Int) -> Int? {
        switch state {
        case .retired: return min(retireAt ?? today, today)
        case .deprecated: return min(closedToNewAt ?? today, today)
        case .retiring: return retireAt
        case .active: return nil
        }
    }

    /// Combines the operator's manual flag, the provider records (in precedence order) and
    /// LiteLLM's entry; the first that says anything decides, and the others are kept as evidence.
    public static func combine(
        manuallyDeprecated: Bool, providers: [(source: ProviderSource, record: ProviderRecord)],
        litellm: CatalogEntry?, today: Int
    ) -> NormalizedLifecycle {
        var evidence: [Evidence] = []
        if manuallyDeprecated {
            evidence.append(
                Evidence(
                    source: "operator", kind: "operator", observedAt: nil, state: .deprecated, retireAt: nil,
                    retireAtConfidence: .unknown, closedToNewAt: nil, successor: nil,
                    providerStatus: "flagged deprecated"))
        }
        evidence += providers.map { p in
            Evidence(
                source: p.source.path, kind: p.source.kind.rawValue, observedAt: p.source.observedAt,
                state: p.record.state(today: today), retireAt: p.record.retireAt,
                retireAtConfidence: p.record.retireAtConfidence, closedToNewAt: p.record.closedToNewAt,
                successor: p.record.successor, providerStatus: p.record.providerStatus)
        }
        if let e = litellm, e.deprecationDay != nil || e.successorModel != nil {
            let day = e.deprecationDay
            evidence.append(
                Evidence(
                    source: "litellm", kind: "litellm", observedAt: nil,
                    state: day.map { $0 <= today ? .retired : .retiring } ?? .active, retireAt: day,
                    retireAtConfidence: day == nil ? .unknown : .planned, closedToNewAt: nil,
                    successor: e.successorModel, providerStatus: nil))
        }
        guard let first = evidence.first else {
            return NormalizedLifecycle(
                state: .active, retireAt: nil, retireAtConfidence: .unknown, closedToNewAt: nil, successor: nil,
                sources: [], conflicts: [])
        }
        var conflicts: [String] = []
        // The providers' and LiteLLM's say compared (the operator's flag is a decision, not evidence).
        // A record with no date and no status word (OpenAI's `shutdown_date: null`) says nothing: it
        // neither decides nor disagrees, and the next source speaks.
        let said = evidence.filter { $0.kind != "operator" && $0.saysAnything }
        for other in said.dropFirst() {
            let first = said[0]
            if other.state != first.state {
                conflicts.append(
                    "\(first.kind) says \(first.state.rawValue), \(other.kind) says \(other.state.rawValue)")
            }
            if let a = first.retireAt, let b = other.retireAt, a != b {
                conflicts.append(
                    "\(first.kind) retires it on \(Formats.formatDate(a)), \(other.kind) on \(Formats.formatDate(b))")
            }
        }
        let successor: (String, String)? =
            evidence.first { $0.successor != nil }.map {
                ($0.successor!, $0.kind == "litellm" ? "catalog" : "provider")
            }
        // The operator's flag decides the state, else the first source that says anything; the dates
        // are the decider's, or, when it has none and does not say active, the first source's that has any.
        let decider = evidence.first { $0.kind == "operator" } ?? said.first ?? first
        let dated =
            decider.hasDates ? decider : decider.state == .active ? nil : said.first { $0.hasDates }
        return NormalizedLifecycle(
            state: decider.state, retireAt: dated?.retireAt, retireAtConfidence: dated?.retireAtConfidence ?? .unknown,
            closedToNewAt: dated?.closedToNewAt, successor: successor, sources: evidence, conflicts: conflicts)
    }
}
