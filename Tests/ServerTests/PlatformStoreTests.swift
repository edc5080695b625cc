import XCTest
import Foundation
@testable import Domain
import Store
@testable import Server

/// The platform state through snapshot and journal: compaction keeps everything, questions included.
final class PlatformStoreTests: XCTestCase {
    func testCompactionKeepsTheWholeState() throws {
        let dir = NSTemporaryDirectory() + "platform-store-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try FilePlatformStore(directory: dir)
        store.compactionFloor = 4096
        let platform = Platform(
            store: store, catalog: Catalog(), catalogSource: CatalogSource(path: nil, origin: "none"),
            calendar: LifecycleCalendar(today: 0))
        try platform.write { _ throws(ServerError) in
            (
                Transaction([
                    .putTenant(Tenant(id: "t", name: "T", securityEnabled: true, createdAt: 1)),
                    .putProvider(Provider(id: "p", tenantId: "t", name: "P", providerType: "vllm")),
                ]), ()
            )
        }
        for k in 0..<200 {
            try platform.write { _ throws(ServerError) in
                (
                    Transaction([
                        .putModel(
                            Model(
                                id: "m\(k)", tenantId: "t", kind: .completion, name: "model-\(k)", providerId: "p",
                                createdAt: Int64(k))),
                        .recordQuestion(modelId: "m\(k)", at: Int64(k)),
                        .recordQuestion(modelId: "m\(k)", at: Int64(k + 1)),
                    ]), ()
                )
            }
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: dir + "/journal-0"),
            "the journal grew past the floor and was compacted")
        let reopened = try JournalStore<PlatformState>(directory: dir)
        XCTAssertEqual(reopened.state.models.count, 200)
        XCTAssertEqual(reopened.state.questionTimes(of: "m7"), [7, 8])
        XCTAssertEqual(reopened.state.modelIDs(ofTenant: "t").count, 200)
        XCTAssertEqual(reopened.state.invariantViolations(), [])
    }

    func testGeneratedIdsAreLowercaseVersion4UUIDs() throws {
        let dir = NSTemporaryDirectory() + "platform-ids-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let platform = Platform(
            store: try FilePlatformStore(directory: dir), catalog: Catalog(),
            catalogSource: CatalogSource(path: nil, origin: "none"), calendar: LifecycleCalendar(today: 0))
        let ids = (0..<1000).map { _ in platform.newID() }
        XCTAssertEqual(Set(ids).count, 1000)
        for id in ids {
            XCTAssertTrue(Formats.isLowercaseUUID(id), id)
            XCTAssertEqual(Array(id)[14], "4")
            XCTAssertTrue("89ab".contains(Array(id)[19]), id)
        }
    }
}
