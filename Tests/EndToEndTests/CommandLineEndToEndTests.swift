import Foundation
import XCTest
import JSONRPC

/// The command line of the real binary.
final class CommandLineEndToEndTests: XCTestCase {
    private func run(_ args: [String]) throws -> (Int32, String, String) {
        let s = try ServerProcess(args)
        s.closeStdin()
        guard let exit = s.waitForExit() else { XCTFail("no exit"); return (-1, "", "") }
        usleep(50_000)
        return (exit.status, "", s.stderrText)
    }

    func testUsageErrorsExitWith64() throws {
        let (status, _, err) = try run(["--no-such-option"])
        XCTAssertEqual(status, 64)
        XCTAssertTrue(err.contains("unknown option '--no-such-option'"), err)
        XCTAssertTrue(err.contains("--help"), err)
    }

    func testVersionAndHelp() throws {
        XCTAssertEqual(try run(["--version"]).0, 0)
        XCTAssertEqual(try run(["--help"]).0, 0)
    }

    /// `Protocol/openrpc.json` is exactly what `rpc.discover` returns.
    func testPublishedOpenRPCDocumentMatchesRpcDiscover() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol/openrpc.json")
        let published = try JSONParser.parse([UInt8](try Data(contentsOf: url)))
        let s = try ServerProcess([])
        s.initialize()
        s.request(1, "rpc.discover")
        guard let (r, _) = s.response(to: 1) else { return }
        XCTAssertEqual(r["result"], published, "Protocol/openrpc.json is stale: regenerate it with `model-lifecycle openrpc > Protocol/openrpc.json`")
    }
}
