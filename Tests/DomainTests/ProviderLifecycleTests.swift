import XCTest
import JSONRPC
@testable import Domain

/// The provider exports' reading and the one lifecycle made of them, rule by rule.
final class ProviderLifecycleTests: XCTestCase {
    private let today = Formats.parseDate("2026-12-01")!

    private func read(_ json: String, _ kind: ProviderKind? = nil) throws -> ProviderSource {
        try ProviderSourceReader.read(bytes: Array(json.utf8), path: "export.json", kind: kind, observedAt: 0)
    }

    func testUnderOneAzureNameTheDefaultVersionSpeaksElseTheOneLeastFarAlong() throws {
        let s = try read(
            """
            {"value": [
              {"model": {"name": "gpt-4o", "version": "2024-05-13", "lifecycleStatus": "Deprecated"}},
              {"model": {"name": "gpt-4o", "version": "2024-11-20", "lifecycleStatus": "GenerallyAvailable"}},
              {"model": {"name": "gpt-4o", "version": "2024-08-06", "lifecycleStatus": "Deprecating"}},
              {"model": {"name": "o1", "version": "2", "lifecycleStatus": "Deprecating"}},
              {"model": {"name": "o1", "version": "1", "lifecycleStatus": "GenerallyAvailable", "isDefaultVersion": false}},
              {"model": {"name": "o3", "version": "1", "lifecycleStatus": "GenerallyAvailable"}},
              {"model": {"name": "o3", "version": "2", "lifecycleStatus": "Deprecating", "isDefaultVersion": true}}
            ]}
            """)
        XCTAssertEqual(s.record(for: "gpt-4o")?.version, "2024-11-20", "a retired old version does not retire the name")
        XCTAssertEqual(s.record(for: "gpt-4o-2024-05-13")?.state(today: today), .retired)
        XCTAssertEqual(s.record(for: "o1")?.version, "1")
        XCTAssertEqual(s.record(for: "o3")?.version, "2", "the default version speaks for the name")
    }

    func testOnlyAWholeNonEmptyListingIsCompleteAndAnUnreadableRecordIsStillListed() throws {
        XCTAssertFalse(try read(#"{"modelSummaries": []}"#).complete, "an empty export says nothing")
        XCTAssertFalse(try read(#"{"data": []}"#, .openai).complete)
        let page = try read(
            #"{"data": [{"id": "claude-2.1", "lifecycle": "retired"}, {"id": "c", "lifecycle": "active"}], "has_more": true}"#
        )
        XCTAssertFalse(page.complete, "one page of several")
        let whole = try read(
            #"{"data": [{"id": "claude-2.1", "lifecycle": "retired"}, {"id": "odd", "lifecycle": "sleeping"}], "has_more": false}"#
        )
        XCTAssertTrue(whole.complete)
        XCTAssertEqual(whole.recordCount, 1)
        XCTAssertEqual(whole.skipped.count, 1)
        XCTAssertTrue(whole.modelIDs.contains("odd"), "skipped, not vanished")
    }

    func testDatesComeFromTheFirstSourceThatHasThemAndAgreeingSourcesRaiseNoConflict() throws {
        let dateless = try read(#"{"value": [{"model": {"name": "m", "lifecycleStatus": "Deprecating"}}]}"#)
        var litellm = CatalogEntry(key: "m")
        litellm.deprecationDay = Formats.parseDate("2027-02-01")
        let life = NormalizedLifecycle.combine(
            manuallyDeprecated: false, providers: [(dateless, dateless.record(for: "m")!)], litellm: litellm,
            today: today)
        XCTAssertEqual(life.state, .deprecated, "the provider decides the state")
        XCTAssertEqual(life.retireAt, Formats.parseDate("2027-02-01"), "LiteLLM's date, the provider having none")

        let openai = try read(#"{"data": [{"id": "m", "owned_by": "openai", "shutdown_date": "2026-09-28"}]}"#)
        litellm.deprecationDay = Formats.parseDate("2026-09-28")
        let same = NormalizedLifecycle.combine(
            manuallyDeprecated: true, providers: [(openai, openai.record(for: "m")!)], litellm: litellm, today: today)
        XCTAssertEqual(same.state, .deprecated, "the operator's flag decides")
        XCTAssertEqual(same.conflicts, [], "a past date is retired for both")
        litellm.deprecationDay = Formats.parseDate("2026-10-01")
        let differ = NormalizedLifecycle.combine(
            manuallyDeprecated: true, providers: [(openai, openai.record(for: "m")!)], litellm: litellm, today: today)
        XCTAssertEqual(differ.conflicts.count, 1, "the flag does not hide the sources' disagreement")
    }
}
