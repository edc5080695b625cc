import Foundation
import XCTest
import JSONRPC

/// The transport through the real binary over real pipes.
final class TransportEndToEndTests: XCTestCase {
    func testLifecycleExitCodes() throws {
        let s = try ServerProcess()
        s.initialize()
        s.request(1, "shutdown")
        XCTAssertEqual(s.response(to: 1)?.0["result"], .null)
        s.notify("exit")
        XCTAssertEqual(s.waitForExit()?.status, 0)

        let t = try ServerProcess()
        t.initialize()
        t.notify("exit")
        XCTAssertEqual(t.waitForExit()?.status, 1, "exit without shutdown")
    }

    func testEndOfInput() throws {
        let s = try ServerProcess()
        s.initialize()
        s.request(1, "shutdown")
        _ = s.response(to: 1)
        s.closeStdin()
        XCTAssertEqual(s.waitForExit()?.status, 0, "EOF after shutdown is a clean exit")

        let t = try ServerProcess()
        t.initialize()
        t.closeStdin()
        XCTAssertEqual(t.waitForExit()?.status, 1, "EOF without shutdown")

        let u = try ServerProcess()
        u.sendRaw(Array("Content-Length: 100\r\n\r\n{\"jsonrpc\"".utf8))
        u.closeStdin()
        let exit = u.waitForExit()
        XCTAssertEqual(exit?.status, 2, "EOF inside a frame is a framing error")
        XCTAssertTrue(u.stderrText.contains("input ended after 10 of 100 body bytes"), u.stderrText)
    }

    func testFatalFramingIsReportedAndExitsWithTwo() throws {
        let s = try ServerProcess()
        s.initialize()
        s.request(1, "get_data")
        s.sendRaw(Array("Content-Length: lots\r\n\r\n{}".utf8))
        XCTAssertEqual(s.response(to: 1)?.0["result"], ["hello", 5], "what came before the bad frame is answered")
        let exit = s.waitForExit()
        XCTAssertEqual(exit?.status, 2)
        XCTAssertEqual(exit?.bySignal, false)
        XCTAssertTrue(s.stderrText.contains("Content-Length is not a decimal byte count"), s.stderrText)
    }

    func testStdoutCarriesOnlyFramesWhileLogsGoToStderr() throws {
        let s = try ServerProcess(["--conformance-fixtures", "--log-level", "debug"])
        s.initialize()
        for k in 1...20 { s.request(k, "get_data") }
        s.request(21, "shutdown")
        _ = s.response(to: 21)
        s.notify("exit")
        XCTAssertEqual(s.waitForExit()?.status, 0)
        XCTAssertNil(s.framingViolation, "stdout must hold nothing but frames")
        XCTAssertTrue(s.stderrText.contains("model-lifecycle: info: model-lifecycle 0.1.0 ready"), s.stderrText)
        XCTAssertTrue(s.stderrText.contains("exit received"), s.stderrText)
    }

    func testHundredConcurrentRequestsKeepTheirFramesIntact() throws {
        let s = try ServerProcess()
        s.initialize()
        var wire: [UInt8] = []
        for k in 1...100 {
            wire += ServerProcess.frame([
                "jsonrpc": "2.0", "id": .int(k), "method": "fixtures/echo",
                "params": ["k": .int(k), "text": .string("héllo 🚀 \(k)")],
            ])
        }
        s.sendRaw(wire)
        for k in 1...100 {
            guard let (r, _) = s.response(to: .int(k)) else { return }
            XCTAssertEqual(r["result"]?["k"], .int(k))
            XCTAssertEqual(r["result"]?["text"], .string("héllo 🚀 \(k)"))
        }
        XCTAssertNil(s.framingViolation)
    }

    func testASlowReaderDoesNotDeadlockTheServer() throws {
        let s = try ServerProcess()
        s.initialize()
        // 400 requests × ~64 KiB answers = ~25 MiB, far beyond any pipe buffer, written while
        // nobody reads. A server that blocks its reader on its writer deadlocks here.
        let payload = JSONValue.string(String(repeating: "x", count: 64 * 1024))
        var wire: [UInt8] = []
        for k in 1...400 {
            wire += ServerProcess.frame([
                "jsonrpc": "2.0", "id": .int(k), "method": "fixtures/echo", "params": [payload],
            ])
        }
        let written = expectation(description: "all requests written")
        let all = wire
        DispatchQueue.global().async {
            s.sendRaw(all)
            written.fulfill()
        }
        wait(for: [written], timeout: 60)
        for k in 1...400 { XCTAssertNotNil(s.response(to: .int(k))) }
    }

    func testLargeMessagesBothWays() throws {
        let s = try ServerProcess()
        s.initialize()
        for size in [8 << 20, 60 << 20] {
            let big = String(repeating: "é", count: size / 2)  // 2 bytes each in UTF-8
            s.request(size, "fixtures/echo", [.string(big)])
            guard let (r, _) = s.response(to: .int(size), timeout: 120) else { return }
            XCTAssertEqual(r["result"]?.arrayValue?.first?.stringValue?.utf8.count, size)
        }
    }

    func testBodiesOverTheCapAreSkippedAndTheSessionContinues() throws {
        let s = try ServerProcess(["--conformance-fixtures", "--max-message-bytes", "2048"])
        s.initialize()
        s.request(1, "fixtures/echo", [.string(String(repeating: "a", count: 5000))])
        guard let (r, _) = s.response(to: .null) else { return }
        XCTAssertEqual(r["error"]?["code"], -32600)
        XCTAssertEqual(r["error"]?["data"]?["limit"], 2048)
        s.request(2, "get_data")
        XCTAssertEqual(s.response(to: 2)?.0["result"], ["hello", 5])
    }

    func testOtherCharsetIsAnsweredAndSkipped() throws {
        let s = try ServerProcess()
        s.initialize()
        s.sendRaw(Array("Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{}".utf8))
        guard let (r, _) = s.response(to: .null) else { return }
        XCTAssertEqual(r["error"]?["code"], -32700)
        s.request(2, "get_data")
        XCTAssertNotNil(s.response(to: 2))
    }

    func testClosedStdoutEndsTheProcessCleanly() throws {
        let s = try ServerProcess()
        s.closeStdout()
        s.request(0, "initialize", ["capabilities": [:]])
        // The harness closes its end after its next read, so keep the server answering until a
        // write fails (one batch alone could all fit in the pipe before the close).
        var k = 1
        while s.process.isRunning && k < 500 {
            s.request(k, "get_data")
            k += 1
            usleep(10_000)  // pacing: one request at a time until a write fails
        }
        let exit = s.waitForExit()
        XCTAssertNotNil(exit, "the server must exit when nobody can read its output")
        XCTAssertEqual(exit?.bySignal, false, "SIGPIPE must not kill the process")
        XCTAssertEqual(exit?.status, 1)
    }

    func testCancelStopsALongRequestAndProgressComesFirst() throws {
        let s = try ServerProcess()
        s.initialize()
        s.request(7, "fixtures/work", ["steps": 500, "stepMillis": 10, "workDoneToken": "w7"])
        XCTAssertTrue(s.waitFor { $0["method"] == "$/progress" && $0["params"]?["value"]?["kind"] == "report" })
        s.notify("$/cancelRequest", ["id": 7])
        guard let (r, before) = s.response(to: 7) else { return }
        XCTAssertEqual(r["error"]?["code"], -32800)
        let kinds = before.filter { $0["method"] == "$/progress" }.map { $0["params"]?["value"]?["kind"]?.stringValue }
        XCTAssertEqual(kinds.first, "begin")
        XCTAssertEqual(kinds.last, "end")
    }

    func testCancelOvertakesQueuedWork() throws {
        let s = try ServerProcess()
        s.initialize()
        s.request(1, "fixtures/work", ["steps": 30, "stepMillis": 10])
        s.request(2, "get_data")
        s.notify("$/cancelRequest", ["id": 2])
        XCTAssertEqual(s.response(to: 1)?.0["result"]?["steps"], 30)
        XCTAssertEqual(s.response(to: 2)?.0["error"]?["code"], -32800, "the queued request was cancelled before it ran")
    }

    func testExitsWhenTheClientProcessIsGone() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        let s = try ServerProcess()
        s.initialize(processId: .int(Int(sleeper.processIdentifier)))
        sleeper.terminate()
        sleeper.waitUntilExit()
        let exit = s.waitForExit(timeout: 5)
        XCTAssertEqual(exit?.status, 1)
        XCTAssertTrue(s.stderrText.contains("is gone"), s.stderrText)
    }
}
