import XCTest
@testable import Domain

final class FormatsTests: XCTestCase {
    func testDatesRoundTrip() {
        for s in ["1970-01-01", "2000-02-29", "2024-12-31", "2026-11-25", "2100-03-01"] {
            XCTAssertEqual(Formats.parseDate(s).map(Formats.formatDate), s)
        }
        XCTAssertEqual(Formats.parseDate("1970-01-02"), 1)
        for s in ["2023-02-29", "2026-00-10", "2026-1-01", "2026/01/01", "20260101xx"] {
            XCTAssertNil(Formats.parseDate(s), s)
        }
    }

    func testTimestamps() {
        XCTAssertEqual(Formats.parseTimestamp("1970-01-01T00:00:01Z"), 1000)
        XCTAssertEqual(Formats.parseTimestamp("1970-01-01T00:00:00.5Z"), 500)
        XCTAssertEqual(Formats.formatTimestamp(1000), "1970-01-01T00:00:01.000Z")
        let t = Formats.parseTimestamp("2026-11-25T06:30:00.123Z")!
        XCTAssertEqual(Formats.formatTimestamp(t), "2026-11-25T06:30:00.123Z")
        for s in ["2026-11-25T06:30:00", "2026-11-25 06:30:00Z", "2026-11-25T24:00:00Z", "2026-11-25T06:30:00.Z"] {
            XCTAssertNil(Formats.parseTimestamp(s), s)
        }
    }

    func testRFC3339DateTimesWithOffsetsAndFractions() {
        let utc = Formats.parseTimestamp("2025-06-01T08:00:00Z")!
        XCTAssertEqual(Formats.parseRFC3339("2025-06-01T08:00:00Z"), utc)
        XCTAssertEqual(Formats.parseRFC3339("2025-06-01t08:00:00z"), utc)
        XCTAssertEqual(Formats.parseRFC3339("2025-06-01T10:00:00+02:00"), utc)
        XCTAssertEqual(Formats.parseRFC3339("2025-06-01T05:30:00.250-02:30"), utc + 250)
        XCTAssertEqual(Formats.formatTimestamp(-1), "1969-12-31T23:59:59.999Z")
        for s in ["2025-06-01T08:00:00", "2025-06-01T08:00:00+2:00", "2025-06-01T08:00:00+24:00", "yesterday", ""] {
            XCTAssertNil(Formats.parseRFC3339(s), s)
        }
    }

    func testUUIDs() {
        XCTAssertTrue(Formats.isLowercaseUUID("0f8fad5b-d9cb-469f-a165-70867728950e"))
        XCTAssertFalse(Formats.isLowercaseUUID("0F8FAD5B-D9CB-469F-A165-70867728950E"))
        XCTAssertFalse(Formats.isLowercaseUUID("0f8fad5bd9cb469fa16570867728950e"))
    }

    func testUpdatesWithinOneMillisecondStillMoveUpdatedAtForward() {
        XCTAssertEqual(Formats.nextUpdate(after: 100, now: 100), 101)
        XCTAssertEqual(Formats.nextUpdate(after: 100, now: 250), 250)
        XCTAssertEqual(
            Formats.nextUpdate(after: 300, now: 250), 301, "a clock that went back never makes a change look older")
    }
}
