import XCTest
import JSONRPC
@testable import Domain

/// Contract §6: the schedule's arithmetic and cleanup's decisions.
final class CleanupScheduleTests: XCTestCase {
    private func t(_ s: String) -> Millis { Formats.parseTimestamp(s)! }
    private func text(_ m: Millis?) -> String? { m.map(Formats.formatTimestamp) }

    func testTheDefaultIsSundayAtFourUTC() {
        XCTAssertEqual(CleanupSchedule.default.description, "weekly sun 04:00")
        XCTAssertEqual(CleanupSchedule("weekly sun 04:00"), .default)
        XCTAssertEqual(CleanupSchedule("WEEKLY Sunday 04:00"), .default)
    }

    func testNextRunIsTheFirstScheduledInstantStrictlyAfter() {
        let rows: [(schedule: String, after: String, next: String?)] = [
            ("weekly sun 04:00", "2026-11-25T08:47:00.000Z", "2026-11-29T04:00:00.000Z"),  // a Wednesday
            ("weekly sun 04:00", "2026-11-29T03:59:59.999Z", "2026-11-29T04:00:00.000Z"),
            ("weekly sun 04:00", "2026-11-29T04:00:00.000Z", "2026-12-06T04:00:00.000Z"),  // strictly after
            ("weekly sat 23:59", "2026-12-31T12:00:00.000Z", "2027-01-02T23:59:00.000Z"),  // across a year
            ("weekly thu 00:00", "1970-01-01T00:00:00.000Z", "1970-01-08T00:00:00.000Z"),  // the epoch was a Thursday
            ("daily 02:30", "2026-11-25T02:29:00.000Z", "2026-11-25T02:30:00.000Z"),
            ("daily 02:30", "2026-11-25T02:30:00.000Z", "2026-11-26T02:30:00.000Z"),
            ("daily 00:00", "2028-02-28T12:00:00.000Z", "2028-02-29T00:00:00.000Z"),  // leap day
            ("off", "2026-11-25T00:00:00.000Z", nil),
        ]
        for r in rows {
            XCTAssertEqual(
                text(CleanupSchedule(r.schedule)!.next(after: t(r.after))), r.next, "\(r.schedule) after \(r.after)")
        }
    }

    func testANewStoresFirstRunIsAFullPeriodAwayAndAMissedRunIsDueAtOnce() {
        let s = CleanupSchedule.default
        let created = t("2026-11-25T08:47:00.000Z")
        XCTAssertFalse(s.isDue(now: created, lastRunAt: nil, storeCreatedAt: created), "never immediately")
        XCTAssertFalse(s.isDue(now: t("2026-11-29T03:59:59.999Z"), lastRunAt: nil, storeCreatedAt: created))
        XCTAssertTrue(s.isDue(now: t("2026-11-29T04:00:00.000Z"), lastRunAt: nil, storeCreatedAt: created))
        XCTAssertFalse(
            s.isDue(
                now: t("2026-11-29T05:00:00.000Z"), lastRunAt: t("2026-11-29T04:00:00.500Z"), storeCreatedAt: created),
            "ran this week already")
        XCTAssertTrue(
            s.isDue(
                now: t("2026-12-20T10:00:00.000Z"), lastRunAt: t("2026-11-29T04:00:00.500Z"), storeCreatedAt: created),
            "missed runs: one run at the next start")
        XCTAssertFalse(CleanupSchedule.off.isDue(now: .max / 2, lastRunAt: nil, storeCreatedAt: 0))
    }

    func testRejectedTexts() {
        for bad in [
            "", "weekly", "weekly sun", "weekly sun 4:00", "weekly xyz 04:00", "daily 24:00", "daily 12:60", "hourly",
            "off now",
        ] {
            XCTAssertNil(CleanupSchedule(bad), bad)
        }
    }
}

final class CleanupPlannerTests: XCTestCase {
    var state = PlatformState()

    override func setUp() {
        state.apply(
            Transaction([
                .putTenant(Tenant(id: "t", name: "T", securityEnabled: false, createdAt: 0)),
                .putProvider(Provider(id: "p", tenantId: "t", name: "P", providerType: "openai")),
                .putSpace(Space(id: "s", tenantId: "t", name: "S", securityClassificationId: nil, createdAt: 0)),
            ]))
    }

    @discardableResult
    private func model(
        _ id: String, deletedAt: Millis? = nil, migratedTo: String? = nil, migratedAt: Millis? = nil
    ) -> Model {
        var m = Model(id: id, tenantId: "t", kind: .completion, name: "model-" + id, providerId: "p", createdAt: 0)
        m.deletedAt = deletedAt
        m.migratedToModelId = migratedTo
        m.migratedAt = migratedAt
        state.apply(Transaction([.putModel(m)]))
        return m
    }

    private func template(_ id: String, on model: String, deleted: Bool) {
        var t = Template(
            id: id, tenantId: "t", kind: .assistant, name: id, completionModelId: model, kwargs: [:], createdAt: 0)
        t.deletedAt = deleted ? 1 : nil
        state.apply(Transaction([.putTemplate(t)]))
    }

    private func cleanup(limit: Int = 500) -> CleanupOutcome {
        CleanupPlanner.run(state: state, limit: limit, now: 99, checkpoint: { (_: Int, _: Int) throws(Never) in })
    }

    func testOnlyRetiredModelsAreCandidatesOldestFirst() {
        model("active")
        model("late", deletedAt: 30)
        model("target")
        model("early", migratedTo: "target", migratedAt: 10)
        XCTAssertEqual(CleanupPlanner.candidates(in: state).map(\.id), ["early", "late"])
        XCTAssertEqual(cleanup().removed.map(\.id), ["early", "late"])
    }

    func testModelsRetiredInOneMillisecondAreRemovedInTheOrderTheyWereRetired() {
        for id in ["zz", "mm", "aa"] { model(id) }
        // Three deletions committed one after another within the same millisecond.
        for id in ["zz", "mm", "aa"] {
            let (changes, deleted) = state.softDeletion(of: state.model(id)!, now: 1_000)
            state.apply(Transaction(changes))
            XCTAssertGreaterThanOrEqual(deleted.deletedAt ?? 0, 1_000)
        }
        XCTAssertEqual(state.models.values.compactMap(\.deletedAt).sorted(), [1_000, 1_001, 1_002])
        XCTAssertEqual(CleanupPlanner.candidates(in: state).map(\.id), ["zz", "mm", "aa"], "not the ids' order")
        XCTAssertEqual(cleanup().removed.map(\.id), ["zz", "mm", "aa"])
        // A later clock is kept as it is.
        model("late")
        XCTAssertEqual(state.softDeletion(of: state.model("late")!, now: 5_000).deleted.deletedAt, 5_000)
    }

    func testEachSkipReason() {
        model("questions", deletedAt: 1)
        state.apply(Transaction([.recordQuestion(modelId: "questions", at: 5)]))
        model("held", deletedAt: 2)
        model("holder", migratedTo: "held", migratedAt: 3)
        state.apply(Transaction([.recordQuestion(modelId: "holder", at: 5)]))
        model("pinned", deletedAt: 4)
        template("active-template", on: "pinned", deleted: false)
        let out = cleanup()
        XCTAssertEqual(out.removed.map(\.id), [])
        XCTAssertEqual(
            out.skipped.map { "\($0.model.id):\($0.reason.rawValue)" },
            ["questions:has_questions", "held:migration_target", "holder:has_questions", "pinned:active_references"])
    }

    func testASoftDeletedTemplateDoesNotPinAndIsRepointedToTheReplacement() {
        model("new")
        model("old", migratedTo: "new", migratedAt: 1)
        template("gone", on: "old", deleted: true)
        let out = cleanup()
        XCTAssertEqual(out.removed.map(\.id), ["old"])
        var after = state
        after.apply(Transaction(out.changes))
        XCTAssertEqual(after.templates["gone"]?.completionModelId, "new")
        XCTAssertNil(after.models["old"])
        XCTAssertEqual(after.invariantViolations(), [])
    }

    func testAChainCollapsesInOneRunWhateverTheOrder() {
        model("c")
        model("b", migratedTo: "c", migratedAt: 1)  // retired first, but a points at it
        model("a", migratedTo: "b", migratedAt: 2)
        template("t", on: "a", deleted: true)
        let out = cleanup()
        XCTAssertEqual(out.removed.map(\.id), ["a", "b"])
        XCTAssertEqual(out.skipped.count, 0)
        var after = state
        after.apply(Transaction(out.changes))
        XCTAssertEqual(after.templates["t"]?.completionModelId, "c", "repointed along the chain")
    }

    func testHistoryIdsAreNulledAndLinksRemoved() {
        model("new")
        model("old", deletedAt: 5)
        state.apply(
            Transaction([
                .putSpace(
                    Space(
                        id: "s", tenantId: "t", name: "S", securityClassificationId: nil, modelIds: ["old", "new"],
                        createdAt: 0))
            ]))
        let entry = MigrationEntry(
            id: "h", tenantId: "t", kind: .migration, status: .completed, fromModelId: "old",
            fromModelName: "model-old",
            fromProviderType: "openai", toModelId: "new", toModelName: "model-new", toProviderType: "openai",
            entityTypes: [], affectedCount: 0, moved: [:], issues: [], errorMessage: nil,
            initiatedBy: Initiator(userId: "u", name: nil), startedAt: 0, completedAt: 0)
        state.apply(Transaction([.putMigration(entry)]))
        var after = state
        after.apply(Transaction(cleanup().changes))
        XCTAssertNil(after.migrations["h"]?.fromModelId)
        XCTAssertEqual(after.migrations["h"]?.fromModelName, "model-old")
        XCTAssertEqual(after.spaces["s"]?.modelIds, ["new"])
    }

    func testTheLimitCapsTheCandidatesDecided() {
        for k in 0..<5 { model("m\(k)", deletedAt: Millis(k)) }
        XCTAssertEqual(cleanup(limit: 2).removed.map(\.id), ["m0", "m1"])
    }

    func testARemovalTheStoreWouldRefuseIsAnErrorAndTheOthersGoOn() {
        model("ok", deletedAt: 1)
        model("bad", deletedAt: 2)
        model("fine", deletedAt: 3)
        let out = CleanupPlanner.run(
            state: state, limit: 500, now: 9,
            extraChanges: { m in
                m.id == "bad"
                    ? [
                        .putConfig(
                            ConfigItem(
                                kind: .app, id: "x", tenantId: "t", spaceId: "s", name: "x",
                                completionModelId: "missing",
                                kwargs: [:], createdBy: "u", createdAt: 0))
                    ] : []
            }, checkpoint: { (_: Int, _: Int) throws(Never) in })
        XCTAssertEqual(out.removed.map(\.id), ["ok", "fine"])
        XCTAssertEqual(out.errors.map(\.model.id), ["bad"])
    }
}
