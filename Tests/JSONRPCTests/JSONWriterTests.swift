import XCTest
@testable import JSONRPC

/// The writer produces compact, valid JSON that parses back to the same value.
final class JSONWriterTests: XCTestCase {
    func testEscapesOnlyWhatMustBeEscaped() {
        let s = JSONWriter.string(.string("a\"b\\c\n\t\u{01}é🚀/"))
        XCTAssertEqual(s, "\"a\\\"b\\\\c\\n\\t\\u0001é🚀/\"")
    }

    func testByteCountsWithNonASCII() {
        let bytes = JSONWriter.serialize(["id": "héllo 🚀 世界"])
        // {"id":"…"} = 9 ASCII bytes + h(1) é(2) llo(3) space(1) 🚀(4) space(1) 世界(6)
        XCTAssertEqual(bytes.count, 9 + 18)
        XCTAssertEqual(bytes, Array("{\"id\":\"héllo 🚀 世界\"}".utf8))
    }

    func testRoundTrip() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["nested": ["deep": "é"]], "c": [:], "d": []]
        let back = try JSONParser.parse(JSONWriter.serialize(value))
        XCTAssertEqual(back, value)
        let pretty = try JSONParser.parse(JSONWriter.string(value, pretty: true))
        XCTAssertEqual(pretty, value)
    }

    func testMembersKeepTheirOrder() {
        XCTAssertEqual(JSONWriter.string(["z": 1, "a": 2]), "{\"z\":1,\"a\":2}")
    }

    func testNumbers() {
        XCTAssertEqual(JSONWriter.string(.number(JSONNumber(2.0))), "2")
        XCTAssertEqual(JSONWriter.string(.number(JSONNumber(0.5))), "0.5")
        XCTAssertEqual(JSONWriter.string(.number(JSONNumber(Double.nan))), "0", "non-finite numbers have no JSON form")
    }
}
