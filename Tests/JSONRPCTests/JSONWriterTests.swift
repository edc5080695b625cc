import XCTest
@testable import JSONRPC

/// The writer produces compact, valid JSON that parses back to the same value.
final class JSONWriterTests: XCTestCase {
    func testEscapesOnlyWhatMustBeEscaped() {
        let s = JSONWriter.string(.string("a\"b\\c\n\t\u{01}é🚀/"))
        XCTAssertEqual(s, "\"a\\\"b\\\\c\\n\\t\\u0001é🚀/\"")
    }

    /// The eight-at-a-time test never misses a byte that needs escaping and never flags one that
    /// does not: every byte value at every position of a word, over every background byte.
    func testTheWordTestIsExactForEveryByteAtEveryPosition() {
        func needs(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }
        for background in 0...255 {
            for position in 0..<8 {
                for b in 0...255 {
                    var w: UInt64 = 0
                    for k in 0..<8 { w |= UInt64(k == position ? UInt8(b) : UInt8(background)) << (8 * UInt64(k)) }
                    let expected = needs(UInt8(b)) || needs(UInt8(background))
                    if JSONWriter.anyNeedsEscape(w) != expected {
                        return XCTFail("byte \(b) at \(position) among \(background): \(!expected)")
                    }
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            let w = rng.next() as UInt64
            let expected = (0..<8).contains { needs(UInt8(truncatingIfNeeded: w >> (8 * UInt64($0)))) }
            if JSONWriter.anyNeedsEscape(w) != expected { return XCTFail(String(w, radix: 16)) }
        }
    }

    /// Escapes at every offset of strings longer than a word, and what surrounds them, come out as
    /// a byte-by-byte writer would write them.
    func testEveryEscapeAtEveryOffsetOfALongString() {
        func reference(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        let specials: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "🚀", " ", "~"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 33] {
            for offset in 0..<max(1, length) {
                for special in specials {
                    var chars = Array(repeating: Character("a"), count: length)
                    if length > 0 { chars[offset] = special }
                    let s = String(chars)
                    XCTAssertEqual(JSONWriter.string(.string(s)), reference(s), "length \(length), offset \(offset)")
                }
            }
        }
    }

    func testTheEstimatedSizeIsTheSizeUnlessAStringNeedsEscapes() throws {
        let plain: [JSONValue] = [
            .null, true, false, 0, -12.5, "", "héllo 🚀", [], [:], [1, "a", [:], [true]],
            ["id": "x", "nested": ["a": [1, 2, ["b": "é"]], "empty": [], "o": [:]], "n": .null],
            .serialized(SerializedJSON(["k": [1, 2, 3]])),
        ]
        for v in plain { XCTAssertEqual(v.estimatedBytes, JSONWriter.serialize(v).count, "\(v)") }
        let escaped: JSONValue = ["q": "a\"b\\c\n\u{01}"]
        XCTAssertLessThan(escaped.estimatedBytes, JSONWriter.serialize(escaped).count)
        XCTAssertGreaterThanOrEqual(escaped.estimatedBytes + 8, JSONWriter.serialize(escaped).count)
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
