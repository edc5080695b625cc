import Foundation
import XCTest
import JSONRPC

/// The command line of the real binary.
final class CommandLineEndToEndTests: XCTestCase {
    private func run(_ args: [String]) throws -> (Int32, String, String) {
        let s = try ServerProcess(args)
        s.closeStdin()
        guard let exit = s.waitForExit() else {
            XCTFail("no exit")
            return (-1, "", "")
        }
        return (exit.status, "", s.stderrText)
    }

    func testUsageErrorsExitWith64() throws {
        let (status, _, err) = try run(["--no-such-option"])
        XCTAssertEqual(status, 64)
        XCTAssertTrue(err.contains("serve has no option '--no-such-option'"), err)
        XCTAssertTrue(err.contains("--help"), err)
    }

    func testVersionAndHelp() throws {
        XCTAssertEqual(try run(["--version"]).0, 0)
        XCTAssertEqual(try run(["--help"]).0, 0)
        for command in ["call", "demo", "cleanup", "verify"] {
            XCTAssertEqual(try run([command, "--help"]).0, 0, "\(command) --help")
        }
    }

    /// `Protocol/openrpc.json` is exactly what `rpc.discover` returns.
    func testPublishedOpenRPCDocumentMatchesRpcDiscover() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Protocol/openrpc.json")
        let published = try JSONParser.parse([UInt8](try Data(contentsOf: url)))
        let s = try ServerProcess([])
        s.initialize()
        s.request(1, "rpc.discover")
        guard let (r, _) = s.response(to: 1) else { return }
        XCTAssertEqual(
            r["result"], published,
            "Protocol/openrpc.json is stale: regenerate it with `model-lifecycle openrpc > Protocol/openrpc.json`")
    }

    /// Every method the server offers has a description in `Protocol/` (a page per group).
    func testEveryMethodIsDescribedInTheProtocolPages() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol")
        let published = try JSONParser.parse([UInt8](try Data(contentsOf: root.appendingPathComponent("openrpc.json"))))
        var text = try String(contentsOf: root.appendingPathComponent("SPEC.md"), encoding: .utf8)
        for page in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("methods").path)
        where page.hasSuffix(".md") {
            text += try String(contentsOf: root.appendingPathComponent("methods/" + page), encoding: .utf8)
        }
        let names = ((published["methods"]?.arrayValue ?? []) + (published["x-server-notifications"]?.arrayValue ?? []))
            .compactMap { $0["name"]?.stringValue }
        XCTAssertGreaterThan(names.count, 50)
        for name in names where !name.hasPrefix("fixtures/") {
            let group = String(name.split(separator: "/").first ?? "")
            let verb = String(name.split(separator: "/").last ?? "")
            let headings = text.split(separator: "\n").filter { $0.hasPrefix("## ") }
            let described =
                text.contains("`\(name)") || headings.contains { $0 == "## \(name)" || $0.hasPrefix("## \(name) ") }
                || headings.contains { $0.contains("\(group)/*") } && text.contains("`\(verb)")
            XCTAssertTrue(described, "\(name) is not described in Protocol/")
        }
    }

    func testCompactRewritesTheSnapshotAndKeepsEverything() throws {
        try skipOnDatabase("it checks the files compact leaves (PostgresStoreEndToEndTests compacts a database)")
        let s = try ServerProcess([])
        s.initialize(actor: Actors.sysadmin)
        for k in 0..<5 { s.call("tenants/create", ["name": .string("t\(k)")]) }
        let c = try ServerProcess(["compact", "--store", s.storeDirectory])
        XCTAssertEqual(c.waitForExit()?.status, 0)
        let report = try JSONParser.parse(Array(c.rawStdout))
        XCTAssertTrue(
            report["files"]?.arrayValue?.contains { $0.stringValue?.hasSuffix("/snapshot-1") == true } ?? false,
            "\(report)")
        XCTAssertEqual(s.call("tenants/list")["total"], 5, "the serving process switches to the new generation")
        s.call("tenants/create", ["name": "after"])
        s.stop()
        let v = try ServerProcess(["verify", "--store", s.storeDirectory])
        XCTAssertEqual(v.waitForExit()?.status, 0)
    }
}
