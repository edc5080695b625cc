import JSONRPC

/// The changes of one migration and what its history entry records.
public struct MigrationOutcome: Sendable {
    /// The journal changes to commit after the history entry, in the same transaction.
    public var changes: [Change] = []
    /// Per selected entity type, how many entities move (`spaces`: source links removed).
    public var moved: [String: Int] = [:]
    /// The moved templates; the moved configurations are recorded by the `migrateConfigs` change when it is applied.
    public var movedEntities: [MovedEntity] = []
    /// Ids of the spaces where the target gets enabled, sorted.
    public var linksAdded: [String] = []
    /// Ids of the spaces whose link to the source is removed, sorted.
    public var linksRemoved: [String] = []
    /// Whether the source is retired (gets `migratedToModelId`, loses `isDefault`): nothing active is left on it.
    public var sourceRetired = false
    /// Whether the retired source was the tenant's default of its kind and the target took the
    /// flag (the default follows the move).
    public var defaultMoved = false
    /// Whether the retired source was the default and the target could not take it (not usable):
    /// the tenant is left without a default of that kind.
    public var defaultLost = false
}

extension MigrationPlan {
    /// The one atomic step of contract §5: moves the selected configuration and templates (soft-deleted
    /// ones too) to the target, resets assistants' kwargs, enables the target where the source was
    /// enabled or a moved entity lives, removes source links when `spaces` is selected, never touches
    /// questions, and retires the source only when no active configuration is left on it.
    ///
    /// The configurations move by one `migrateConfigs` change, which records each of them (with its
    /// old kwargs) in the history entry `historyId`; that entry must be put before these changes in
    /// the same transaction. Moved templates are listed in `movedEntities`.
    public func execution(state: PlatformState, now: Millis, historyId: String?) -> MigrationOutcome {
        var out = MigrationOutcome()
        for t in MigrationEntityType.allCases where entityTypes.contains(t) { out.moved[t.rawValue] = 0 }
        let targetId = target.model.id
        let sourceId = source.model.id
        for (kind, n) in zip([ConfigKind.assistant, .app, .service], configCounts) where configKinds.contains(kind) {
            out.moved[kind.entityType] = n
        }
        if !transcribingApps.isEmpty {
            out.moved[MigrationEntityType.apps.rawValue] = transcribingApps.count
            out.changes.append(.migrateTranscriptions(from: sourceId, to: targetId, at: now, history: historyId))
        } else if configCount > 0 {
            out.changes.append(
                .migrateConfigs(
                    from: sourceId, to: targetId, kinds: configKinds, at: now, history: historyId,
                    exceptPinned: keepsPinned && !keptPinned.isEmpty))
        }
        var movedTemplateIds = Set<String>()
        for var t in templatesToMove {
            t.completionModelId = targetId
            t.updatedAt = now
            out.changes.append(.putTemplate(t))
            out.moved[t.kind.entityType, default: 0] += 1
            out.movedEntities.append(
                MovedEntity(entityType: t.kind.entityType, entityId: t.id, oldKwargs: nil, movedAt: now))
            movedTemplateIds.insert(t.id)
        }
        let gaining = Set(spacesGainingTarget)
        let removing = Set(sourceLinksToRemove)
        for sid in gaining.union(removing).sorted() {
            guard var s = state.spaces[sid] else { continue }
            if gaining.contains(sid) {
                s.modelIds.append(targetId)
                out.linksAdded.append(sid)
            }
            if removing.contains(sid) {
                s.modelIds.removeAll { $0 == sourceId }
                out.linksRemoved.append(sid)
            }
            out.changes.append(.putSpace(s))
        }
        if !sourceLinksToRemove.isEmpty { out.moved[MigrationEntityType.spaces.rawValue] = sourceLinksToRemove.count }
        // Every configuration to move comes from the source's reference index (of this tenant).
        let configsLeft =
            (state.configsByModel[sourceId]?.count ?? 0) > (transcribingApps.isEmpty ? configCount : 0)
            || (state.transcriptionsByModel[sourceId]?.count ?? 0) > transcribingApps.count
        let templatesLeft = (state.templatesByModel[sourceId] ?? []).contains { id in
            !movedTemplateIds.contains(id) && state.templates[id]?.deletedAt == nil
        }
        if !configsLeft && !templatesLeft {
            var s = source.model
            s.migratedToModelId = targetId
            let at = state.retirementTime(now: now)
            s.migratedAt = at
            let wasDefault = s.isDefault
            s.isDefault = false
            s.updatedAt = at
            out.changes.append(.putModel(s))
            out.sourceRetired = true
            if wasDefault {
                // The default follows the move when the target can serve as one.
                var t = target.model
                if t.isEnabled && t.migratedToModelId == nil && t.deletedAt == nil && !target.isDeprecated {
                    t.isDefault = true
                    t.updatedAt = Formats.nextUpdate(after: t.updatedAt, now: now)
                    out.changes.append(.putModel(t))
                    out.defaultMoved = true
                } else {
                    out.defaultLost = true
                    if let lost = state.defaultLost(with: source.model) { out.changes.append(lost) }
                }
            }
        }
        return out
    }
}

/// Why a revert is refused.
public enum RevertRefusal: String, Sendable {
    case notAMigration = "not_a_migration"
    case notCompleted = "not_completed"
    case alreadyReverted = "already_reverted"
    case sourceGone = "source_gone"
    case sourceDeleted = "source_deleted"
}

/// What a revert does and reports.
public struct RevertOutcome: Sendable {
    /// The changes that undo the migration, to commit with the updated and the new history entries.
    public var changes: [Change] = []
    /// Per configuration and template entity type of the migration, how many entities went back to the source.
    public var restored: [String: Int] = [:]
    /// Moved entities left where they are: `reason` is `deleted` (gone) or `changed` (repointed or updated since).
    public var skipped: [(entityType: String, entityId: String, reason: String)] = []
}

/// Undoes a completed migration entity by entity (contract §5 `migration/revert`). Pure.
public enum MigrationReverter {
    /// Why `e` cannot be reverted in `state`, or nil when it can: `notAMigration`, `alreadyReverted`, `notCompleted`,
    /// `sourceGone` (hard-deleted) or `sourceDeleted` (soft-deleted), checked in that order.
    public static func refusal(of e: MigrationEntry, state: PlatformState) -> RevertRefusal? {
        if e.kind != .migration { return .notAMigration }
        if e.status == .reverted { return .alreadyReverted }
        if e.status != .completed { return .notCompleted }
        guard let sid = e.fromModelId, let source = state.models[sid] else { return .sourceGone }
        if source.deletedAt != nil { return .sourceDeleted }
        return nil
    }

    /// The changes that undo `e` at `now`: moved entities still on the target and unchanged since go back
    /// (assistants with their old kwargs); removed source links come back; target links the migration added go
    /// where no configuration there still uses the target; the source's `migratedToModelId` is cleared.
    /// Call `refusal(of:state:)` first.
    public static func revert(_ e: MigrationEntry, state: PlatformState, now: Millis) -> RevertOutcome {
        var out = RevertOutcome()
        guard let sourceId = e.fromModelId else { return out }
        let targetId = e.toModelId
        for t in e.entityTypes where t != MigrationEntityType.spaces.rawValue { out.restored[t] = 0 }
        var stillOnTarget: [String: Int] = [:]  // space id → configs there that stay on the target
        // A transcription model's migration moved apps' transcription model, not their completion model.
        let transcription = state.models[sourceId]?.kind == .transcription
        for m in e.movedEntities {
            switch m.entityType {
            case "assistants", "apps", "services":
                guard var c = state.configs[m.entityId] else {
                    out.skipped.append((m.entityType, m.entityId, "deleted"))
                    continue
                }
                let onTarget = transcription ? c.transcriptionModelId == targetId : c.completionModelId == targetId
                guard onTarget, c.updatedAt == m.movedAt else {
                    out.skipped.append((m.entityType, m.entityId, "changed"))
                    continue
                }
                if transcription { c.transcriptionModelId = sourceId } else { c.completionModelId = sourceId }
                if let k = m.oldKwargs { c.kwargs = k }
                c.updatedAt = now
                out.changes.append(.putConfig(c))
                out.restored[m.entityType, default: 0] += 1
            default:
                guard var t = state.templates[m.entityId] else {
                    out.skipped.append((m.entityType, m.entityId, "deleted"))
                    continue
                }
                guard t.completionModelId == targetId, t.updatedAt == m.movedAt else {
                    out.skipped.append((m.entityType, m.entityId, "changed"))
                    continue
                }
                t.completionModelId = sourceId
                t.updatedAt = now
                out.changes.append(.putTemplate(t))
                out.restored[m.entityType, default: 0] += 1
            }
        }
        let restoredIds = Set(
            out.changes.compactMap {
                if case .putConfig(let c) = $0 { return c.id }
                return nil
            })
        if let targetId {
            let onTarget = transcription ? state.transcriptionsByModel[targetId] : state.configsByModel[targetId]
            for id in onTarget ?? [] where !restoredIds.contains(id) {
                if let c = state.configs[id] { stillOnTarget[c.spaceId, default: 0] += 1 }
            }
        }
        var spaceChanges: [String: Space] = [:]
        for sid in e.linksRemoved {
            guard var s = spaceChanges[sid] ?? state.spaces[sid], !s.modelIds.contains(sourceId) else { continue }
            s.modelIds.append(sourceId)
            spaceChanges[sid] = s
        }
        if let targetId {
            for sid in e.linksAdded where (stillOnTarget[sid] ?? 0) == 0 {
                guard var s = spaceChanges[sid] ?? state.spaces[sid], s.modelIds.contains(targetId) else { continue }
                s.modelIds.removeAll { $0 == targetId }
                spaceChanges[sid] = s
            }
        }
        for sid in spaceChanges.keys.sorted() { out.changes.append(.putSpace(spaceChanges[sid]!)) }
        if var source = state.models[sourceId], source.migratedToModelId != nil {
            source.migratedToModelId = nil
            source.migratedAt = nil
            source.updatedAt = now
            // A default that followed the move comes back, if the target still has it.
            if e.defaultMoved, let targetId, var target = state.models[targetId], target.isDefault {
                target.isDefault = false
                target.updatedAt = Formats.nextUpdate(after: target.updatedAt, now: now)
                out.changes.append(.putModel(target))
                source.isDefault = true
            }
            // A default the move lost comes back, if the tenant has not set another since.
            if e.defaultLost, let regained = state.defaultRegained(source.kind, inTenant: source.tenantId) {
                out.changes.append(regained)
                source.isDefault = true
            }
            out.changes.append(.putModel(source))
        }
        return out
    }
}
