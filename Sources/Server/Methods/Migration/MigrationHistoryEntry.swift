import JSONRPC
import Domain

/// A history entry as sent: a migration attempt or a revert, with its counts, who started it and
/// how it relates to the other entries.
struct MigrationHistoryEntry: ShapedResult {
    /// The entry.
    var entry: MigrationEntry

    /// `{userId, name, kind, planId}` of whoever started or reverted a migration.
    static let initiatorSchema = Schema.object([
        .required("userId", .string()), .required("name", .nullable(.string())),
        .required(
            "kind", .enumeration(["user", "policy"]), "policy: a tenant's lifecycle policy ran it (userId policy)"),
        .required("planId", .nullable(.uuid), "The lifecycle policy plan it ran (kind policy), else null."),
    ])

    static let shape = ObjectShape<Self>(
        "MigrationHistoryEntry",
        [
            .member("migrationId", .uuid) { .string($0.entry.id) },
            .member("kind", .enumeration(["migration", "revert"])) { .string($0.entry.kind.rawValue) },
            .member("status", .enumeration(["completed", "failed", "reverted"])) {
                .string($0.entry.status.rawValue)
            },
            .member("fromModelId", .nullable(.uuid)) { .optionalString($0.entry.fromModelId) },
            .member("fromModelName", .string()) { .string($0.entry.fromModelName) },
            .member("fromProviderType", .nullable(.string())) { .optionalString($0.entry.fromProviderType) },
            .member("toModelId", .nullable(.uuid)) { .optionalString($0.entry.toModelId) },
            .member("toModelName", .string()) { .string($0.entry.toModelName) },
            .member("toProviderType", .nullable(.string())) { .optionalString($0.entry.toProviderType) },
            .member("entityTypes", .array(.string())) { .array($0.entry.entityTypes.map { .string($0) }) },
            .member("affectedCount", .integer()) { .int($0.entry.affectedCount) },
            .member("movedCount", .integer()) { .int($0.entry.movedCount) },
            .member("moved", .anyObject) { s in
                var moved = JSONObject()
                for k in s.entry.moved.keys.sorted() { moved.append(k, .int(s.entry.moved[k]!)) }
                return .object(moved)
            },
            .member("issues", .array(.string())) { .array($0.entry.issues.map { .string($0) }) },
            .member("errorMessage", .nullable(.string())) { .optionalString($0.entry.errorMessage) },
            .member("initiatedBy", initiatorSchema) { $0.entry.initiatedBy.json },
            .member("startedAt", .timestamp) { Views.time($0.entry.startedAt) },
            .member("completedAt", .timestamp) { Views.time($0.entry.completedAt) },
            .member("durationMs", .integer()) { .int(Int($0.entry.completedAt - $0.entry.startedAt)) },
            .member("revertedBy", .nullable(initiatorSchema)) { $0.entry.revertedBy?.json ?? .null },
            .member("overriddenBlockers", .array(.string())) {
                .array($0.entry.overriddenBlockers.map { .string($0) })
            },
            .member("overrideReason", .nullable(.string())) { .optionalString($0.entry.overrideReason) },
            .member("revertsMigrationId", .nullable(.uuid)) {
                $0.entry.kind == .revert ? .optionalString($0.entry.relatedMigrationId) : .null
            },
            .member("revertedByMigrationId", .nullable(.uuid)) {
                $0.entry.kind == .migration ? .optionalString($0.entry.relatedMigrationId) : .null
            },
        ])
}
