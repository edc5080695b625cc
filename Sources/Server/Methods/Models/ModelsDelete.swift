import JSONRPC
import Domain

/// `models/delete`: soft-deletes a model nothing active uses; a sysadmin's `force` hard-deletes it.
enum ModelsDelete: MethodDeclaration {
    static let name = "models/delete"
    static let access = Access.admin
    static let summary =
        "Soft-deletes a model no active configuration uses and removes its space links. "
        + "A sysadmin's force: true hard-deletes it now."
    static let errors: [ErrorCode] = [.modelInUse]

    /// The model, and whether to hard-delete it.
    struct Params: MethodParams {
        var id: String
        var force: Bool

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            force = try p.optional("force", .boolean, "Sysadmin only: hard delete now.", default: false)
        }
    }

    /// `{id, deleted}`: which model went, and how.
    struct Deletion: ShapedResult {
        /// How a model was deleted.
        enum Kind: String, CaseIterable {
            /// Marked deleted; cleanup removes it later.
            case soft
            /// Removed now.
            case hard
        }

        /// The model's id.
        var id: String
        /// How it was deleted.
        var deleted: Kind

        static let shape = ObjectShape<Self>([
            .member("id", .uuid) { .string($0.id) },
            .member("deleted", .enumeration(Kind.allCases.map(\.rawValue))) { .string($0.deleted.rawValue) },
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Deletion {
        if params.force && call.actor.role != .sysadmin {
            throw .domain(.forbidden(method: "models/delete with force", role: call.actor.role))
        }
        return try call.platform.write { state throws(ServerError) in
            let m = try state.model(params.id, in: call.tenantId, includeDeleted: params.force)
            if let refs = state.deletionRefusal(of: m.id, hard: params.force) {
                throw .domain(.modelInUse(references: refs))
            }
            if params.force {
                // As cleanup removes a model: soft-deleted templates repointed, history ids nulled, links removed.
                var tx = Transaction(CleanupPlanner.removal(of: m, in: state, now: call.platform.now))
                tx.add(
                    AuditLog.entry(
                        call, action: "model.hard_deleted", model: m,
                        description: "Hard-deleted model \(m.name) (force)"))
                return (tx, Deletion(id: m.id, deleted: .hard))
            }
            let deletion = state.softDeletion(of: m, now: call.platform.now)
            var tx = Transaction(deletion.changes)
            tx.add(
                AuditLog.entry(
                    call, action: "model.deleted", model: m, description: "Deleted model \(m.name)",
                    changes: ["deletedAt": Views.time(deletion.deleted.deletedAt)]))
            return (tx, Deletion(id: m.id, deleted: .soft))
        }
    }
}
