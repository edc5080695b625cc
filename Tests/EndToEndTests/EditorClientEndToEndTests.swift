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
}
