import XCTest
import JSONRPC
@testable import Domain

/// The per-model usage summaries a migration plan reads instead of the configurations themselves
/// must always equal a recount of those configurations, whatever changed them.
final class ConfigUsageTests: XCTestCase {
    private let models = ["m0", "m1", "m2"], spaces = ["s0", "s1"]

    private func world() -> PlatformState {
        var s = PlatformState()
        var setup: [Change] = [
            .putTenant(Tenant(id: "t", name: "T", securityEnabled: false, createdAt: 0)),
            .putProvider(Provider(id: "p", tenantId: "t", name: "P", providerType: "openai")),
        ]
        for m in models {
            setup.append(
                .putModel(Model(id: m, tenantId: "t", kind: .completion, name: m, providerId: "p", createdAt: 0)))
        }
        for sp in spaces {
            setup.append(.putSpace(Space(id: sp, tenantId: "t", name: sp, securityClassificationId: nil, createdAt: 0)))
        }
        s.apply(Transaction(setup))
        return s
    }

    func testUsageAgreesWithARecountAfterEveryKindOfChange() {
        var state = world()
        var rng = SplitMix64(seed: 7)
        let kinds = ConfigKind.allCases
        for step in 0..<3000 {
            let id = "c\(Int.random(in: 0..<40, using: &rng))"
            let model = models.randomElement(using: &rng)!
            let space = spaces.randomElement(using: &rng)!
            let change: Change
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                var c = ConfigItem(
                    kind: state.configs[id]?.kind ?? kinds.randomElement(using: &rng)!, id: id, tenantId: "t",
                    spaceId: space,
                    name: id, completionModelId: model, kwargs: Bool.random(using: &rng) ? [:] : ["temperature": 0.5],
                    createdBy: "u", createdAt: 0)
                c.updatedAt = Millis(step)
                change = .putConfig(c)
            case 5:
                change = .remove(.config, id: id)
            case 6, 7:
                let ids = (0..<Int.random(in: 1...6, using: &rng)).map { _ in "c\(Int.random(in: 0..<40, using: &rng))"
                }
                change = .moveConfigs(ids: ids, to: model, at: Millis(step))
            default:
                let chosen = kinds.filter { _ in Bool.random(using: &rng) }
                change = .migrateConfigs(
                    from: models.randomElement(using: &rng)!, to: model, kinds: chosen, at: Millis(step), history: nil)
            }
            state.apply(Transaction([change]))
            let broken = state.invariantViolations()
            XCTAssertEqual(broken, [], "after step \(step): \(change)")
            if !broken.isEmpty { return }
        }
    }

    func testAMigrationMovesOnlyTheChosenKindsAndRecordsEachWithItsOldKwargs() {
        var state = world()
        state.apply(
            Transaction([
                .putConfig(
                    ConfigItem(
                        kind: .assistant, id: "a", tenantId: "t", spaceId: "s0", name: "a", completionModelId: "m0",
                        kwargs: ["temperature": 0.2], createdBy: "u", createdAt: 0)),
                .putConfig(
                    ConfigItem(
                        kind: .app, id: "b", tenantId: "t", spaceId: "s1", name: "b", completionModelId: "m0",
                        kwargs: [:], createdBy: "u", createdAt: 0)),
                .putMigration(MigrationPlanTests.historyEntry("h")),
            ]))
        let tx = Transaction([.migrateConfigs(from: "m0", to: "m1", kinds: [.assistant], at: 9, history: "h")])
        XCTAssertNil(state.violation(of: tx))
        let replayed = try! Transaction(record: tx.record[...])
        XCTAssertEqual(replayed, tx, "the journal form reads back as the same change")
        state.apply(replayed)
        XCTAssertEqual(state.configs["a"]?.completionModelId, "m1")
        XCTAssertEqual(state.configs["a"]?.kwargs, [:])
        XCTAssertEqual(state.configs["b"]?.completionModelId, "m0", "apps were not chosen")
        XCTAssertEqual(
            state.migrations["h"]?.movedEntities,
            [MovedEntity(entityType: "assistants", entityId: "a", oldKwargs: ["temperature": 0.2], movedAt: 9)])
        XCTAssertEqual(state.usageByModel["m1"]?.counts, [1, 0, 0])
        XCTAssertEqual(state.usageByModel["m0"]?.spaces[1], ["s1": 1])
        XCTAssertEqual(state.invariantViolations(), [])
    }

    func testAMigrationToAMissingOrForeignModelIsRefusedByTheStore() {
        let state = world()
        XCTAssertEqual(
            state.violation(
                of: Transaction([.migrateConfigs(from: "m0", to: "zz", kinds: [.assistant], at: 1, history: nil)])),
            "configuration is migrated to a missing model zz")
        XCTAssertEqual(
            state.violation(
                of: Transaction([.migrateConfigs(from: "zz", to: "m0", kinds: [.assistant], at: 1, history: nil)])),
            "configuration is migrated from a missing model zz")
    }
}
