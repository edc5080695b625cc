import XCTest
import JSONRPC
@testable import Domain

/// Contract §5's preflight table, rule by rule: each issue alone, together, in order, at its edges.
final class MigrationPlanTests: XCTestCase {
    /// A small tenant: one space of each classification state, a source and a target.
    struct World {
        var state = PlatformState()
        var source: Model
        var target: Model
        var sourceFacts: ModelFacts { facts(source) }
        var targetFacts: ModelFacts { facts(target) }
        var deprecated: Set<String> = []
        var retiring: Set<String> = []

        init(securityEnabled: Bool = true) {
            source = Model(
                id: "src", tenantId: "t", kind: .completion, name: "old-model", providerId: "p", createdAt: 0)
            target = Model(
                id: "dst", tenantId: "t", kind: .completion, name: "new-model", providerId: "p", createdAt: 0)
            state.apply(
                Transaction([
                    .putTenant(Tenant(id: "t", name: "T", securityEnabled: securityEnabled, createdAt: 0)),
                    .putProvider(Provider(id: "p", tenantId: "t", name: "P", providerType: "openai")),
                    .putClassification(Classification(id: "low", tenantId: "t", name: "Low", level: 1)),
                    .putClassification(Classification(id: "high", tenantId: "t", name: "High", level: 3)),
                ]))
            commitModels()
        }

        mutating func commitModels() { state.apply(Transaction([.putModel(source), .putModel(target)])) }

        func facts(_ m: Model) -> ModelFacts {
            ModelFacts(
                model: m, isDeprecated: deprecated.contains(m.id), isRetiring: retiring.contains(m.id),
                deprecationDate: retiring.contains(m.id) || deprecated.contains(m.id) ? "2026-12-01" : nil,
                classificationLevel: m.securityClassificationId.flatMap { state.classifications[$0]?.level },
                providerType: "openai")
        }

        mutating func space(_ id: String, classification: String?, models: [String]) {
            state.apply(
                Transaction([
                    .putSpace(
                        Space(
                            id: id, tenantId: "t", name: id, securityClassificationId: classification, modelIds: models,
                            createdAt: 0))
                ]))
        }

        mutating func config(
            _ id: String, _ kind: ConfigKind, space: String, model: String = "src", kwargs: JSONObject = [:]
        ) {
            state.apply(
                Transaction([
                    .putConfig(
                        ConfigItem(
                            kind: kind, id: id, tenantId: "t", spaceId: space, name: id, completionModelId: model,
                            kwargs: kwargs, createdBy: "u", createdAt: 0))
                ]))
        }

        mutating func template(_ id: String, _ kind: TemplateKind, deleted: Bool = false) {
            var t = Template(
                id: id, tenantId: "t", kind: kind, name: id, completionModelId: "src", kwargs: [:], createdAt: 0)
            t.deletedAt = deleted ? 5 : nil
            state.apply(Transaction([.putTemplate(t)]))
        }

        func plan(_ types: [MigrationEntityType] = MigrationEntityType.allCases) -> MigrationPlan {
            MigrationPlanner.plan(state: state, source: sourceFacts, target: targetFacts, entityTypes: types)
        }
    }

    private func codes(_ p: MigrationPlan) -> [String] { p.issues.map(\.code) }

    /// An empty completed history entry for a migration src → dst.
    static func historyEntry(_ id: String) -> MigrationEntry {
        MigrationEntry(
            id: id, tenantId: "t", kind: .migration, status: .completed, fromModelId: "src", fromModelName: "old-model",
            fromProviderType: nil, toModelId: "dst", toModelName: "new-model", toProviderType: nil, entityTypes: [],
            affectedCount: 0, moved: [:], issues: [], errorMessage: nil, initiatedBy: Initiator(userId: "u", name: nil),
            startedAt: 100, completedAt: 100)
    }

    // MARK: each code alone

    func testTwoIdenticalModelsHaveNoIssues() {
        let p = World().plan()
        XCTAssertEqual(codes(p), [])
        XCTAssertTrue(p.canMigrate)
        XCTAssertFalse(p.requiresConfirmation)
    }

    func testEachCodeAlone() {
        let rows: [(code: String, severity: MigrationIssue.Severity, setUp: (inout World) -> Void)] = [
            ("same_model", .blocker, { $0.target = $0.source }),
            (
                "kind_mismatch", .blocker,
                {
                    $0.target.kind = .embedding
                    $0.commitModels()
                }
            ),
            (
                "source_already_migrated", .blocker,
                {
                    $0.source.migratedToModelId = "dst"
                    $0.commitModels()
                }
            ),
            (
                "target_migrated", .blocker,
                {
                    $0.target.migratedToModelId = "src"
                    $0.commitModels()
                }
            ),
            (
                "target_disabled", .blocker,
                {
                    $0.target.isEnabled = false
                    $0.commitModels()
                }
            ),
            (
                "security_classification_insufficient", .blocker,
                { $0.space("vault", classification: "high", models: ["src"]) }
            ),
            ("target_deprecated", .warning, { $0.deprecated.insert("dst") }),
            ("target_retiring", .warning, { $0.retiring.insert("dst") }),
            (
                "lower_token_limit", .warning,
                {
                    $0.source.maxInputTokens = 128_000
                    $0.target.maxInputTokens = 8_000
                    $0.commitModels()
                }
            ),
            (
                "different_family", .warning,
                {
                    $0.source.family = "gpt-4"
                    $0.target.family = "claude"
                    $0.commitModels()
                }
            ),
            (
                "lacks_vision", .warning,
                {
                    $0.source.vision = true
                    $0.commitModels()
                }
            ),
            (
                "lacks_reasoning", .warning,
                {
                    $0.source.reasoning = true
                    $0.commitModels()
                }
            ),
            (
                "lacks_tool_calling", .warning,
                {
                    $0.source.toolCalling = true
                    $0.commitModels()
                }
            ),
            (
                "kwargs_reset", .info,
                {
                    $0.space("s", classification: nil, models: ["src"])
                    $0.config("a", .assistant, space: "s", kwargs: ["temperature": 1])
                }
            ),
        ]
        for row in rows {
            var w = World()
            row.setUp(&w)
            let p = w.plan()
            XCTAssertEqual(codes(p), [row.code], row.code)
            XCTAssertEqual(p.issues.first?.severity, row.severity, row.code)
            XCTAssertEqual(p.canMigrate, row.severity != .blocker, row.code)
            XCTAssertEqual(
                p.requiresConfirmation, row.severity == .warning, "\(row.code): info never requires confirmation")
            XCTAssertFalse(p.issues.first?.message.isEmpty ?? true)
        }
    }

    func testIssueDataFollowsTheTable() {
        var w = World()
        w.source.maxInputTokens = 200
        w.target.maxInputTokens = 100
        w.source.family = "a"
        w.target.family = "b"
        w.source.vision = true
        w.commitModels()
        w.retiring.insert("dst")
        let byCode = Dictionary(uniqueKeysWithValues: w.plan().issues.map { ($0.code, $0.data) })
        XCTAssertEqual(byCode["lower_token_limit"], ["source": 200, "target": 100])
        XCTAssertEqual(byCode["different_family"], ["from": "a", "to": "b"])
        XCTAssertEqual(byCode["target_retiring"]?["deprecationDate"], "2026-12-01")
        XCTAssertEqual(byCode["lacks_vision"], .null, "codes without table data carry null")
    }

    // MARK: combinations and ordering

    func testBlockersComeFirstThenWarningsThenInfoInTableOrder() {
        var w = World()
        w.source.toolCalling = true
        w.source.vision = true
        w.source.family = "x"
        w.target.family = "y"
        w.target.isEnabled = false
        w.source.migratedToModelId = "elsewhere"
        w.commitModels()
        w.deprecated.insert("dst")
        w.space("s", classification: "high", models: ["src"])
        w.config("a", .assistant, space: "s", kwargs: ["top_p": 0.5])
        XCTAssertEqual(
            codes(w.plan()),
            [
                "source_already_migrated", "target_disabled", "security_classification_insufficient",
                "target_deprecated", "different_family", "lacks_vision", "lacks_tool_calling", "kwargs_reset",
            ])
    }

    func testDeprecatedAndRetiringNeverAppearTogether() {
        var w = World()
        w.deprecated.insert("dst")
        w.retiring.insert("dst")
        XCTAssertEqual(codes(w.plan()), ["target_deprecated"])
    }

    // MARK: boundaries

    func testEqualOrMissingTokenLimitsDoNotWarn() {
        for (a, b) in [(8_000, 8_000), (8_000, 16_000)] as [(Int?, Int?)] + [(nil, 10), (10, nil)] {
            var w = World()
            w.source.maxInputTokens = a
            w.target.maxInputTokens = b
            w.commitModels()
            XCTAssertEqual(codes(w.plan()), [], "\(String(describing: a)) → \(String(describing: b))")
        }
    }

    func testGainedCapabilitiesNeverWarn() {
        var w = World()
        w.target.vision = true
        w.target.reasoning = true
        w.target.toolCalling = true
        w.target.maxInputTokens = 1_000_000
        w.source.maxInputTokens = 1
        w.commitModels()
        XCTAssertEqual(codes(w.plan()), [])
    }

    func testUnknownFamilyOnEitherSideDoesNotWarn() {
        var w = World()
        w.source.family = "gpt-4"
        w.commitModels()
        XCTAssertEqual(codes(w.plan()), [])
    }

    func testUnclassifiedSpacesNeverBlock() {
        var w = World()
        w.space("open", classification: nil, models: ["src"])
        XCTAssertEqual(codes(w.plan()), [], "an unclassified target is fine in unclassified spaces")
    }

    func testSecurityDisabledNeverBlocks() {
        var w = World(securityEnabled: false)
        w.space("vault", classification: "high", models: ["src"])
        XCTAssertEqual(codes(w.plan()), [])
    }

    func testTargetAtTheSpacesLevelPassesAndBelowIsBlocked() {
        for (level, blocked) in [("high", false), ("low", true)] {
            var w = World()
            w.target.securityClassificationId = level
            w.commitModels()
            w.space("vault", classification: "high", models: ["src"])
            let issue = w.plan().issues.first { $0.code == "security_classification_insufficient" }
            XCTAssertEqual(issue != nil, blocked, level)
            if blocked { XCTAssertEqual(issue?.data, ["spaces": 1, "spaceIds": ["vault"], "targetLevel": 1]) }
        }
    }

    func testAnUnclassifiedTargetIsBlockedByEveryClassifiedSpaceWithANullLevel() {
        var w = World()
        w.space("a", classification: "low", models: ["src"])
        w.space("b", classification: "high", models: ["src"])
        w.space("c", classification: nil, models: ["src"])
        let issue = w.plan().issues.first
        XCTAssertEqual(issue?.code, "security_classification_insufficient")
        XCTAssertEqual(issue?.data, ["spaces": 2, "spaceIds": ["a", "b"], "targetLevel": .null])
    }

    func testSpacesHoldingAnEntityCountOnlyWhenItsTypeIsSelected() {
        var w = World()
        w.space("vault", classification: "high", models: [])  // source not enabled there (disabled since)
        w.config("svc", .service, space: "vault")
        XCTAssertEqual(codes(w.plan([.services])), ["security_classification_insufficient"])
        XCTAssertEqual(codes(w.plan([.assistants])), [], "the service does not move, its space is not involved")
    }

    func testADisabledSourceIsNoBlocker() {
        var w = World()
        w.source.isEnabled = false
        w.commitModels()
        XCTAssertEqual(codes(w.plan()), [])
    }

    func testKwargsResetCountsOnlyMovingAssistantsWithKwargs() {
        var w = World()
        w.space("s", classification: nil, models: ["src"])
        w.config("a1", .assistant, space: "s", kwargs: ["temperature": 1])
        w.config("a2", .assistant, space: "s")
        w.config("app", .app, space: "s", kwargs: ["x": 1])
        XCTAssertEqual(w.plan().issues.first?.data, ["assistants": 1])
        XCTAssertEqual(codes(w.plan([.apps])), [], "absent when assistants are not selected")
    }

    // MARK: impact and hash

    func testImpactCountsSelectedTypesAndSoftDeletedTemplates() {
        var w = World()
        w.space("s1", classification: nil, models: ["src"])
        w.space("s2", classification: nil, models: ["src", "dst"])
        w.space("s3", classification: nil, models: [])
        w.config("a", .assistant, space: "s1")
        w.config("b", .app, space: "s3")
        w.config("c", .service, space: "s2")
        w.template("t1", .assistant)
        w.template("t2", .assistant, deleted: true)
        w.template("t3", .app)
        w.state.apply(Transaction([.recordQuestion(modelId: "src", at: 1), .recordQuestion(modelId: "src", at: 2)]))
        XCTAssertEqual(
            w.plan().impact,
            [
                "assistants": 1, "apps": 1, "services": 1, "assistantTemplates": 2, "appTemplates": 1,
                "spaces": 2, "spacesGainingTarget": 2, "questionsKept": 2,
            ])
        XCTAssertEqual(
            w.plan([.apps]).impact,
            [
                "assistants": 0, "apps": 1, "services": 0, "assistantTemplates": 0, "appTemplates": 0,
                "spaces": 0, "spacesGainingTarget": 2, "questionsKept": 2,
            ],
            "s1 still gains the target (source enabled there); s3 holds the moving app")
        XCTAssertEqual(w.plan([.apps]).affectedCount, 1)
    }

    func testPlanHashIsStableAndFollowsEveryRelevantChange() {
        var w = World()
        w.space("s", classification: nil, models: ["src"])
        w.config("a", .assistant, space: "s")
        let base = w.plan().planHash
        XCTAssertEqual(base, w.plan().planHash)
        XCTAssertEqual(base.count, 32)

        var unrelated = w
        unrelated.state.apply(Transaction([.recordQuestion(modelId: "dst", at: 9)]))
        XCTAssertEqual(unrelated.plan().planHash, base, "a question on the target changes nothing the migration does")

        let changes: [(String, (inout World) -> Void)] = [
            ("another assistant", { $0.config("b", .assistant, space: "s") }),
            ("kwargs set", { $0.config("a", .assistant, space: "s", kwargs: ["t": 1]) }),
            (
                "target disabled",
                {
                    $0.target.isEnabled = false
                    $0.commitModels()
                }
            ),
            (
                "target capability",
                {
                    $0.target.maxInputTokens = 5
                    $0.commitModels()
                }
            ),
            ("target retiring", { $0.retiring.insert("dst") }),
            ("space classified", { $0.space("s", classification: "low", models: ["src"]) }),
            ("target enabled in the space", { $0.space("s", classification: nil, models: ["src", "dst"]) }),
        ]
        for (what, change) in changes {
            var v = w
            change(&v)
            XCTAssertNotEqual(v.plan().planHash, base, what)
        }
        XCTAssertNotEqual(w.plan([.assistants]).planHash, base, "the selection is part of the plan")
    }

    // MARK: execution

    func testExecutionMovesEverythingSelectedAndRetiresTheSourceWhenNothingActiveIsLeft() {
        var w = World()
        w.space("s1", classification: nil, models: ["src"])
        w.config("a", .assistant, space: "s1", kwargs: ["temperature": 0.3])
        w.config("b", .app, space: "s1")
        w.template("t1", .assistant, deleted: true)
        w.state.apply(Transaction([.recordQuestion(modelId: "src", at: 1)]))
        let out = w.plan().execution(state: w.state, now: 100, historyId: "h")
        var after = w.state
        var history = Self.historyEntry("h")
        history.movedEntities = out.movedEntities  // the templates; the configurations join on commit
        after.apply(Transaction([.putMigration(history)] + out.changes))
        XCTAssertEqual(after.configs["a"]?.completionModelId, "dst")
        XCTAssertEqual(after.configs["a"]?.kwargs, [:])
        let undo = after.migrations["h"]?.movedEntities ?? []
        XCTAssertEqual(
            undo.first { $0.entityId == "a" }?.oldKwargs, ["temperature": 0.3], "the history keeps the old kwargs")
        XCTAssertEqual(Set(undo.map(\.entityId)), ["a", "b", "t1"], "every moved entity is in the undo list")
        XCTAssertEqual(after.templates["t1"]?.completionModelId, "dst", "soft-deleted templates move too")
        XCTAssertEqual(after.spaces["s1"]?.modelIds, ["dst"])
        XCTAssertEqual(after.questionTimes["src"]?.count, 1, "questions stay on the source")
        XCTAssertTrue(out.sourceRetired)
        XCTAssertEqual(after.models["src"]?.migratedToModelId, "dst")
        XCTAssertEqual(
            out.moved,
            ["assistants": 1, "apps": 1, "services": 0, "assistantTemplates": 1, "appTemplates": 0, "spaces": 1])
        XCTAssertEqual(after.invariantViolations(), [])
    }

    func testPartialExecutionKeepsTheSourceAliveAndItsLinks() {
        var w = World()
        w.space("s1", classification: nil, models: ["src"])
        w.config("a", .assistant, space: "s1")
        w.config("b", .service, space: "s1")
        let out = w.plan([.assistants]).execution(state: w.state, now: 100, historyId: nil)
        var after = w.state
        after.apply(Transaction(out.changes))
        XCTAssertFalse(out.sourceRetired)
        XCTAssertNil(after.models["src"]?.migratedToModelId)
        XCTAssertEqual(after.configs["b"]?.completionModelId, "src")
        XCTAssertEqual(
            after.spaces["s1"]?.modelIds, ["src", "dst"], "links stay unless spaces is selected; the target is added")
        XCTAssertEqual(out.moved, ["assistants": 1])
    }
}
