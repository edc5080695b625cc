import JSONRPC
import Domain

/// `catalog/info`: which catalog this process uses, and the date and window of its decisions.
enum CatalogInfo: MethodDeclaration {
    static let name = "catalog/info"
    static let access = Access.anyActor
    static let tenantScoped = false
    static let summary = "Which catalog this process uses, and the date and window of its lifecycle decisions."

    /// The process's catalog (where it came from, what it holds, when it was loaded) and calendar.
    struct Result: ShapedResult {
        /// Where the catalog was found (`source`) and its file, if any.
        var source: CatalogSource
        /// Model entries, aliases not counted.
        var entries: Int
        /// Alias entries.
        var aliases: Int
        /// Entries with a deprecation date.
        var withDeprecationDate: Int
        /// Entries naming a successor.
        var withSuccessor: Int
        /// Entries left out as broken, and the first of them with why.
        var skipped: Int
        var skippedExamples: [(key: String, reason: String)]
        /// When the catalog was last (re)loaded.
        var loadedAt: Millis
        /// Today and the retiring window.
        var calendar: LifecycleCalendar
        /// The providers' exports.
        var sources: [ProviderSource]
        /// Now, for their age.
        var now: Millis

        /// An export older than this is flagged stale.
        static let staleDays = 30

        static let shape = ObjectShape<Self>([
            .member("path", .nullable(.string())) { .optionalString($0.source.path) },
            .member(
                "source",
                .enumeration([
                    "flag", "environment", "litellm-package", "development-checkout", "built-in-sample", "none",
                ])
            ) {
                .string($0.source.origin)
            },
            .member("entries", .integer(), "Model entries (aliases not counted).") { .int($0.entries) },
            .member("aliases", .integer()) { .int($0.aliases) },
            .member("withDeprecationDate", .integer()) { .int($0.withDeprecationDate) },
            .member("withSuccessor", .integer()) { .int($0.withSuccessor) },
            .member(
                "skippedEntries", .integer(min: 0),
                "Entries left out because a field the lifecycle uses is broken (a deprecation_date that is "
                    + "not YYYY-MM-DD, a negative token limit)."
            ) { .int($0.skipped) },
            .member(
                "skippedExamples",
                .array(.object([.required("key", .string()), .required("reason", .string())]), maxItems: 20),
                "The first skipped entries (at most 20), with why."
            ) { r in .array(r.skippedExamples.map { ["key": .string($0.key), "reason": .string($0.reason)] }) },
            .member("loadedAt", .timestamp) { Views.time($0.loadedAt) },
            .member("today", .date) { .string(Formats.formatDate($0.calendar.today)) },
            .member("retiringWindowDays", .integer()) { .int($0.calendar.retiringWindowDays) },
            .member(
                "lifecycleSources",
                .array(
                    .object([
                        .required("path", .string()),
                        .required("kind", .enumeration(ProviderKind.allCases.map(\.rawValue))),
                        .required("records", .integer(min: 0)),
                        .required("skippedRecords", .integer(min: 0), "records that could not be read"),
                        .required("skippedExamples", .array(.string(), maxItems: 20)),
                        .required("observedAt", .timestamp, "when the export was made (the file's time)"),
                        .required("ageDays", .integer(min: 0)),
                        .required("stale", .boolean, "older than 30 days"),
                        .required("complete", .boolean, "a listing of everything the provider serves"),
                        .required("vanished", .array(.string()), "models it listed before and lists no more"),
                    ])),
                "The providers' own exports (--lifecycle-source), in precedence order."
            ) { r in
                .array(
                    r.sources.map { s in
                        let age = max(0, Int((r.now - s.observedAt) / 86_400_000))
                        return [
                            "path": .string(s.path), "kind": .string(s.kind.rawValue), "records": .int(s.recordCount),
                            "skippedRecords": .int(s.skipped.count),
                            "skippedExamples": .array(s.skipped.prefix(20).map { .string($0) }),
                            "observedAt": Views.time(s.observedAt), "ageDays": .int(age),
                            "stale": .bool(age > staleDays), "complete": .bool(s.complete),
                            "vanished": .array(s.vanished.sorted().map { .string($0) }),
                        ]
                    })
            },
        ])
    }

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> Result {
        let p = call.platform
        return Result(
            source: p.catalogSource, entries: p.catalog.modelCount, aliases: p.catalog.aliasCount,
            withDeprecationDate: p.catalog.deprecatedCount, withSuccessor: p.catalog.successorCount,
            skipped: p.catalog.skippedCount, skippedExamples: p.catalog.skipped,
            loadedAt: p.catalogLoadedAt, calendar: p.calendar, sources: p.lifecycleSources, now: p.now)
    }
}
