import Foundation
import JSONRPC
import Domain

/// A provider export the operator named: `FILE` (its kind detected from its shape) or `KIND:FILE`.
public struct LifecycleSourceSpec: Sendable, Equatable {
    public var kind: ProviderKind?
    public var path: String

    public init(kind: ProviderKind?, path: String) {
        self.kind = kind
        self.path = path
    }

    /// `bedrock:FILE`, `azure:FILE`, …, or a plain path.
    public init(_ text: String) {
        if let colon = text.firstIndex(of: ":"), let kind = ProviderKind(rawValue: String(text[..<colon])) {
            self.init(kind: kind, path: String(text[text.index(after: colon)...]))
        } else {
            self.init(kind: nil, path: text)
        }
    }

    /// `$MODEL_LIFECYCLE_SOURCES`: colon-separated, a kind name joining the path after it; a kind
    /// with no path after it is refused (it would name no source).
    public static func list(_ value: String) throws(ProviderSourceError) -> [LifecycleSourceSpec] {
        var out: [LifecycleSourceSpec] = []
        var kind: ProviderKind?
        for part in value.split(separator: ":").map(String.init) where !part.isEmpty {
            if let k = ProviderKind(rawValue: part), kind == nil {
                kind = k
                continue
            }
            out.append(LifecycleSourceSpec(kind: kind, path: part))
            kind = nil
        }
        if let kind {
            throw ProviderSourceError(
                path: "$MODEL_LIFECYCLE_SOURCES", offset: nil,
                reason: "the kind \(kind.rawValue) is not followed by a file (KIND:FILE)")
        }
        return out
    }

    /// Reads the export: a broken file throws (naming the file and the byte).
    public func load() throws(ProviderSourceError) -> ProviderSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProviderSourceError(
                path: path, offset: nil, reason: "cannot read the file (\(CatalogLoader.whyUnreadable(path)))")
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        let observedAt = Millis(((modified ?? Date()).timeIntervalSince1970 * 1000).rounded())
        return try ProviderSourceReader.read(bytes: [UInt8](data), path: path, kind: kind, observedAt: observedAt)
    }
}

extension Platform {
    /// The provider records that describe `m`: those of the exports of its provider's type, in
    /// the order the sources were given.
    func providerRecords(
        providerType: String?, name: String
    ) -> [(source: ProviderSource, record: ProviderRecord)] {
        guard let providerType, !lifecycleSources.isEmpty else { return [] }
        return lifecycleSources.compactMap { s in
            guard s.kind.providerType == providerType, let r = s.record(for: name) else { return nil }
            return (s, r)
        }
    }

    /// The model's lifecycle from every source (see `NormalizedLifecycle`).
    public func lifecycle(for m: Model, in state: PlatformState) -> NormalizedLifecycle {
        let providerType = state.provider(m.providerId)?.providerType
        return NormalizedLifecycle.combine(
            manuallyDeprecated: m.manualDeprecated,
            providers: providerRecords(providerType: providerType, name: m.name),
            litellm: catalog.lookup(providerType: providerType, name: m.name), today: calendar.today)
    }

    /// The lifecycle of a name as `catalog/lookup` shows it, or nil when no source describes it.
    func lifecycle(providerType: String?, name: String) -> NormalizedLifecycle? {
        let records = providerRecords(providerType: providerType, name: name)
        let entry = catalog.lookup(providerType: providerType, name: name)
        guard !records.isEmpty || entry != nil else { return nil }
        return NormalizedLifecycle.combine(
            manuallyDeprecated: false, providers: records, litellm: entry, today: calendar.today)
    }

    /// LiteLLM's entry with what the provider exports say laid over it: the deprecation date the
    /// statuses read (see `NormalizedLifecycle.deprecationDay`) and the successor. What every rule
    /// that reads deprecation reads.
    func effectiveEntry(providerType: String?, name: String) -> CatalogEntry? {
        guard !lifecycleSources.isEmpty else { return catalog.lookup(providerType: providerType, name: name) }
        let key = (providerType ?? "") + "\u{0}" + name
        if let cached = effectiveEntries[key] { return cached }
        let entry = combinedEntry(providerType: providerType, name: name)
        // Bounded: catalog/lookup lets any member ask for names no model has.
        if effectiveEntries.count >= ModelViewCache.capacity { effectiveEntries.removeAll(keepingCapacity: true) }
        effectiveEntries[key] = .some(entry)
        return entry
    }

    private func combinedEntry(providerType: String?, name: String) -> CatalogEntry? {
        let base = catalog.lookup(providerType: providerType, name: name)
        let records = providerRecords(providerType: providerType, name: name)
        guard !records.isEmpty else { return base }
        let life = NormalizedLifecycle.combine(
            manuallyDeprecated: false, providers: records, litellm: base, today: calendar.today)
        var e = base ?? CatalogEntry(key: name)
        if base == nil { e.provider = records[0].source.kind.rawValue }
        e.deprecationDay = life.deprecationDay(today: calendar.today)
        e.deprecationDate = e.deprecationDay.map(Formats.formatDate)
        // Where the date came from: the export that decided it, else LiteLLM's own source stays.
        if let decider = life.decider, decider.kind != "litellm" { e.deprecationSource = decider.source }
        if let s = life.successor?.name { e.successorModel = s }
        return e
    }
}

/// The lifecycle as model views and `catalog/lookup` show it.
enum LifecycleView {
    static func day(_ d: Int?) -> JSONValue { d.map { .string(Formats.formatDate($0)) } ?? .null }

    static func json(_ l: NormalizedLifecycle) -> JSONValue {
        [
            "state": .string(l.state.rawValue), "retireAt": day(l.retireAt),
            "retireAtConfidence": .string(l.retireAtConfidence.rawValue), "closedToNewAt": day(l.closedToNewAt),
            "successor": l.successor.map { ["name": .string($0.name), "source": .string($0.source)] } ?? .null,
            "sources": .array(
                l.sources.map { e in
                    [
                        "source": .string(e.source), "kind": .string(e.kind),
                        "observedAt": e.observedAt.map { Views.time($0) } ?? .null, "state": .string(e.state.rawValue),
                        "retireAt": day(e.retireAt), "retireAtConfidence": .string(e.retireAtConfidence.rawValue),
                        "closedToNewAt": day(e.closedToNewAt), "successor": .optionalString(e.successor),
                        "providerStatus": .optionalString(e.providerStatus),
                    ]
                }),
            "conflicts": .array(l.conflicts.map { .string($0) }),
        ]
    }

    static let schema = Schema.named(
        "Lifecycle",
        .object([
            .required("state", .enumeration(LifecycleState.allCases.map(\.rawValue))),
            .required("retireAt", .nullable(.date), "the inference end"),
            .required("retireAtConfidence", .enumeration(DateConfidence.allCases.map(\.rawValue))),
            .required("closedToNewAt", .nullable(.date)),
            .required(
                "successor",
                .nullable(
                    .object([
                        .required("name", .string()),
                        .required("source", .enumeration(["provider", "catalog"])),
                    ]))),
            .required(
                "sources",
                .array(
                    .object([
                        .required("source", .string(), "the export's path, litellm or operator"),
                        .required("kind", .string()), .required("observedAt", .nullable(.timestamp)),
                        .required("state", .enumeration(LifecycleState.allCases.map(\.rawValue))),
                        .required("retireAt", .nullable(.date)),
                        .required("retireAtConfidence", .enumeration(DateConfidence.allCases.map(\.rawValue))),
                        .required("closedToNewAt", .nullable(.date)), .required("successor", .nullable(.string())),
                        .required("providerStatus", .nullable(.string()), "the provider's own word"),
                    ])), "every source's say, in precedence order"),
            .required("conflicts", .array(.string()), "where the sources disagree"),
        ]))
}
