import JSONRPC
import Domain

/// `migration/revert`: undoes a completed migration entity by entity; what changed since stays.
enum MigrationRevert: MethodDeclaration {
    static let name = "migration/revert"
    static let access = Access.admin
    static let summary = "Undoes a completed migration entity by entity; what changed since is skipped and listed."
    static let errors: [ErrorCode] = [.revertRefused]

    /// The migration to undo.
    struct Params: MethodParams {
        var migrationId: String

        init(from p: inout ParamsReader) throws(ServerError) {
            migrationId = try p.required("migrationId", .uuid)
        }
    }

    /// `{migrationId, revertedMigrationId, restored, skipped}` of a revert.
    struct Reversion: ShapedResult {
        /// The revert's history entry.
        var migrationId: String
        /// The migration it undid.
        var revertedMigrationId: String
        /// Per entity type, how many went back.
        var restored: [String: Int]
        /// The entities left where they are, and why.
        var skipped: [(entityType: String, entityId: String, reason: String)]

        static let shape = ObjectShape<Self>([
            .member("migrationId", .uuid) { .string($0.migrationId) },
            .member("revertedMigrationId", .uuid) { .string($0.revertedMigrationId) },
            .member("restored", .anyObject) { r in
                var restored = JSONObject()
                for k in r.restored.keys.sorted() { restored.append(k, .int(r.restored[k]!)) }
                return .object(restored)
            },
            .member(
                "skipped",
                .array(
                    .object([
                        .required("entityType", .string()), .required("entityId", .uuid),
                        .required("reason", .enumeration(["changed", "deleted"])),
                    ]))
            ) { r in
                .array(
                    r.skipped.map {
                        [
                            "entityType": .string($0.entityType), "entityId": .string($0.entityId),
                            "reason": .string($0.reason),
                        ]
                    })
            },
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Reversion {
        try call.platform.write { state throws(ServerError) in
            let id = params.migrationId
            guard let original = state.migration(id), original.tenantId == call.tenantId else {
                throw .domain(.notFound(entity: "migration", id: id))
            }
            if let why = MigrationReverter.refusal(of: original, state: state) {
                throw .domain(.revertRefused(reason: why.rawValue))
            }
            // A lifecycle policy's migration can be undone for its policy's undoDays.
            if let last = original.undoUntilDay, call.platform.calendar.today > last {
                throw .domain(.revertRefused(reason: "undo_window_closed"))
            }
            let now = call.platform.now
            let out = MigrationReverter.revert(original, state: state, now: now)
            let revert = MigrationEntry.revert(
                of: original, id: call.platform.newID(),
                initiatedBy: Initiator(userId: call.actor.userId, name: call.actor.name), restored: out.restored,
                at: now)
            var tx = Transaction(out.changes)
            tx.add(.putMigration(original.reverted(by: revert)))
            tx.add(.putMigration(revert))
            if let source = state.model(original.fromModelId ?? "") {
                tx.add(
                    AuditLog.entry(
                        call, action: "migration.reverted", model: source,
                        description: "Reverted migration \(original.id) from \(original.fromModelName) "
                            + "to \(original.toModelName)",
                        changes: [
                            "migrationId": .string(revert.id), "revertedMigrationId": .string(original.id),
                            "skipped": .int(out.skipped.count),
                        ]))
            }
            let result = Reversion(
                migrationId: revert.id, revertedMigrationId: original.id, restored: out.restored,
                skipped: out.skipped)
            return (tx, result)
        }
    }
}
