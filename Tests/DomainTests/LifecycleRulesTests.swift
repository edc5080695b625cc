import XCTest
import JSONRPC
@testable import Domain

/// Contract §4 rules as tables.
final class LifecycleRulesTests: XCTestCase {
    let today = Formats.parseDate("2026-11-25")!
    var calendar: LifecycleCalendar { LifecycleCalendar(today: today, retiringWindowDays: 90) }

    private func model(
        enabled: Bool = true, manual: Bool = false, migrated: Bool = false, deleted: Bool = false
    ) -> Model {
        var m = Model(id: "m", tenantId: "t", kind: .completion, name: "x", providerId: "p", createdAt: 0)
        m.isEnabled = enabled
        m.manualDeprecated = manual
        m.migratedToModelId = migrated ? "n" : nil
        m.deletedAt = deleted ? 1 : nil
        return m
    }

    func testDeprecatedIsManualFlagOrDateOnOrBeforeToday() {
        let rows: [(manual: Bool, offset: Int?, deprecated: Bool)] = [
            (false, nil, false), (true, nil, true), (false, -1, true), (false, 0, true), (false, 1, false),
            (true, 30, true),
        ]
        for r in rows {
            XCTAssertEqual(
                LifecycleRules.isDeprecated(
                    manual: r.manual, deprecationDay: r.offset.map { today + $0 }, calendar: calendar),
                r.deprecated, "\(r)")
        }
    }

    func testRetiringIsADateAheadWithinTheWindow() {
        let rows: [(offset: Int?, retiring: Bool)] = [
            (nil, false), (0, false), (1, true), (90, true), (91, false), (-5, false),
        ]
        for r in rows {
            XCTAssertEqual(
                LifecycleRules.isRetiring(deprecationDay: r.offset.map { today + $0 }, calendar: calendar), r.retiring,
                "\(r)")
        }
    }

    func testStatusPrecedence() {
        let rows: [(Model, Int?, ModelStatus)] = [
            (model(manual: true, migrated: true, deleted: true), nil, .deleted),
            (model(enabled: false, manual: true, migrated: true), nil, .migrated),
            (model(enabled: false, manual: true), nil, .deprecated),
            (model(enabled: false), 10, .disabled),
            (model(), 10, .retiring),
            (model(), 0, .deprecated),
            (model(), 200, .active),
            (model(), nil, .active),
        ]
        for (m, offset, status) in rows {
            XCTAssertEqual(
                LifecycleRules.status(of: m, deprecationDay: offset.map { today + $0 }, calendar: calendar), status)
        }
    }

    func testCanAccess() {
        XCTAssertTrue(
            LifecycleRules.canAccess(model(), deprecationDay: today + 10, calendar: calendar),
            "retiring models are still usable")
        for m in [model(enabled: false), model(manual: true), model(migrated: true), model(deleted: true)] {
            XCTAssertFalse(LifecycleRules.canAccess(m, deprecationDay: nil, calendar: calendar))
        }
        XCTAssertFalse(LifecycleRules.canAccess(model(), deprecationDay: today, calendar: calendar))
    }

    func testSpaceAcceptance() {
        let rows: [(access: Bool, secured: Bool, space: Int?, model: Int?, refusal: String?)] = [
            (true, false, 3, nil, nil),  // security disabled: levels ignored
            (true, true, nil, nil, nil),  // unclassified space accepts any accessible model
            (true, true, 3, nil, "model_unclassified"),
            (true, true, 3, 2, "classification_too_low"),
            (true, true, 3, 3, nil),  // at the space's level passes
            (true, true, 3, 5, nil),
            (false, false, nil, nil, "model_not_accessible"),
        ]
        for r in rows {
            XCTAssertEqual(
                LifecycleRules.spaceRefusal(
                    canAccess: r.access, securityEnabled: r.secured, spaceLevel: r.space, modelLevel: r.model),
                r.refusal, "\(r)")
        }
    }
}

final class CatalogTests: XCTestCase {
    func testParsesLookupsAliasesAndSkipsNonModels() throws {
        let json = """
            {"sample_spec": {"mode": "chat", "deprecation_date": "date when…"},
             "fallback_generalizations": {"rules": []},
             "gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000, "supports_vision": true,
                       "deprecation_date": "2026-12-01", "successor_model": "gpt-y", "deprecation_source": "https://example.com"},
             "azure/gpt-x": {"litellm_provider": "azure", "max_input_tokens": 500},
             "gpt-latest": {"alias_of": "gpt-alias"}, "gpt-alias": {"alias_of": "gpt-x"}}
            """
        let c = try Catalog(bytes: Array(json.utf8))
        XCTAssertEqual(c.modelCount, 2)
        XCTAssertEqual(c.aliasCount, 2, "alias chains resolve")
        XCTAssertEqual(c.lookup(providerType: "azure", name: "gpt-x")?.maxInputTokens, 500, "providerType/name first")
        XCTAssertEqual(c.lookup(providerType: "openai", name: "gpt-x")?.maxInputTokens, 1000, "then name")
        XCTAssertEqual(c.lookup(providerType: nil, name: "gpt-latest")?.successorModel, "gpt-y")
        XCTAssertEqual(c.lookup(providerType: nil, name: "gpt-x")?.deprecationDay, Formats.parseDate("2026-12-01"))
        XCTAssertNil(c.lookup(providerType: nil, name: "sample_spec"))
        XCTAssertNil(c.lookup(providerType: nil, name: "fallback_generalizations"))
    }

    func testEveryFieldTheLifecycleUsesIsReadAndARepeatedMemberCountsItsFirstTime() throws {
        let json = """
            {"m": {"input_cost_per_token": 1e-6, "litellm_provider": "openai", "mode": "chat",
                   "deprecation_date": "2026-03-01", "deprecation_source": "https://example.com/m",
                   "successor_model": "m-2", "max_input_tokens": 128, "max_output_tokens": 64,
                   "supports_vision": false, "supports_reasoning": true, "supports_function_calling": true,
                   "mode": "embedding", "deprecation_date": "not a date", "max_input_tokens": -1},
             "n": {"alias_of": "m", "alias_of": "nowhere"}}
            """
        let c = try Catalog(bytes: Array(json.utf8))
        let m = try XCTUnwrap(c.lookup(providerType: nil, name: "m"))
        XCTAssertEqual(m.provider, "openai")
        XCTAssertEqual(m.mode, "chat", "the first of two modes")
        XCTAssertEqual(m.deprecationDate, "2026-03-01", "the first of two dates, the second not even checked")
        XCTAssertEqual(m.deprecationDay, Formats.parseDate("2026-03-01"))
        XCTAssertEqual(m.deprecationSource, "https://example.com/m")
        XCTAssertEqual(m.successorModel, "m-2")
        XCTAssertEqual(m.maxInputTokens, 128)
        XCTAssertEqual(m.maxOutputTokens, 64)
        XCTAssertEqual(m.vision, false)
        XCTAssertEqual(m.reasoning, true)
        XCTAssertEqual(m.toolCalling, true)
        XCTAssertEqual(c.lookup(providerType: nil, name: "n")?.key, "m", "the first alias_of")
        XCTAssertEqual(c.skippedCount, 0)
    }

    func testMalformedCatalogsAreClearErrors() {
        XCTAssertThrowsError(try Catalog(bytes: Array("{\"a\": {\"mode\": \"chat\"},}".utf8))) {
            XCTAssertTrue("\($0)".contains("at byte 23"), "\($0)")
        }
        XCTAssertThrowsError(try Catalog(bytes: Array("[]".utf8)))
    }

    func testBrokenEntriesAreSkippedAndCountedWithTheirReason() throws {
        let c = try Catalog(
            bytes: Array(
                """
                {"m": {"mode": "chat", "deprecation_date": "soon"}, "n": {"mode": "chat", "max_output_tokens": -5},
                 "ok": {"mode": "chat", "deprecation_date": "2026-01-01", "successor_model": "ok-2"}}
                """.utf8))
        XCTAssertEqual(c.modelCount, 1)
        XCTAssertEqual(c.deprecatedCount, 1, "only the entry kept counts")
        XCTAssertEqual(c.successorCount, 1)
        XCTAssertEqual(c.skippedCount, 2)
        XCTAssertEqual(c.skipped.map(\.key).sorted(), ["m", "n"])
        XCTAssertNil(c.lookup(providerType: nil, name: "m"), "a broken entry is not half-used")
    }

    func testTheRealCatalogCounts() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../shared/data/litellm_model_prices.json")
        guard let data = try? Data(contentsOf: url) else { throw XCTSkip("../shared/data is absent") }
        let c = try Catalog(bytes: [UInt8](data))
        XCTAssertEqual(c.modelCount, 4778)
        XCTAssertEqual(c.deprecatedCount, 924)
        XCTAssertEqual(c.successorCount, 446)
    }
}

final class IntegrityTests: XCTestCase {
    func testAConfigurationNamesAModelAndSpaceOfItsTenantInTheStoreOrInItsTransaction() {
        var s = PlatformState()
        let t = Tenant(id: "t", name: "T", securityEnabled: false, createdAt: 0)
        let other = Tenant(id: "o", name: "O", securityEnabled: false, createdAt: 0)
        let p = Provider(id: "p", tenantId: "t", name: "P", providerType: "openai")
        let q = Provider(id: "q", tenantId: "o", name: "Q", providerType: "openai")
        let m = Model(id: "m", tenantId: "t", kind: .completion, name: "x", providerId: "p", createdAt: 0)
        let theirs = Model(id: "their-m", tenantId: "o", kind: .completion, name: "x", providerId: "q", createdAt: 0)
        let space = Space(
            id: "s", tenantId: "t", name: "S", securityClassificationId: nil, modelIds: ["m"], createdAt: 0)
        s.apply(Transaction([.putTenant(t), .putTenant(other), .putProvider(p), .putProvider(q), .putModel(m)]))
        s.apply(Transaction([.putModel(theirs), .putSpace(space)]))
        func config(model: String = "m", space: String = "s", transcription: String? = nil) -> Change {
            var c = ConfigItem(
                kind: .app, id: "c", tenantId: "t", spaceId: space, name: "C", completionModelId: model, kwargs: [:],
                createdBy: "u", createdAt: 0)
            c.transcriptionModelId = transcription
            return .putConfig(c)
        }
        XCTAssertNil(s.violation(of: Transaction([config()])))
        XCTAssertEqual(s.violation(of: Transaction([config(model: "their-m")])), "app c uses a missing model")
        XCTAssertEqual(s.violation(of: Transaction([config(space: "nowhere")])), "app c is in a missing space")
        XCTAssertEqual(
            s.violation(of: Transaction([config(transcription: "their-m")])), "app c transcribes with a missing model")
        XCTAssertNil(s.violation(of: Transaction([config(transcription: "m")])))
        // What the same transaction creates counts, and what it removes does not.
        let n = Model(id: "n", tenantId: "t", kind: .completion, name: "y", providerId: "p", createdAt: 0)
        let s2 = Space(id: "s2", tenantId: "t", name: "S2", securityClassificationId: nil, modelIds: [], createdAt: 0)
        XCTAssertNil(s.violation(of: Transaction([.putModel(n), .putSpace(s2), config(model: "n", space: "s2")])))
        XCTAssertEqual(
            s.violation(of: Transaction([.remove(.model, id: "m"), config()])), "app c uses a missing model")
        XCTAssertEqual(
            s.violation(of: Transaction([.remove(.space, id: "s"), config()])), "app c is in a missing space")
    }

    func testTheStoreRefusesDanglingReferences() {
        var s = PlatformState()
        let t = Tenant(id: "t", name: "T", securityEnabled: false, createdAt: 0)
        let p = Provider(id: "p", tenantId: "t", name: "P", providerType: "openai")
        let m = Model(id: "m", tenantId: "t", kind: .completion, name: "x", providerId: "p", createdAt: 0)
        let setup = Transaction([.putTenant(t), .putProvider(p), .putModel(m)])
        XCTAssertNil(s.violation(of: setup), "a transaction may reference what it creates")
        s.apply(setup)
        let space = Space(
            id: "s", tenantId: "t", name: "S", securityClassificationId: nil, modelIds: ["m"], createdAt: 0)
        s.apply(Transaction([.putSpace(space)]))
        let a = ConfigItem(
            kind: .assistant, id: "a", tenantId: "t", spaceId: "s", name: "A", completionModelId: "m", kwargs: [:],
            createdBy: "u", createdAt: 0)
        XCTAssertNotNil(
            s.violation(
                of: Transaction([
                    .putConfig(
                        ConfigItem(
                            kind: .app, id: "b", tenantId: "t", spaceId: "s", name: "B", completionModelId: "zz",
                            kwargs: [:], createdBy: "u", createdAt: 0))
                ])))
        s.apply(Transaction([.putConfig(a)]))
        XCTAssertEqual(
            s.violation(of: Transaction([.remove(.model, id: "m")])), "model m is still used by configuration")
        var moved = a
        moved.completionModelId = "m2"
        let m2 = Model(id: "m2", tenantId: "t", kind: .completion, name: "y", providerId: "p", createdAt: 0)
        var unlinked = space
        unlinked.modelIds = []
        XCTAssertNil(
            s.violation(
                of: Transaction([.putModel(m2), .putConfig(moved), .putSpace(unlinked), .remove(.model, id: "m")])),
            "removal is fine when the same transaction moves every reference away")
        s.apply(Transaction([.recordQuestion(modelId: "m", at: 5)]))
        XCTAssertEqual(
            s.violation(
                of: Transaction([.putModel(m2), .putConfig(moved), .putSpace(unlinked), .remove(.model, id: "m")])),
            "model m still has questions")
        XCTAssertEqual(s.invariantViolations(), [])
    }

    func testJournalRecordsRoundTrip() throws {
        var m = Model(id: "m", tenantId: "t", kind: .embedding, name: "x", providerId: "p", createdAt: 7)
        m.nickname = "nick"
        m.maxInputTokens = 10
        m.migratedToModelId = "n"
        m.deletedAt = 9
        let tx = Transaction([
            .putModel(m), .recordQuestion(modelId: "m", at: 3), .purgeQuestions(tenantId: "t", before: 4),
            .putTemplate(
                Template(
                    id: "x", tenantId: "t", kind: .app, name: "T", completionModelId: nil, kwargs: ["k": [1]],
                    createdAt: 1)),
            .remove(.space, id: "s"),
        ])
        XCTAssertEqual(try Transaction(record: tx.record[...]), tx)
    }

    func testMigrationRecordsAreCompactAndRoundTrip() throws {
        var e = MigrationEntry(
            id: "h", tenantId: "t", kind: .migration, status: .completed, fromModelId: "a", fromModelName: "A",
            fromProviderType: "openai", toModelId: "b", toModelName: "B", toProviderType: nil,
            entityTypes: ["assistants", "apps"],
            affectedCount: 3, moved: ["assistants": 2, "apps": 1], issues: ["kwargs_reset"], errorMessage: nil,
            initiatedBy: Initiator(userId: "u", name: "U"), startedAt: 1, completedAt: 2)
        e.movedEntities = [
            MovedEntity(entityType: "assistants", entityId: "a1", oldKwargs: ["temperature": 0.5], movedAt: 2),
            MovedEntity(entityType: "assistants", entityId: "a2", oldKwargs: [:], movedAt: 2),
            MovedEntity(entityType: "apps", entityId: "p1", oldKwargs: nil, movedAt: 2),
        ]
        e.linksAdded = ["s"]
        e.sourceRetired = true
        let tx = Transaction([.putMigration(e), .moveConfigs(ids: ["a1", "a2", "p1"], to: "b", at: 2)])
        XCTAssertEqual(try Transaction(record: tx.record[...]), tx)
        let text = String(decoding: tx.record, as: UTF8.self)
        XCTAssertTrue(
            text.contains(#""moves":[{"t":"assistants","at":2,"ids":["a1","a2"]},{"t":"apps","at":2,"ids":["p1"]}]"#),
            text)
        XCTAssertTrue(text.contains(#""oldKwargs":{"a1":{"temperature":0.5}}"#), "only non-empty kwargs are kept")
    }

    func testMovingConfigurationIsCheckedLikePuttingIt() {
        var s = PlatformState()
        s.apply(
            Transaction([
                .putTenant(Tenant(id: "t", name: "T", securityEnabled: false, createdAt: 0)),
                .putProvider(Provider(id: "p", tenantId: "t", name: "P", providerType: "x")),
                .putModel(Model(id: "m", tenantId: "t", kind: .completion, name: "m", providerId: "p", createdAt: 0)),
                .putModel(Model(id: "n", tenantId: "t", kind: .completion, name: "n", providerId: "p", createdAt: 0)),
                .putSpace(Space(id: "s", tenantId: "t", name: "S", securityClassificationId: nil, createdAt: 0)),
                .putConfig(
                    ConfigItem(
                        kind: .assistant, id: "c", tenantId: "t", spaceId: "s", name: "c", completionModelId: "m",
                        kwargs: ["k": 1], createdBy: "u", createdAt: 0)),
            ]))
        XCTAssertEqual(
            s.violation(of: Transaction([.moveConfigs(ids: ["c"], to: "zz", at: 1)])),
            "configuration is moved to a missing model zz")
        XCTAssertEqual(
            s.violation(of: Transaction([.moveConfigs(ids: ["nope"], to: "n", at: 1)])),
            "configuration nope moved is missing or of another tenant")
        XCTAssertNil(
            s.violation(of: Transaction([.moveConfigs(ids: ["c"], to: "n", at: 1), .remove(.model, id: "m")])),
            "a move takes the reference away")
        XCTAssertEqual(
            s.violation(of: Transaction([.remove(.model, id: "n"), .moveConfigs(ids: ["c"], to: "n", at: 1)])),
            "configuration is moved to a missing model n")
        s.apply(Transaction([.moveConfigs(ids: ["c"], to: "n", at: 1)]))
        XCTAssertEqual(s.configs["c"]?.completionModelId, "n")
        XCTAssertEqual(s.configs["c"]?.kwargs, [:])
        XCTAssertEqual(s.configsByModel["n"], ["c"])
        XCTAssertEqual(s.configsByModel["m"], [])
        XCTAssertEqual(s.invariantViolations(), [])
    }
}
