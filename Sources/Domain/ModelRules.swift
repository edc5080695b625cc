import JSONRPC

// The lifecycle rules of models, migrations and usage that the methods apply: each one named,
// in one place, and pure (state in, values or changes out).

// MARK: - Creating and changing models

extension Model {
    /// Fills a new model's capabilities from its catalog entry: the token limits as the entry has
    /// them (nil where it has none), vision, reasoning and tool calling (false where it says
    /// nothing). The capabilities a request gives are applied afterwards, so they win.
    public mutating func takeCapabilities(from entry: CatalogEntry) {
        maxInputTokens = entry.maxInputTokens
        maxOutputTokens = entry.maxOutputTokens
        vision = entry.vision ?? false
        reasoning = entry.reasoning ?? false
        toolCalling = entry.toolCalling ?? false
    }

    /// Whether this model is the one a catalog entry names as its `successorModel`: by its bare
    /// name, or as `providerType/name` with its provider's type (nil when the provider is missing).
    public func isCatalogSuccessor(_ successor: String?, providerType: String?) -> Bool {
        guard let successor else { return false }
        return name == successor || providerType.map { $0 + "/" + name } == successor
    }
}

extension PlatformState {
    /// The other models whose default flag setting `isDefault` to `value` on `model` takes away,
    /// each with the flag cleared: making a model the default takes the flag from the tenant's
    /// previous default of the same kind (a tenant has one default per kind). Empty when `value`
    /// is false or `model` already is the default.
    public func defaultsTaken(settingDefault value: Bool, on model: Model) -> [Model] {
        guard value && !model.isDefault else { return [] }
        var taken: [Model] = []
        for id in (defaultModels[model.tenantId + "/" + model.kind.rawValue] ?? []).sorted() where id != model.id {
            guard var other = models[id], other.isDefault, other.kind == model.kind else { continue }
            other.isDefault = false
            taken.append(other)
        }
        return taken
    }
}

// MARK: - Deleting models

extension PlatformState {
    /// The references that refuse deleting model `modelId` (`model_in_use`), or nil when the delete
    /// may go on. Active configuration (assistants, apps, services, templates not deleted,
    /// collections) refuses
    /// any delete; a hard delete is also refused by the questions recorded on the model and by the
    /// models migrated to it. The list names every kind counted, zeros included, as the error
    /// reports them.
    public func deletionRefusal(of modelId: String, hard: Bool) -> [(String, Int)]? {
        let usage = ModelReferences.of(modelId, in: self)
        var refs = usage.activeReferences
        if hard {
            refs.append(("questions", usage.questions))
            refs.append(("migrationSources", migrationSourceIDs(of: modelId).count))
        }
        return refs.contains { $0.1 > 0 } ? refs : nil
    }

    /// The tenant's change when `model`, its default of its kind, goes without a successor (the
    /// tenant is left without a default of that kind: its admins hear of it), or nil.
    public func defaultLost(with model: Model) -> Change? {
        guard model.isDefault, var t = tenant(model.tenantId), !t.defaultsLost.contains(model.kind) else { return nil }
        t.defaultsLost.append(model.kind)
        t.defaultsLost.sort { $0.rawValue < $1.rawValue }
        return .putTenant(t)
    }

    /// The tenant's change when it has a default of `kind` again, or nil.
    public func defaultRegained(_ kind: ModelKind, inTenant tenantId: String) -> Change? {
        guard var t = tenant(tenantId), t.defaultsLost.contains(kind) else { return nil }
        t.defaultsLost.removeAll { $0 == kind }
        return .putTenant(t)
    }

    /// The time to give a model retired now: `now`, or just after the latest retirement when that
    /// is as late (within one millisecond), so that retirements are ordered by their times and
    /// cleanup removes models in the order they were retired.
    public func retirementTime(now: Millis) -> Millis { max(now, latestRetirementAt + 1) }

    /// What soft-deleting `model` at `now` changes: every space that enables it drops it (spaces
    /// in id order), then the model is marked deleted, loses its default flag and is updated at
    /// `now`. Returns the changes and the model as deleted.
    public func softDeletion(of model: Model, now: Millis) -> (changes: [Change], deleted: Model) {
        var changes: [Change] = []
        for sid in spaceIDs(enabling: model.id).sorted() {
            var s = spaces[sid]!
            s.modelIds.removeAll { $0 == model.id }
            changes.append(.putSpace(s))
        }
        if let lost = defaultLost(with: model) { changes.append(lost) }
        var deleted = model
        let at = retirementTime(now: now)
        deleted.deletedAt = at
        deleted.isDefault = false
        deleted.updatedAt = at
        changes.append(.putModel(deleted))
        return (changes, deleted)
    }
}

// MARK: - Migrations

/// Why `migration/execute` refuses a plan: the error it answers and the message its failed
/// history entry keeps.
public struct MigrationRefusal: Sendable {
    /// The error the request answers.
    public var error: DomainError
    /// The failed history entry's `errorMessage`.
    public var message: String
}

extension MigrationPlan {
    /// The warning issues, in order.
    public var warnings: [MigrationIssue] { issues.filter { $0.severity == .warning } }

    /// Blockers that no override passes: the migration could not mean anything.
    public static let unoverridableBlockers: Set<String> = ["kind_mismatch", "same_model", "requires_reembedding"]

    /// Why running this plan is refused, or nil when it may run. The first that applies wins:
    /// blockers not in `overriding` (`migration_blocked`), then a plan that changed since the
    /// admin validated it (`expectedPlanHash` given and different: `stale_plan`), then warnings
    /// not confirmed (`confirmation_required`). `overriding` never passes
    /// `unoverridableBlockers`.
    public func refusal(
        expectedPlanHash: String?, confirmed: Bool, overriding: Set<String> = []
    ) -> MigrationRefusal? {
        let standing = blockers.filter {
            !overriding.contains($0.code) || Self.unoverridableBlockers.contains($0.code)
        }
        if !standing.isEmpty {
            return MigrationRefusal(
                error: .migrationBlocked(issues: standing.map(\.json)),
                message: "blocked: " + standing.map(\.code).joined(separator: ", "))
        }
        if let expectedPlanHash, expectedPlanHash != planHash {
            return MigrationRefusal(
                error: .stalePlan(planHash: planHash), message: "the plan changed since it was validated")
        }
        if requiresConfirmation && !confirmed {
            let warnings = self.warnings
            return MigrationRefusal(
                error: .confirmationRequired(issues: warnings.map(\.json)),
                message: "confirmation required: " + warnings.map(\.code).joined(separator: ", "))
        }
        return nil
    }
}

extension MigrationEntry {
    /// The history entry of an attempt to run `plan`, refused (`failed`, with its `error`) or
    /// completed (undo data and moved counts are filled by the caller). `requested` is the entity
    /// types as the request named them; `tenantId` the tenant the attempt ran in.
    public static func attempt(
        _ plan: MigrationPlan, id: String, tenantId: String, status: Status, error: String?, requested: [String],
        initiatedBy: Initiator, startedAt: Millis, completedAt: Millis
    ) -> MigrationEntry {
        MigrationEntry(
            id: id, tenantId: tenantId, kind: .migration, status: status,
            fromModelId: plan.source.model.id, fromModelName: plan.source.model.name,
            fromProviderType: plan.source.providerType,
            toModelId: plan.target.model.id, toModelName: plan.target.model.name,
            toProviderType: plan.target.providerType,
            entityTypes: requested, affectedCount: plan.affectedCount, moved: [:], issues: plan.issues.map(\.code),
            errorMessage: error, initiatedBy: initiatedBy, startedAt: startedAt, completedAt: completedAt)
    }

    /// The history entry of reverting the migration `original` at `now`: it goes the other way
    /// (from the original's target to its source), covers what the migration moved, counts what
    /// went back (`restored`) and points at the original.
    public static func revert(
        of original: MigrationEntry, id: String, initiatedBy: Initiator, restored: [String: Int], at now: Millis
    ) -> MigrationEntry {
        var revert = MigrationEntry(
            id: id, tenantId: original.tenantId, kind: .revert, status: .completed,
            fromModelId: original.toModelId, fromModelName: original.toModelName,
            fromProviderType: original.toProviderType, toModelId: original.fromModelId,
            toModelName: original.fromModelName, toProviderType: original.fromProviderType,
            entityTypes: original.entityTypes, affectedCount: original.movedEntities.count,
            moved: restored, issues: [], errorMessage: nil, initiatedBy: initiatedBy,
            startedAt: now, completedAt: now)
        revert.relatedMigrationId = original.id
        return revert
    }

    /// This migration as the revert entry `revert` leaves it: `reverted`, by the revert's
    /// initiator, pointing at the revert.
    public func reverted(by revert: MigrationEntry) -> MigrationEntry {
        var done = self
        done.status = .reverted
        done.revertedBy = revert.initiatedBy
        done.relatedMigrationId = revert.id
        return done
    }
}

/// Where a candidate ranks among the replacements of a model (`models/suggestReplacement`), lower
/// first: the catalog's successor, then candidates a migration can take, blocked ones last; in a
/// tier fewer warnings first, then by name, then by id.
public struct ReplacementRank: Comparable, Sendable {
    /// 0 for the catalog successor, 1 for a candidate without blockers, 2 for a blocked one.
    public var tier: Int
    /// How many warnings migrating to the candidate has.
    public var warnings: Int
    /// The candidate's name and id, for the order within a tier and warning count.
    public var nameAndId: String

    /// The rank of `candidate`, which migrating to by `plan` would reach.
    public init(_ candidate: Model, isSuccessor: Bool, plan: MigrationPlan) {
        tier = isSuccessor ? 0 : plan.canMigrate ? 1 : 2
        warnings = plan.warnings.count
        nameAndId = candidate.name + "\u{0}" + candidate.id
    }

    /// Lower tier first, then fewer warnings, then name and id.
    public static func < (a: ReplacementRank, b: ReplacementRank) -> Bool {
        (a.tier, a.warnings, a.nameAndId) < (b.tier, b.warnings, b.nameAndId)
    }
}

// MARK: - Usage

extension ModelReferences {
    /// A model's usage total: assistants + apps + services (templates and spaces not counted).
    public var totalUsage: Int { assistants + apps + services }

    /// The counts of `a` and `b` added up (tenant totals).
    public static func + (a: ModelReferences, b: ModelReferences) -> ModelReferences {
        var sum = a
        sum.assistants += b.assistants
        sum.apps += b.apps
        sum.services += b.services
        sum.assistantTemplates += b.assistantTemplates
        sum.appTemplates += b.appTemplates
        sum.collections += b.collections
        sum.deletedTemplates += b.deletedTemplates
        sum.spaces += b.spaces
        sum.questions += b.questions
        sum.migrationSources += b.migrationSources
        return sum
    }

    /// Adds the counts of `b` to `a`.
    public static func += (a: inout ModelReferences, b: ModelReferences) {
        a = a + b
    }
}
