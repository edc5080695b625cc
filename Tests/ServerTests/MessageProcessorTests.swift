import XCTest
import JSONRPC
import Domain
@testable import Server
@testable import Launcher

/// The processor in-process: lifecycle, dispatch, validation, batches, cancel and progress.
final class MessageProcessorTests: XCTestCase {
    var outbox: CollectingOutbox!
    var registry: CancellationRegistry!
    var processor: MessageProcessor!

    override func setUp() {
        outbox = CollectingOutbox()
        registry = CancellationRegistry()
        processor = MessageProcessor(
            table: Launcher.methodTable(platform: nil, conformanceFixtures: true), outbox: outbox,
            cancellation: registry)
    }

    @discardableResult
    private func send(_ text: String) -> MessageProcessor.Control {
        processor.process(IncomingPayload(body: Array(text.utf8)))
    }

    private func initialize(_ options: String = "") {
        send(
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"processId":null,"capabilities":{}\#(options)}}"#)
        XCTAssertNotNil(outbox.takeMessages().first?["result"]?["capabilities"])
    }

    func testInitializeListsEveryMethod() {
        send(
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{},"trace":"off"}}"#
        )
        let result = outbox.takeMessages().first?["result"]
        XCTAssertEqual(result?["capabilities"]?["protocolVersion"], "1")
        let methods = result?["capabilities"]?["methods"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertTrue(methods.contains("rpc.discover"))
        XCTAssertTrue(methods.contains("subtract"))
        XCTAssertEqual(result?["serverInfo"]?["name"], "model-lifecycle")
    }

    func testActorValidation() {
        send(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"initializationOptions":{"actor":{"userId":"u","role":"owner"}}}}"#
        )
        XCTAssertEqual(outbox.takeMessages().first?["error"]?["data"]?["field"], "/initializationOptions/actor/role")
        send(
            #"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"initializationOptions":{"actor":{"userId":"u","role":"admin"}}}}"#
        )
        XCTAssertEqual(
            outbox.takeMessages().first?["error"]?["data"]?["field"], "/initializationOptions/actor/tenantId")
        XCTAssertEqual(
            processor.session.phase, .awaitingInitialize, "a failed initialize leaves the session uninitialized")
        send(
            #"{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"initializationOptions":{"actor":{"userId":"u","role":"sysadmin"}}}}"#
        )
        XCTAssertNotNil(outbox.takeMessages().first?["result"])
        XCTAssertEqual(processor.session.actor, ActorIdentity(userId: "u", role: .sysadmin))
    }

    func testShutdownThenExit() {
        initialize()
        send(#"{"jsonrpc":"2.0","id":"s","method":"shutdown"}"#)
        XCTAssertEqual(outbox.takeMessages(), [OutgoingMessage.result(id: .string("s"), .null)])
        send(#"{"jsonrpc":"2.0","id":4,"method":"get_data"}"#)
        XCTAssertEqual(outbox.takeMessages().first?["error"]?["code"], .int(-32600))
        XCTAssertEqual(send(#"{"jsonrpc":"2.0","method":"exit"}"#), .exit(0))
    }

    func testInitializedSendsALogMessage() {
        initialize()
        send(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        let note = outbox.takeMessages().first
        XCTAssertEqual(note?["method"], "window/logMessage")
        XCTAssertEqual(note?["params"]?["type"], 3)
    }

    func testUnknownMethodsAndNotificationMisuse() {
        initialize()
        send(#"{"jsonrpc":"2.0","id":1,"method":"foobar"}"#)
        XCTAssertEqual(outbox.takeMessages().first?["error"]?["code"], .int(-32601))
        send(#"{"jsonrpc":"2.0","method":"$/somethingElse","params":{}}"#)
        XCTAssertEqual(outbox.takeMessages(), [], "unknown notifications are ignored")
        send(#"{"jsonrpc":"2.0","id":2,"method":"initialized"}"#)
        XCTAssertEqual(outbox.takeMessages().first?["error"]?["code"], .int(-32600), "a notification sent as a request")
    }

    func testBatchesAnswerInOneArray() {
        initialize()
        send(
            #"[{"jsonrpc":"2.0","id":1,"method":"get_data"},{"jsonrpc":"2.0","method":"update"},{"jsonrpc":"2.0","id":2,"method":"subtract","params":[5,3]}]"#
        )
        let sent = outbox.takeMessages()
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(sent.first?.arrayValue?.count, 2)
        XCTAssertEqual(sent.first?.arrayValue?[1]["result"], 2)
        send(#"[{"jsonrpc":"2.0","method":"update"}]"#)
        XCTAssertEqual(outbox.takeMessages(), [], "an all-notification batch gets nothing back")
    }

    func testCancelledQueuedRequestIsAnsweredWithRequestCancelled() {
        initialize()
        let id = RequestID.number(JSONNumber(9))
        registry.markPending([id])
        XCTAssertTrue(registry.cancel(id))
        send(#"{"jsonrpc":"2.0","id":9,"method":"get_data"}"#)
        XCTAssertEqual(outbox.takeMessages().first?["error"]?["code"], .int(-32800))
        XCTAssertFalse(registry.cancel(id), "the id is no longer pending once answered")
    }

    func testProgressBeginsAndEndsBeforeTheResponse() {
        initialize()
        send(#"{"jsonrpc":"2.0","id":5,"method":"fixtures/work","params":{"steps":4,"workDoneToken":"t1"}}"#)
        let sent = outbox.takeMessages()
        let kinds = sent.dropLast().map { $0["params"]?["value"]?["kind"]?.stringValue ?? "?" }
        XCTAssertEqual(kinds, ["begin", "report", "report", "report", "report", "end"])
        XCTAssertTrue(sent.dropLast().allSatisfy { $0["params"]?["token"] == "t1" })
        XCTAssertEqual(sent.last?["result"]?["steps"], 4)
        send(#"{"jsonrpc":"2.0","id":6,"method":"fixtures/work","params":{"steps":2}}"#)
        XCTAssertEqual(outbox.takeMessages().count, 1, "no progress without a token")
    }

    func testRpcDiscoverIsTheOpenRPCDocument() {
        initialize()
        send(#"{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}"#)
        let doc = outbox.takeMessages().first?["result"]
        XCTAssertEqual(doc?["openrpc"], "1.3.2")
        let names = doc?["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        XCTAssertEqual(
            names,
            Launcher.methodTable(platform: nil, conformanceFixtures: true).names.union(
                LifecycleMethods.specs.map(\.name)))
        XCTAssertEqual(doc, processor.openRPCDocument)
    }
}

extension Array where Element == String {
    fileprivate func union(_ other: [String]) -> [String] { Array(Set(self).union(other)).sorted() }
}
