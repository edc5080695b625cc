import XCTest
import Foundation
import JSONRPC
@testable import Domain
import Store
@testable import Server
@testable import Launcher

/// The schedule with an injected clock: what a serving process does at each moment, never by waiting.
final class CleanupScheduleServiceTests: XCTestCase {
    final class Clock: @unchecked Sendable {
        var now: Millis
        init(_ s: String) { now = Formats.parseTimestamp(s)! }
        func set(_ s: String) { now = Formats.parseTimestamp(s)! }
    }

    var dir = ""
    var clock = Clock("2026-11-25T08:47:00.000Z")  // a Wednesday
    var platform: Platform!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "cleanup-schedule-" + UUID().uuidString.lowercased()
        let clock = self.clock
        platform = Platform(
            store: try FilePlatformStore(directory: dir), catalog: Catalog(),
            catalogSource: CatalogSource(path: nil, origin: "none"), calendar: LifecycleCalendar(today: 0),
            clock: { clock.now })
        try platform.write { _ throws(ServerError) in
            var gone = Model(
                id: "00000000-0000-4000-8000-00000000000b", tenantId: "00000000-0000-4000-8000-00000000000a",
                kind: .completion,
                name: "retired", providerId: "00000000-0000-4000-8000-00000000000c", createdAt: 0)
            gone.deletedAt = 1
            return (
                Transaction([
                    .putTenant(Tenant(id: gone.tenantId, name: "T", securityEnabled: false, createdAt: 0)),
                    .putProvider(
                        Provider(id: gone.providerId, tenantId: gone.tenantId, name: "P", providerType: "openai")),
                    .putModel(gone),
                ]), ()
            )
        }
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func status() throws -> JSONValue {
        let outbox = CollectingOutbox()
        let p = MessageProcessor(
            table: Launcher.methodTable(platform: platform, conformanceFixtures: false), outbox: outbox)
        _ = p.process(
            IncomingPayload(
                body: Array(
                    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"initializationOptions":{"actor":{"userId":"r","role":"sysadmin"}}}}"#
                        .utf8)))
        _ = p.process(
            IncomingPayload(
                body: Array(
                    #"{"jsonrpc":"2.0","id":1,"method":"lifecycle/status","params":{"tenantId":"00000000-0000-4000-8000-00000000000a"}}"#
                        .utf8)))
        return outbox.takeMessages().last?["result"] ?? .null
    }

    func testANewStoreWaitsForTheFirstScheduledTimeThenRunsOncePerPeriod() throws {
        try CleanupService.ensureMeta(platform: platform)
        XCTAssertNil(try CleanupService.runIfDue(platform: platform), "never immediately")
        XCTAssertEqual(try status()["nextRunAt"], "2026-11-29T04:00:00.000Z")
        XCTAssertEqual(try status()["lastRun"], .null)
        XCTAssertEqual(try status()["schedule"], "weekly sun 04:00")

        clock.set("2026-11-29T03:59:59.999Z")
        XCTAssertNil(try CleanupService.runIfDue(platform: platform))
        clock.set("2026-11-29T04:00:00.000Z")
        let report = try CleanupService.runIfDue(platform: platform)
        XCTAssertEqual(report?["removed"]?.arrayValue?.count, 1)
        XCTAssertNil(try platform.read().models["00000000-0000-4000-8000-00000000000b"])
        XCTAssertEqual(try platform.read().audit.values.first?.actor, CleanupService.scheduler)
        clock.set("2026-11-29T04:00:30.000Z")
        XCTAssertNil(try CleanupService.runIfDue(platform: platform), "once per period")
        XCTAssertEqual(try status()["lastRun"]?["startedAt"], "2026-11-29T04:00:00.000Z")
        XCTAssertEqual(try status()["nextRunAt"], "2026-12-06T04:00:00.000Z")
    }

    func testAMissedRunHappensAtTheNextStart() throws {
        try CleanupService.ensureMeta(platform: platform)
        clock.set("2027-01-20T12:00:00.000Z")  // weeks later: the process was not running
        XCTAssertNotNil(try CleanupService.runIfDue(platform: platform))
        XCTAssertNil(try CleanupService.runIfDue(platform: platform), "one catch-up run, not one per missed week")
        XCTAssertEqual(try status()["nextRunAt"], "2027-01-24T04:00:00.000Z")
    }

    func testAnotherProcessThatRanItFirstMeansThisOneDoesNot() throws {
        try CleanupService.ensureMeta(platform: platform)
        let other = Platform(
            store: try FilePlatformStore(directory: dir), catalog: Catalog(),
            catalogSource: CatalogSource(path: nil, origin: "none"), calendar: LifecycleCalendar(today: 0),
            clock: { [clock] in clock.now })
        clock.set("2026-11-29T04:00:00.000Z")
        XCTAssertNotNil(try CleanupService.runIfDue(platform: other))
        XCTAssertNil(try CleanupService.runIfDue(platform: platform), "the due check is repeated under the write lock")
    }

    func testTheScheduleSwitchedOffNeverRuns() throws {
        platform.cleanupSchedule = .off
        try CleanupService.ensureMeta(platform: platform)
        clock.set("2030-01-01T00:00:00.000Z")
        XCTAssertNil(try CleanupService.runIfDue(platform: platform))
        XCTAssertEqual(try status()["nextRunAt"], .null)
        XCTAssertEqual(try status()["schedule"], "off")
    }
}
