import XCTest
import JSONRPC
@testable import Domain

/// The rules added after the seed's first migration engine, table by table: split targets,
/// blocker overrides, embedding models, and which models templates and collections may use.
final class MigrationRulesAfterPR315Tests: XCTestCase {
    private typealias World = MigrationPlanTests.World

    /// An earlier migration of src to `to`, in the given state.
    private func earlier(_ to: String, status: MigrationEntry.Status, sourceRetired: Bool) -> Change {
        var e = MigrationPlanTests.historyEntry("h-\(to)-\(status.rawValue)-\(sourceRetired)")
        e.toModelId = to
        e.status = status
        e.sourceRetired = sourceRetired
        return .putMigration(e)
    }

    func testAnEarlierPartialMigrationFixesTheTarget() {
        // (earlier migration of src, and to which model; is src → dst then split?)
        let rows: [(what: String, earlier: [Change], split: Bool)] = [
            ("none", [], false),
            ("a partial one to dst itself", [earlier("dst", status: .completed, sourceRetired: false)], false),
            ("a partial one to another model", [earlier("other", status: .completed, sourceRetired: false)], true),
            ("a reverted partial one elsewhere", [earlier("other", status: .reverted, sourceRetired: false)], false),
            ("a failed one elsewhere", [earlier("other", status: .failed, sourceRetired: false)], false),
            (
                "a whole one elsewhere (the source retired)",
                [earlier("other", status: .completed, sourceRetired: true)], false
            ),
        ]
        for row in rows {
            var w = World()
            w.state.apply(
                Transaction(
                    [
                        .putModel(
                            Model(
                                id: "other", tenantId: "t", kind: .completion, name: "o", providerId: "p", createdAt: 0)
                        )
                    ] + row.earlier))
            let p = w.plan()
            XCTAssertEqual(p.blockers.contains { $0.code == "split_target" }, row.split, row.what)
            if row.split {
                XCTAssertEqual(p.blockers.first { $0.code == "split_target" }?.data["earlierTargetIds"], ["other"])
            }
        }
    }

    func testAnOverridePassesOnlyTheBlockersItNamesAndNeverTheUnoverridable() {
        var w = World()
        w.target.isEnabled = false
        w.target.kind = .embedding
        w.commitModels()
        let p = w.plan()
        XCTAssertEqual(p.blockers.map(\.code), ["kind_mismatch", "target_disabled"])
        let rows: [(overriding: Set<String>, standing: [String]?)] = [
            ([], ["kind_mismatch", "target_disabled"]),
            (["target_disabled"], ["kind_mismatch"]),
            (["kind_mismatch", "target_disabled"], ["kind_mismatch"]),
        ]
        for row in rows {
            let refusal = p.refusal(expectedPlanHash: nil, confirmed: true, overriding: row.overriding)
            guard case .migrationBlocked(let issues)? = refusal?.error else {
                XCTFail("\(row.overriding): \(String(describing: refusal))")
                continue
            }
            XCTAssertEqual(issues.compactMap { $0["code"]?.stringValue }, row.standing, "\(row.overriding)")
        }
        var passable = World()
        passable.target.isEnabled = false
        passable.commitModels()
        XCTAssertNil(
            passable.plan().refusal(expectedPlanHash: nil, confirmed: true, overriding: ["target_disabled"]),
            "a passable blocker named is passed")
        XCTAssertEqual(MigrationPlan.unoverridableBlockers, ["kind_mismatch", "same_model", "requires_reembedding"])
    }

    func testEmbeddingModelsAreNeverSwapped() {
        var w = World()
        w.source.kind = .embedding
        w.target.kind = .embedding
        w.commitModels()
        XCTAssertEqual(w.plan().blockers.map(\.code), ["requires_reembedding"])
        var completion = World()
        completion.commitModels()
        XCTAssertFalse(completion.plan().blockers.contains { $0.code == "requires_reembedding" })
    }

    func testWhichModelsTemplatesAndCollectionsMayUse() {
        let w = World()
        let space = Space(
            id: "s", tenantId: "t", name: "s", securityClassificationId: nil, modelIds: ["e"], createdAt: 0)
        func model(_ kind: ModelKind) -> Model {
            Model(id: "e", tenantId: "t", kind: kind, name: "m", providerId: "p", createdAt: 0)
        }
        // (kind, usable, template refusal, collection refusal)
        let rows: [(ModelKind, Bool, String?, String?)] = [
            (.completion, true, nil, "not_an_embedding_model"),
            (.completion, false, "model_not_accessible", "not_an_embedding_model"),
            (.embedding, true, "not_a_completion_model", nil),
            (.embedding, false, "not_a_completion_model", "model_not_accessible"),
            (.transcription, true, "not_a_completion_model", "not_an_embedding_model"),
        ]
        for (kind, usable, template, collection) in rows {
            XCTAssertEqual(
                w.state.modelRefusal(of: model(kind), as: .completion, in: nil, canAccess: usable), template,
                "\(kind) \(usable)")
            XCTAssertEqual(
                w.state.modelRefusal(of: model(kind), as: .embedding, in: space, canAccess: usable), collection,
                "\(kind) \(usable)")
        }
        var elsewhere = space
        elsewhere.modelIds = []
        XCTAssertEqual(
            w.state.modelRefusal(of: model(.embedding), as: .embedding, in: elsewhere, canAccess: true),
            "not_enabled_in_space")
    }
}
