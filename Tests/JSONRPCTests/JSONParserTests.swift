import XCTest
@testable import JSONRPC

/// The parser accepts exactly RFC 8259 JSON.
final class JSONParserTests: XCTestCase {
    private func accepts(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
        do { return try JSONParser.parse(text) } catch {
            XCTFail("rejected \(text.debugDescription): \(error)", file: file, line: line)
            return nil
        }
    }

    private func rejects(_ bytes: [UInt8], _ why: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(
            try JSONParser.parse(bytes), "accepted \(why): \(String(decoding: bytes, as: UTF8.self).debugDescription)",
            file: file, line: line)
    }
    private func rejects(_ text: String, _ why: String, file: StaticString = #filePath, line: UInt = #line) {
        rejects(Array(text.utf8), why, file: file, line: line)
    }

    func testRejectsWhatLenientParsersAccept() {
        let cases: [(String, String)] = [
            ("{\"a\": 1,}", "a trailing comma in an object"),
            ("[1, 2,]", "a trailing comma in an array"),
            ("[NaN]", "NaN"), ("[Infinity]", "Infinity"), ("[-Infinity]", "-Infinity"),
            ("[01]", "a leading zero"), ("[-01]", "a leading zero after minus"),
            ("[1.]", "a decimal point without digits"), ("[.5]", "a number starting with a point"),
            ("[1e]", "an exponent without digits"), ("[+1]", "a plus sign"),
            ("[tru]", "a truncated literal"), ("[True]", "a capitalised literal"),
            ("{'a': 1}", "single quotes"), ("{a: 1}", "an unquoted name"),
            ("// c\n{}", "a comment"), ("{} {}", "two values"), ("", "empty text"), (" \r\n ", "whitespace only"),
            ("[\"a\tb\"]", "a raw tab in a string"), ("[\"\\x41\"]", "an invalid escape"),
            ("[\"\\ud800\"]", "a lone high surrogate"), ("[\"\\udc00\"]", "a lone low surrogate"),
            ("[\"\\ud800\\u0041\"]", "a high surrogate followed by a non-surrogate"),
            ("[\"\\u12G4\"]", "a bad hex digit"), ("[\"abc", "an unterminated string"),
            ("{\"a\": 1, \"a\": 2}", "a duplicate member name"),
            ("{\"a\" 1}", "a missing colon"), ("[1 2]", "a missing comma"),
        ]
        for (text, why) in cases { rejects(text, why) }
    }

    func testRejectsInvalidUTF8() {
        rejects([0x22, 0xFF, 0xFE, 0x22], "bytes that are never UTF-8")
        rejects([0x22, 0xC0, 0xAF, 0x22], "an overlong encoding")
        rejects([0x22, 0xED, 0xA0, 0x80, 0x22], "an encoded surrogate")
        rejects([0x22, 0xE2, 0x82, 0x22], "a truncated sequence")
        rejects([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "a code point above U+10FFFF")
        rejects([0x22, 0x5C, 0x6E, 0xFF, 0x22], "invalid UTF-8 after an escape")
    }

    func testDepthLimit() {
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        XCTAssertNotNil(accepts(ok))
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        rejects(deep, "nesting deeper than the limit")
        let hostile = String(repeating: "[", count: 1_000_000)
        rejects(hostile, "a million open brackets (must not overflow the stack)")
    }

    func testAcceptsEverythingValid() {
        XCTAssertEqual(accepts("true"), .bool(true))
        XCTAssertEqual(accepts("null"), .null)
        XCTAssertEqual(accepts(" [ ] "), .array([]))
        XCTAssertEqual(accepts("{}"), .object(JSONObject()))
        XCTAssertEqual(accepts("\"\\u00e9\\ud83d\\ude80\\n\\\"\\/\""), .string("é🚀\n\"/"))
        XCTAssertEqual(accepts("\"héllo 🚀 世界\""), .string("héllo 🚀 世界"))
        XCTAssertEqual(accepts("\u{FEFF}[1]"), .array([1]), "a byte order mark before the value is skipped")
        XCTAssertEqual(accepts("{\"b\": 1, \"a\": [true, false, null]}")?["a"], .array([true, false, nil]))
    }

    func testNumbersKeepTheirExactText() {
        for text in ["0", "-0", "1.50", "1e3", "1E+3", "-2.5e-7", "123456789012345678901234567890"] {
            XCTAssertEqual(accepts(text)?.numberValue?.text, text)
        }
        XCTAssertEqual(accepts("1e3")?.numberValue?.int64Value, 1000)
        XCTAssertNil(accepts("1.5")?.numberValue?.int64Value)
        XCTAssertNil(accepts("123456789012345678901234567890")?.numberValue?.int64Value)
        XCTAssertEqual(accepts("9223372036854775807")?.numberValue?.int64Value, Int64.max)
    }

    func testErrorsNameTheOffset() {
        XCTAssertThrowsError(try JSONParser.parse("[1, 2,]")) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 6)
        }
    }

    func testDuplicateKeysAcrossTheSetThreshold() {
        let members = (0..<20).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        XCTAssertNotNil(accepts("{\(members)}"))
        rejects("{\(members), \"k3\": 0}", "a duplicate among many members")
        rejects("{\(members), \"k19\": 0}", "a duplicate of the last member")
    }
}
