import XCTest
@testable import JSONRPC

/// JSON-RPC 2.0 §4–§6: how each body is classified.
final class MessageTests: XCTestCase {
    private func classify(_ text: String) -> IncomingPayload { IncomingPayload(body: Array(text.utf8)) }

    func testRequestsAndNotifications() {
        XCTAssertEqual(
            classify(#"{"jsonrpc":"2.0","id":1,"method":"m","params":[1]}"#),
            .single(.request(Request(id: .number(JSONNumber(1)), method: "m", params: [1]))))
        XCTAssertEqual(classify(#"{"jsonrpc":"2.0","method":"m"}"#), .single(.notification(Notification(method: "m"))))
        XCTAssertEqual(
            classify(#"{"jsonrpc":"2.0","id":null,"method":"m"}"#),
            .single(.request(Request(id: .null, method: "m"))), "id null is still a request")
        XCTAssertEqual(
            classify(#"{"jsonrpc":"2.0","id":"7","method":"m","params":null}"#),
            .single(.request(Request(id: .string("7"), method: "m"))), "params null is treated as absent")
    }

    func testIdsKeepTheirType() {
        guard case .single(.request(let r)) = classify(#"{"jsonrpc":"2.0","id":1.50,"method":"m"}"#) else {
            return XCTFail()
        }
        XCTAssertEqual(r.id.json, .number(JSONNumber(validatedText: "1.50")))
        XCTAssertNotEqual(RequestID.string("1"), RequestID.number(JSONNumber(1)))
    }

    func testInvalidRequests() {
        func invalid(_ text: String, id: RequestID, file: StaticString = #filePath, line: UInt = #line) {
            guard case .single(.invalid(let got, let error)) = classify(text) else {
                return XCTFail("not invalid: \(text)", file: file, line: line)
            }
            XCTAssertEqual(got, id, file: file, line: line)
            XCTAssertEqual(error.code, .invalidRequest, file: file, line: line)
        }
        invalid(#"{"jsonrpc":"2.0","id":true,"method":"m"}"#, id: .null)
        invalid(#"{"jsonrpc":"2.0","id":{},"method":"m"}"#, id: .null)
        invalid(#"{"id":7,"method":"m"}"#, id: .number(JSONNumber(7)))
        invalid(#"{"jsonrpc":"1.0","id":8,"method":"m"}"#, id: .number(JSONNumber(8)))
        invalid(#"{"jsonrpc":"2.0","id":9,"method":1}"#, id: .number(JSONNumber(9)))
        invalid(#"{"jsonrpc":"2.0","id":10,"method":"m","params":"x"}"#, id: .number(JSONNumber(10)))
        invalid("42", id: .null)
        invalid("null", id: .null)
    }

    func testParseErrorsAndBatches() {
        guard case .unreadable(let e) = classify("{") else { return XCTFail() }
        XCTAssertEqual(e.code, .parseError)
        guard case .unreadable(let empty) = classify("[]") else { return XCTFail() }
        XCTAssertEqual(empty.code, .invalidRequest, "an empty batch is an Invalid Request")
        guard case .batch(let items) = classify(#"[1, {"jsonrpc":"2.0","method":"n"}]"#) else { return XCTFail() }
        XCTAssertEqual(items.count, 2)
    }

    func testStrayResponsesAreRecognised() {
        XCTAssertEqual(
            classify(#"{"jsonrpc":"2.0","id":3,"result":1}"#), .single(.response(id: .number(JSONNumber(3)))))
        XCTAssertEqual(
            classify(#"{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"x"}}"#),
            .single(.response(id: .number(JSONNumber(3)))))
    }
}
