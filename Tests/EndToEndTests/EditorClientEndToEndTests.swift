import Foundation
import XCTest
import JSONRPC

/// What real editor clients send that the protocol must take (issue 16): an empty array as no
/// params, a workDoneToken on any request, and LSP members the server does not know in
/// `initialize`.
final class EditorClientEndToEndTests: XCTestCase {
    func testAnEmptyParamsArrayIsNoParams() throws {
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        s.request(1, "tenants/list", [])
        let (answer, _) = try XCTUnwrap(s.response(to: 1))
        XCTAssertEqual(answer["result"]?["total"], 0, "\(answer)")
        s.request(2, "tenants/list", [1])
        let (refused, _) = try XCTUnwrap(s.response(to: 2))
        XCTAssertEqual(refused["error"]?["code"], -32602, "a non-empty array is still refused: \(refused)")
        s.stop()
    }

    func testAWorkDoneTokenIsAcceptedByEveryRequest() throws {
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        s.request(1, "tenants/list", ["workDoneToken": "t-1"])
        let (answer, _) = try XCTUnwrap(s.response(to: 1))
        XCTAssertEqual(answer["result"]?["total"], 0, "\(answer)")
        s.request(2, "tenants/list", ["workDoneToken": ["not": "a token"]])
        let (refused, _) = try XCTUnwrap(s.response(to: 2))
        XCTAssertEqual(refused["error"]?["data"]?["field"], "/workDoneToken", "\(refused)")
        s.stop()
    }

    func testInitializeTakesClientInfoWithMembersItDoesNotKnow() throws {
        let s = try ServerProcess([])
        s.request(
            0, "initialize",
            [
                "processId": .null, "capabilities": ["textDocument": ["synchronization": [:]]],
                "clientInfo": ["name": "Neovim", "version": "0.10.0", "build": "release"],
                "initializationOptions": ["actor": Actors.sysadmin],
            ])
        let (answer, _) = try XCTUnwrap(s.response(to: 0))
        XCTAssertNotNil(answer["result"]?["capabilities"], "\(answer)")
        s.notify("initialized", [:])
        XCTAssertEqual(s.call("tenants/list")["total"], 0)
        s.stop()
    }

    func testBareLineFeedFramingExitsWithTwoAtOnceWithAHint() throws {
        let s = try ServerProcess()
        let started = Date()
        s.sendRaw(Array("Content-Length: 2\n\n{}".utf8))  // stdin stays open: no waiting for its end
        let exit = s.waitForExit(timeout: 10)
        XCTAssertEqual(exit?.status, 2)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(s.stderrText.contains("bare \\n"), s.stderrText)
        XCTAssertTrue(s.stderrText.contains("\\r\\n\\r\\n"), s.stderrText)
    }

    func testUnframedJSONExitsWithTwoAtOnceWithAHint() throws {
        let s = try ServerProcess()
        s.sendRaw(Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#.utf8))
        let exit = s.waitForExit(timeout: 10)
        XCTAssertEqual(exit?.status, 2)
        XCTAssertTrue(s.stderrText.contains("the input is not framed"), s.stderrText)
    }

    func testAStrayCRLFBetweenMessagesIsSkipped() throws {
        let s = try ServerProcess()
        s.initialize()
        s.sendRaw(ServerProcess.frame(["jsonrpc": "2.0", "id": 1, "method": "get_data"]) + Array("\r\n".utf8))
        s.sendRaw(Array("\r\n".utf8) + ServerProcess.frame(["jsonrpc": "2.0", "id": 2, "method": "get_data"]))
        XCTAssertEqual(s.response(to: 1)?.0["result"], ["hello", 5])
        XCTAssertEqual(s.response(to: 2)?.0["result"], ["hello", 5], "the frame after the stray CRLF is read")
        s.stop()
    }

    func testTheEditorsCancelButtonCancelsTheRequestThatCarriedTheToken() throws {
        let s = try ServerProcess()
        s.initialize()
        s.request(7, "fixtures/work", ["steps": 500, "stepMillis": 10, "workDoneToken": "w7"])
        XCTAssertTrue(s.waitFor { $0["method"] == "$/progress" && $0["params"]?["value"]?["kind"] == "report" })
        s.notify("window/workDoneProgress/cancel", ["token": "w7"])
        let (r, _) = try XCTUnwrap(s.response(to: 7))
        XCTAssertEqual(r["error"]?["code"], -32800, "\(r)")
        // A token no pending request carries is ignored.
        s.notify("window/workDoneProgress/cancel", ["token": "w7"])
        s.request(8, "fixtures/work", ["steps": 3, "stepMillis": 1, "workDoneToken": 8])
        XCTAssertEqual(s.response(to: 8)?.0["result"]?["steps"], 3)
        s.stop()
    }

    func testAProcessIdTheServerCannotSeeIsNotWatched() throws {
        let s = try ServerProcess()
        // Above any pid_max: like a client in another PID namespace, there is no such process here.
        s.initialize(processId: 2_147_000_000)
        usleep(1_500_000)  // the watch polls every 0.5 s: a watched, absent pid would have ended it by now
        s.request(1, "get_data")
        XCTAssertEqual(s.response(to: 1)?.0["result"], ["hello", 5], "the server is still serving")
        XCTAssertTrue(s.stderrText.contains("not visible to this process"), s.stderrText)
        s.stop()
    }

    func testACursorWorksOnlyForItsListFilterAndTenant() throws {
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        let a = s.call("tenants/create", ["name": "A"]).id
        let b = s.call("tenants/create", ["name": "B"]).id
        for t in [a, b] {
            for k in 0..<3 { _ = s.call("spaces/create", ["tenantId": .string(t), "name": .string("s\(k)")]) }
        }
        let first = s.call("spaces/list", ["tenantId": .string(a), "limit": 1])
        let cursor = try XCTUnwrap(first["nextCursor"]?.stringValue)
        let next = s.call("spaces/list", ["tenantId": .string(a), "limit": 1, "cursor": .string(cursor)])
        XCTAssertEqual(next["items"]?.arrayValue?.count, 1, "the cursor continues its own list: \(next)")
        let foreign: [(String, JSONValue)] = [
            ("spaces/list", ["tenantId": .string(b), "cursor": .string(cursor)]),
            ("tenants/list", ["cursor": .string(cursor)]),
            ("templates/list", ["tenantId": .string(a), "cursor": .string(cursor)]),
        ]
        for (method, params) in foreign {
            let refused = s.call(method, params)
            XCTAssertEqual(refused["error"]?["code"], -32602, "\(method): \(refused)")
            XCTAssertEqual(refused["error"]?["data"]?["field"], "/cursor", "\(method)")
        }
        s.stop()
    }
}
