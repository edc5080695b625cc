import XCTest
import JSONRPC
@testable import Domain

/// Which commits idle processes are woken for: those that can change a lifecycle notice (what
/// references a model, or a model itself), and no others.
final class AnnouncementTests: XCTestCase {
    private func assistant(_ id: String, model: String, name: String = "a") -> ConfigItem {
        ConfigItem(
            kind: .assistant, id: id, tenantId: "t", spaceId: "s", name: name, completionModelId: model, kwargs: [:],
            createdBy: "u", createdAt: 0)
    }

    private func world() -> PlatformState {
        var s = PlatformState()
        var setup: [Change] = [
            .putTenant(Tenant(id: "t", name: "T", securityEnabled: false, createdAt: 0)),
            .putProvider(Provider(id: "p", tenantId: "t", name: "P", providerType: "openai")),
            .putSpace(Space(id: "s", tenantId: "t", name: "s", securityClassificationId: nil, createdAt: 0)),
        ]
        for m in ["m0", "m1"] {
            setup.append(
                .putModel(Model(id: m, tenantId: "t", kind: .completion, name: m, providerId: "p", createdAt: 0)))
        }
        setup.append(.putConfig(assistant("a", model: "m0")))
        s.apply(Transaction(setup))
        return s
    }

    func testWhatReferencesAModelOrTheModelItselfIsAnnounced() {
        let state = world()
        var flagged = state.model("m0")!
        flagged.manualDeprecated = true
        for change: Change in [
            .putModel(flagged), .putConfig(assistant("new", model: "m0")), .putConfig(assistant("a", model: "m1")),
            .remove(.config, id: "a"), .moveConfigs(ids: ["a"], to: "m1", at: 1),
            .migrateConfigs(from: "m0", to: "m1", kinds: [.assistant], at: 1, history: nil),
        ] {
            XCTAssertTrue(state.mayChangeLifecycleNotices(Transaction([change])), "\(change)")
        }
    }

    func testWhatCannotChangeANoticeIsNotAnnounced() {
        let state = world()
        for change: Change in [
            .putConfig(assistant("a", model: "m0", name: "renamed")), .recordQuestion(modelId: "m0", at: 1),
            .putTenant(Tenant(id: "t", name: "Renamed", securityEnabled: false, createdAt: 0)),
            .putSpace(Space(id: "s", tenantId: "t", name: "renamed", securityClassificationId: nil, createdAt: 0)),
        ] {
            XCTAssertFalse(state.mayChangeLifecycleNotices(Transaction([change])), "\(change)")
        }
    }
}
