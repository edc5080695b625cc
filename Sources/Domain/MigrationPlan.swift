import JSONRPC

/// What a migration can move (contract §5). `questions` is not one: questions are history.
public enum MigrationEntityType: String, Sendable, CaseIterable {
    case assistants, apps, services, assistantTemplates, appTemplates, spaces
}

/// A model with the lifecycle facts the process derived from its catalog and date.
public struct ModelFacts: Sendable {
    /// The model as stored.
    public var model: Model
    /// Whether the model is effectively deprecated: its manual flag, or a catalog deprecation date on or before today.
    public var isDeprecated: Bool
    /// Whether its catalog deprecation date is after today and within the retiring window.
    public var isRetiring: Bool
    /// The catalog's deprecation date (`YYYY-MM-DD`), or nil when its catalog entry has none (or there is no entry).
    public var deprecationDate: String?
    /// The level of the model's security classification, or nil when it is unclassified.
    public var classificationLevel: Int?
    /// The `providerType` of the model's provider, or nil when the provider is missing.
    public var providerType: String?
    /// Bundles a model with the lifecycle facts derived for it.
    public init(
        model: Model, isDeprecated: Bool, isRetiring: Bool, deprecationDate: String?, classificationLevel: Int?,
        providerType: String?
    ) {
        self.model = model
        self.isDeprecated = isDeprecated
        self.isRetiring = isRetiring
        self.deprecationDate = deprecationDate
        self.classificationLevel = classificationLevel
        self.providerType = providerType
    }
}

/// One finding of the preflight.
public struct MigrationIssue: Sendable, Equatable {
    /// How much an issue weighs: a blocker refuses the migration, a warning needs `confirm: true`, info never does.
    public enum Severity: String, Sendable { case blocker, warning, info }
    /// The stable issue code (`same_model`, `different_family`, …; the table in `Protocol/methods/migration.md`).
    public var code: String
    /// How much the issue weighs.
    public var severity: Severity
    /// A human-readable sentence describing the finding.
    public var message: String
    /// An object, or null where the contract defines no data.
    public var data: JSONValue
    /// The issue as the wire shows it: `{code, severity, message, data}`.
    public var json: JSONValue {
        ["code": .string(code), "severity": .string(severity.rawValue), "message": .string(message), "data": data]
    }
}

/// Everything a migration A→B would do, computed from one state. Pure.
public struct MigrationPlan: Sendable {
    /// The model the selected configuration moves from, with its lifecycle facts.
    public var source: ModelFacts
    /// The model the selected configuration moves to, with its lifecycle facts.
    public var target: ModelFacts
    /// The selected entity types, in `MigrationEntityType.allCases` order.
    public var entityTypes: [MigrationEntityType]
    /// Every finding of the preflight: blockers first, then warnings, then info.
    public var issues: [MigrationIssue]
    /// The kinds of configuration selected (all of them on the source move).
    public var configKinds: [ConfigKind]
    /// Moving configurations per kind (assistants, apps, services; 0 for unselected kinds).
    public var configCounts: [Int]
    /// The templates of the selected kinds that use the source, soft-deleted ones included, sorted by id.
    public var templatesToMove: [Template]
    /// Spaces whose source link is removed (only with `spaces` selected).
    public var sourceLinksToRemove: [String]
    /// Spaces that newly get the target.
    public var spacesGainingTarget: [String]
    /// How many questions are recorded on the source; they stay there (questions are never migrated).
    public var questionsKept: Int
    /// For a transcription model: the apps that transcribe with it and would move (with `apps`
    /// selected), sorted; empty otherwise.
    public var transcribingApps: [String] = []
    /// Whether pinned configurations stay where they are (a lifecycle policy's plan).
    public var keepsPinned = false
    /// The pinned configurations on the source that stay (with `keepsPinned`), sorted.
    public var keptPinned: [String] = []
    /// 32 hex digits digesting the selection, both models' relevant state and everything that would move;
    /// `migration/execute` refuses with `stale_plan` when its `expectedPlanHash` differs.
    public var planHash: String

    /// Whether no blocker was found, so the migration may run.
    public var canMigrate: Bool { !issues.contains { $0.severity == .blocker } }
    /// Whether any warning was found, so running it needs `confirm: true`.
    public var requiresConfirmation: Bool { issues.contains { $0.severity == .warning } }
    /// The blocker issues, in order.
    public var blockers: [MigrationIssue] { issues.filter { $0.severity == .blocker } }

    /// How many configurations move.
    public var configCount: Int { configCounts.reduce(0, +) }
    /// The order-independent digest of the moving configurations.
    var configDigest: (UInt64, UInt64) = (0, 0)

    /// Count per entity type of what would move (0 for unselected types).
    public var impactCounts: [(MigrationEntityType, Int)] {
        var templates: [TemplateKind: Int] = [:]
        for t in templatesToMove { templates[t.kind, default: 0] += 1 }
        return MigrationEntityType.allCases.map { t in
            switch t {
            case .assistants: (t, configCounts[0])
            case .apps: (t, configCounts[1])
            case .services: (t, configCounts[2])
            case .assistantTemplates: (t, templates[.assistant] ?? 0)
            case .appTemplates: (t, templates[.app] ?? 0)
            case .spaces: (t, sourceLinksToRemove.count)
            }
        }
    }

    /// `{assistants, apps, services, assistantTemplates, appTemplates, spaces, spacesGainingTarget, questionsKept}`.
    public var impact: JSONValue {
        var o = JSONObject()
        for (t, n) in impactCounts { o.append(t.rawValue, .int(n)) }
        o.append("spacesGainingTarget", .int(spacesGainingTarget.count))
        o.append("questionsKept", .int(questionsKept))
        return .object(o)
    }

    /// Entities of the selected types (what `affectedCount` reports).
    public var affectedCount: Int { impactCounts.reduce(0) { $0 + $1.1 } }
}

/// Builds migration plans.
public enum MigrationPlanner {
    /// The plan for moving `entityTypes` from `source` to `target` in `state`: what would move, the preflight issues
    /// (blockers, warnings, info; each in table order) and the plan hash. Reads per-model usage summaries, so its cost
    /// does not grow with the number of configurations that move.
    public static func plan(
        state: PlatformState, source: ModelFacts, target: ModelFacts, entityTypes: [MigrationEntityType],
        keepingPinned: Bool = false
    ) -> MigrationPlan {
        let types = Set(entityTypes)
        let s = source.model
        let t = target.model
        let tenant = state.tenants[s.tenantId]

        // What would move, from the source's usage summary: no pass over its configurations, so a
        // plan costs the same for 10 or 100,000 of them (the hash still covers each one).
        let usage = state.usageByModel[s.id] ?? ConfigUsage()
        let kinds = [(ConfigKind.assistant, MigrationEntityType.assistants), (.app, .apps), (.service, .services)]
            .filter { types.contains($0.1) }.map(\.0)
        let slots = kinds.map(ConfigUsage.slot(of:))
        var counts = [0, 0, 0]
        var holdingSpaces = Set<String>()
        for k in slots {
            counts[k] = usage.counts[k]
            holdingSpaces.formUnion(usage.spaces[k].keys)
        }
        // A transcription model is held by the apps that transcribe with it: they are what moves.
        var transcribing: [String] = []
        if s.kind == .transcription && types.contains(.apps) {
            transcribing = state.transcribingAppIDs(using: s.id).filter { state.configs[$0]?.tenantId == s.tenantId }
                .sorted()
            counts[1] = transcribing.count
            for id in transcribing { if let c = state.configs[id] { holdingSpaces.insert(c.spaceId) } }
        }
        // A policy leaves pinned configurations where they are (one pass over the source's, only then).
        var kept: [String] = []
        var pinnedTranscribing = false
        if keepingPinned {
            for id in state.configsByModel[s.id] ?? [] {
                guard let c = state.configs[id], c.lifecyclePinned, c.tenantId == s.tenantId, kinds.contains(c.kind)
                else { continue }
                kept.append(id)
                counts[ConfigUsage.slot(of: c.kind)] -= 1
            }
            for id in transcribing where state.configs[id]?.lifecyclePinned == true {
                kept.append(id)
                pinnedTranscribing = true
            }
            kept.sort()
        }
        var templates: [Template] = []
        for id in state.templatesByModel[s.id] ?? [] {
            guard let tp = state.templates[id], tp.tenantId == s.tenantId else { continue }
            if types.contains(tp.kind == .assistant ? .assistantTemplates : .appTemplates) { templates.append(tp) }
        }
        templates.sort { $0.id < $1.id }
        let sourceSpaces = Set((state.spacesByModel[s.id] ?? []).filter { state.spaces[$0]?.tenantId == s.tenantId })
        let involved = sourceSpaces.union(holdingSpaces)
        let gaining = involved.filter { !(state.spaces[$0]?.modelIds.contains(t.id) ?? true) }.sorted()
        let linksToRemove = types.contains(.spaces) ? sourceSpaces.sorted() : []

        // Issues, in table order within each severity.
        var blockers: [MigrationIssue] = []
        var warnings: [MigrationIssue] = []
        var infos: [MigrationIssue] = []
        if s.id == t.id {
            blockers.append(issue("same_model", .blocker, "The source and the target are the same model.", .null))
        }
        if s.kind != t.kind {
            blockers.append(
                issue(
                    "kind_mismatch", .blocker,
                    "The source is a \(s.kind.rawValue) model and the target a \(t.kind.rawValue) model.",
                    ["from": .string(s.kind.rawValue), "to": .string(t.kind.rawValue)]))
        }
        if s.kind == .embedding && t.kind == .embedding && s.id != t.id {
            blockers.append(
                issue(
                    "requires_reembedding", .blocker,
                    "Embedding models are not swapped: vectors stored with the source would be wrong for the target. "
                        + "Re-embed the collections with the target instead.",
                    .null))
        }
        if let m = s.migratedToModelId {
            blockers.append(
                issue(
                    "source_already_migrated", .blocker, "The source was already migrated; a model is migrated once.",
                    ["migratedToModelId": .string(m)]))
        }
        if let m = t.migratedToModelId {
            blockers.append(
                issue(
                    "target_migrated", .blocker, "The target was itself migrated to another model.",
                    ["migratedToModelId": .string(m)]))
        }
        if !t.isEnabled { blockers.append(issue("target_disabled", .blocker, "The target is not enabled.", .null)) }
        let earlierTargets = state.partialMigrationTargets(of: s.id, inTenant: s.tenantId)
        if !earlierTargets.isEmpty && !earlierTargets.contains(t.id) {
            blockers.append(
                issue(
                    "split_target", .blocker,
                    "An earlier partial migration of the source, not reverted, chose another target: its "
                        + "configuration would scatter over several replacements.",
                    ["earlierTargetIds": .array(earlierTargets.map { .string($0) })]))
        }
        if tenant?.securityEnabled == true {
            let targetLevel = target.classificationLevel
            var failing: [String] = []
            for sid in involved {
                guard let space = state.spaces[sid], let cid = space.securityClassificationId,
                    let required = state.classifications[cid]?.level
                else { continue }
                if targetLevel.map({ $0 < required }) ?? true { failing.append(sid) }
            }
            if !failing.isEmpty {
                failing.sort()
                blockers.append(
                    issue(
                        "security_classification_insufficient", .blocker,
                        "\(failing.count) space(s) require a security classification above the target's.",
                        [
                            "spaces": .int(failing.count), "spaceIds": .array(failing.map { .string($0) }),
                            "targetLevel": .optionalInt(targetLevel),
                        ]))
            }
        }
        if target.isDeprecated {
            warnings.append(
                issue(
                    "target_deprecated", .warning, "The target is deprecated.",
                    ["deprecationDate": .optionalString(target.deprecationDate)]))
        } else if target.isRetiring {
            warnings.append(
                issue(
                    "target_retiring", .warning, "The target retires on \(target.deprecationDate ?? "?").",
                    ["deprecationDate": .optionalString(target.deprecationDate)]))
        }
        // Token limits and capabilities are completion models' (a transcription or embedding model
        // has none to lose).
        let completion = s.kind == .completion && t.kind == .completion
        if completion, let a = s.maxInputTokens, let b = t.maxInputTokens, a > b {
            warnings.append(
                issue(
                    "lower_token_limit", .warning, "The target accepts fewer input tokens (\(b) < \(a)).",
                    ["source": .int(a), "target": .int(b)]))
        }
        if let a = s.family, let b = t.family, a != b {
            warnings.append(
                issue(
                    "different_family", .warning, "The target is of another model family (\(a) → \(b)).",
                    ["from": .string(a), "to": .string(b)]))
        }
        if completion && s.vision && !t.vision {
            warnings.append(issue("lacks_vision", .warning, "The target has no vision.", .null))
        }
        if completion && s.reasoning && !t.reasoning {
            warnings.append(issue("lacks_reasoning", .warning, "The target has no reasoning.", .null))
        }
        if completion && s.toolCalling && !t.toolCalling {
            warnings.append(issue("lacks_tool_calling", .warning, "The target has no tool calling.", .null))
        }
        if types.contains(.assistants) {
            let withKwargs = usage.assistantsWithKwargs
            if withKwargs > 0 {
                infos.append(
                    issue(
                        "kwargs_reset", .info,
                        "\(withKwargs) assistant(s) will have their kwargs reset to {} (the old values are kept in history).",
                        ["assistants": .int(withKwargs)]))
            }
        }

        if pinnedTranscribing {
            blockers.append(
                issue(
                    "pinned_transcription", .blocker,
                    "Pinned apps transcribe with \(s.name): a policy does not move a transcription model's apps "
                        + "while some are pinned; move them by hand", ["kept": .array(kept.map { .string($0) })]))
        }
        var plan = MigrationPlan(
            source: source, target: target, entityTypes: MigrationEntityType.allCases.filter { types.contains($0) },
            issues: blockers + warnings + infos, configKinds: kinds, configCounts: counts,
            templatesToMove: templates, sourceLinksToRemove: linksToRemove, spacesGainingTarget: gaining,
            questionsKept: state.questionTimes[s.id]?.count ?? 0, planHash: "")
        plan.transcribingApps = transcribing
        plan.keepsPinned = keepingPinned
        plan.keptPinned = kept
        plan.configDigest = usage.digest(of: slots)
        plan.planHash = hash(
            plan, state: state, involved: involved.sorted(), tenantSecured: tenant?.securityEnabled ?? false)
        return plan
    }

    private static func issue(
        _ code: String, _ severity: MigrationIssue.Severity, _ message: String, _ data: JSONValue
    ) -> MigrationIssue {
        MigrationIssue(code: code, severity: severity, message: message, data: data)
    }

    /// A deterministic digest of everything the migration would change and the relevant state of
    /// both models: the same store state gives the same hash in any process.
    static func hash(_ p: MigrationPlan, state: PlatformState, involved: [String], tenantSecured: Bool) -> String {
        var h = PlanHasher()
        func facts(_ f: ModelFacts) {
            let m = f.model
            h.add(
                "m", m.id, m.kind.rawValue, m.isEnabled, f.isDeprecated, f.isRetiring, f.deprecationDate ?? "-",
                m.migratedToModelId ?? "-",
                m.deletedAt.map(String.init) ?? "-", m.maxInputTokens.map(String.init) ?? "-", m.family ?? "-",
                m.vision, m.reasoning,
                m.toolCalling, f.classificationLevel.map(String.init) ?? "-")
        }
        h.add("v1", p.entityTypes.map(\.rawValue).joined(separator: ","), tenantSecured)
        facts(p.source)
        facts(p.target)
        // A policy's plan changes when what it keeps changes (pinning adds to the list).
        if p.keepsPinned { h.add("kept", p.keptPinned.joined(separator: ","), true) }
        for id in p.transcribingApps {
            guard let c = state.configs[id] else { continue }
            h.add("ta", id, c.spaceId, String(c.updatedAt))
        }
        // Moving entities in any order: each one hashed alone, the digests summed lane by lane.
        var sum = p.configDigest
        for t in p.templatesToMove {
            var e = PlanHasher()
            e.add("t", t.id, t.updatedAt, t.deletedAt.map(String.init) ?? "-")
            sum = (sum.0 &+ e.lanes.0, sum.1 &+ e.lanes.1)
        }
        h.add("entities", Int64(bitPattern: sum.0), Int64(bitPattern: sum.1), p.configCount, p.templatesToMove.count)
        h.add(
            "links", p.sourceLinksToRemove.joined(separator: ","), "gain", p.spacesGainingTarget.joined(separator: ","))
        for sid in involved {
            let level = state.spaces[sid]?.securityClassificationId.flatMap { state.classifications[$0]?.level }
            h.add("s", sid, level.map(String.init) ?? "-")
        }
        return h.hex
    }
}

/// Two independent 64-bit FNV-1a streams: a 128-bit, process-independent digest.
struct PlanHasher {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    mutating func add(_ parts: Any...) {
        for part in parts {
            switch part {
            case let s as String: for byte in s.utf8 { byteIn(byte) }
            case let i as Int: integer(Int64(i))
            case let i as Int64: integer(i)
            case let v as Bool: byteIn(v ? 1 : 0)
            default: for byte in "\(part)".utf8 { byteIn(byte) }
            }
            separator()
        }
    }

    mutating func separator() {
        a = (a ^ 0x1f) &* 0x100_0000_01b3
        b = (b ^ 0x1f) &* 0x100_0000_01b3
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { for byte in $0 { byteIn(byte) } }
    }

    mutating func integer(_ i: Int64) {
        var v = UInt64(bitPattern: i)
        for _ in 0..<8 {
            byteIn(UInt8(v & 0xff))
            v >>= 8
        }
    }

    @inline(__always) mutating func byteIn(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
        b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37_79b9
    }
    var lanes: (UInt64, UInt64) { (a, b) }
    var hex: String {
        func h(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return h(a) + h(b)
    }
}
