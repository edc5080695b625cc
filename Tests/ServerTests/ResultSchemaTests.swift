import XCTest
import JSONRPC
@testable import Server

/// A server that checks results (`MODEL_LIFECYCLE_CHECK_RESULTS=1`, on in every end-to-end test)
/// answers a result that does not match its published schema as an internal error naming the
/// member, instead of sending it.
final class ResultSchemaTests: XCTestCase {
    private func processor(checking: Bool) -> (MessageProcessor, CollectingOutbox) {
        var table = MethodTable()
        table.register(
            MethodSpec(
                "shape", summary: "Returns a result its schema does not allow.", params: .unchecked,
                result: .object([.required("count", .integer(min: 0)), .optional("name", .string())]))
        ) { _ throws(ServerError) in ["count": 1, "extra": true] }
        let outbox = CollectingOutbox()
        let p = MessageProcessor(table: table, outbox: outbox, checksResults: checking)
        for body in [
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#,
            #"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ] {
            p.process(IncomingPayload(body: Array(body.utf8)))
        }
        _ = outbox.takeMessages()
        p.process(IncomingPayload(body: Array(#"{"jsonrpc":"2.0","id":1,"method":"shape"}"#.utf8)))
        return (p, outbox)
    }

    func testAResultOutsideItsSchemaIsAnInternalErrorWhenChecking() {
        let answer = processor(checking: true).1.takeMessages().first { $0["id"] == 1 }
        XCTAssertEqual(answer?["error"]?["code"], -32603)
        XCTAssertTrue("\(answer ?? .null)".contains("/extra"), "\(answer ?? .null)")
    }

    func testWithoutCheckingTheResultIsSentAsItIs() {
        let answer = processor(checking: false).1.takeMessages().first { $0["id"] == 1 }
        XCTAssertEqual(answer?["result"]?["extra"], true)
    }
}
