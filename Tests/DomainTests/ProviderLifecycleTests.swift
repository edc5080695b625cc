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

    func testARecordThatSaysNothingLeavesTheSayToTheNextSourceAndAnActiveOneBorrowsNoDate() throws {
        var litellm = CatalogEntry(key: "m")
        litellm.deprecationDay = Formats.parseDate("2026-06-01")
        let silent = try read(#"{"data": [{"id": "m", "owned_by": "openai", "shutdown_date": null}]}"#)
        let fromLiteLLM = NormalizedLifecycle.combine(
            manuallyDeprecated: false, providers: [(silent, silent.record(for: "m")!)], litellm: litellm, today: today)
        XCTAssertEqual(fromLiteLLM.state, .retired, "a null shutdown date does not hide LiteLLM's past date")
        XCTAssertEqual(fromLiteLLM.retireAt, Formats.parseDate("2026-06-01"))
        XCTAssertEqual(fromLiteLLM.conflicts, [], "saying nothing is no disagreement")
        XCTAssertEqual(fromLiteLLM.sources.map(\.kind), ["openai", "litellm"], "both are still shown")

        let active = try read(#"{"data": [{"id": "m", "lifecycle": "active"}], "has_more": false}"#)
        let explicit = NormalizedLifecycle.combine(
            manuallyDeprecated: false, providers: [(active, active.record(for: "m")!)], litellm: litellm, today: today)
        XCTAssertEqual(explicit.state, .active, "the provider's own word comes before LiteLLM's")
        XCTAssertNil(explicit.retireAt, "an active model borrows no retirement date")
        XCTAssertEqual(explicit.conflicts.count, 1, "and the disagreement is reported: \(explicit.conflicts)")
    }

    func testOnlyACompleteReadProvesAModelGoneAndAnIncompleteOneForgetsNothing() throws {
        // A listing with a retired model was asked for all of them: complete (unless a page).
        func anthropic(_ ids: [String], hasMore: Bool = false) throws -> ProviderSource {
            let items =
                ids.map { #"{"id": "\#($0)", "lifecycle": "active"}"# } + [#"{"id": "r", "lifecycle": "retired"}"#]
            return try read(#"{"data": ["# + items.joined(separator: ",") + #"], "has_more": \#(hasMore)}"#, .anthropic)
        }
        let both = try anthropic(["x", "y"])
        var gone = try anthropic(["x"])
        gone.follow(both)
        XCTAssertEqual(gone.vanished, ["y"])
        XCTAssertTrue(gone.complete)
        var empty = try read(#"{"data": [], "has_more": false}"#, .anthropic)
        XCTAssertFalse(empty.complete)
        empty.follow(gone)
        XCTAssertEqual(empty.vanished, ["y"], "an empty read forgets nothing")
        var again = try anthropic(["x"])
        again.follow(empty)
        XCTAssertEqual(again.vanished, ["y"], "and the next complete one still knows")
        XCTAssertEqual(again.record(for: "y")?.saysRetired, true)

        var page = try anthropic(["x"], hasMore: true)
        XCTAssertFalse(page.complete)
        page.follow(both)
        XCTAssertEqual(page.vanished, [], "one page proves nothing gone")
        var whole = try anthropic(["x"])
        whole.follow(page)
        XCTAssertEqual(whole.vanished, ["y"], "what the complete read before the page listed is remembered")
        var back = try anthropic(["x", "y"])
        back.follow(whole)
        XCTAssertEqual(back.vanished, [], "a model listed again is back")
    }

    func testAShapeThatIsNotAnExportIsRefusedAndADateOutOfRangeIsSkipped() throws {
        for bad in [#"{"modelSummaries": null}"#, #"{"modelSummaries": {}}"#] {
            XCTAssertThrowsError(try read(bad, .bedrock), bad)
        }
        let one = try read(#"{"modelDetails": {"modelId": "m", "modelLifecycle": {"status": "ACTIVE"}}}"#, .bedrock)
        XCTAssertEqual(one.recordCount, 1)
        XCTAssertFalse(one.complete, "one model's details are not a listing")
        // Azure's data plane gives seconds; milliseconds (a year past 9999) are not a date.
        let azure = try read(
            #"[{"id": "a", "deprecation": {"inference": 1790000000}}, {"id": "b", "deprecation": {"inference": 1790000000000}}]"#,
            .azure)
        XCTAssertEqual(azure.record(for: "a")?.retireAt, Formats.parseDate("2026-09-21"))
        XCTAssertNil(azure.record(for: "b"))
        XCTAssertEqual(azure.skipped.count, 1, "\(azure.skipped)")
    }
}
