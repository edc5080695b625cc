import XCTest
@testable import JSONRPC

/// With `shareStrings`, equal long strings of one text share one storage, and strings that only
/// look alike to the cache (same length, same first and last eight bytes) stay what they are.
final class StringSharingTests: XCTestCase {
    private func storage(_ s: String) -> UInt? {
        s.utf8.withContiguousStorageIfAvailable { $0.baseAddress.map { UInt(bitPattern: $0) } } ?? nil
    }

    private func strings(_ text: String, share: Bool) throws -> [String] {
        let options = JSONParser.Options(shareStrings: share)
        return try XCTUnwrap(JSONParser.parse(text, options: options).arrayValue).map { try XCTUnwrap($0.stringValue) }
    }

    func testRepeatedIdsShareOneStorage() throws {
        let id = "00000000-0000-4000-8000-000000000001"
        let text = "[" + Array(repeating: "\"\(id)\"", count: 50).joined(separator: ",") + "]"
        let shared = try strings(text, share: true)
        XCTAssertEqual(shared, Array(repeating: id, count: 50))
        XCTAssertEqual(Set(shared.map(storage)).count, 1)
        let apart = try strings(text, share: false)
        XCTAssertEqual(apart, shared)
        XCTAssertEqual(Set(apart.map(storage)).count, 50)
    }

    func testLookAlikesAndEveryOtherStringKeepTheirOwnValue() throws {
        // Same length, head and tail: the same cache slot, told apart by their bytes.
        let alike = (0..<40).map { "aaaaaaaa-\(String(format: "%04d", $0))-bbbbbbbb" }
        let others = [
            "short", "exactly15bytes!", "sixteen bytes!!!", "é-not-ascii-and-long-enough",
            "with \\\"escape\\\" inside it",
        ]
        let values = alike + alike.reversed() + others
        let text = "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let parsed = try strings(text, share: true)
        XCTAssertEqual(parsed, try strings(text, share: false))
        XCTAssertEqual(Array(parsed.prefix(40)), alike)
        XCTAssertEqual(parsed.last, "with \"escape\" inside it")
    }

    func testObjectMembersAndKeysAreReadTheSame() throws {
        let text =
            #"[{"completionModelId":"m-0000000000000001","spaceId":"s-00000000000000001"},"#
            + #"{"completionModelId":"m-0000000000000001","spaceId":"s-00000000000000002"}]"#
        XCTAssertEqual(
            try JSONParser.parse(text, options: JSONParser.Options(shareStrings: true)),
            try JSONParser.parse(text))
    }

    private struct Refused: Error {}

    /// A string its maker refuses is not kept: meeting its bytes again asks the maker again, and
    /// one it made is given back without asking.
    func testARefusedStringIsNotKept() throws {
        var cache = StringSharing(forBytes: 1_000)
        let bytes = Array("00000000-0000-4000-8000-000000000001".utf8)
        var asked = 0
        func lookUp(refusing: Bool) throws -> String {
            try bytes.withUnsafeBufferPointer { (b) throws(Refused) in
                try cache.string(b) { (made) throws(Refused) in
                    asked += 1
                    if refusing { throw Refused() }
                    return String(decoding: made, as: UTF8.self)
                }
            }
        }
        XCTAssertThrowsError(try lookUp(refusing: true))
        XCTAssertThrowsError(try lookUp(refusing: true))
        XCTAssertEqual(asked, 2)
        let made = try lookUp(refusing: false)
        XCTAssertEqual(try lookUp(refusing: true), made)
        XCTAssertEqual(asked, 3)
        XCTAssertEqual(storage(try lookUp(refusing: false)), storage(made))
    }
}
