import Foundation
import XCTest
import JSONRPC

/// Group commit through the binary: requests queued behind one another are committed together
/// (one fsync), each still its own transaction, and answered only once durable.
final class GroupCommitEndToEndTests: XCTestCase {
    /// Twenty creates, a duplicate among them and a list, written to the server in one go.
    private func pipelined(_ names: [String]) -> [UInt8] {
        var wire: [UInt8] = []
        for (k, name) in names.enumerated() {
            wire += ServerProcess.frame([
                "jsonrpc": "2.0", "id": .int(100 + k), "method": "tenants/create", "params": ["name": .string(name)],
            ])
        }
        wire += ServerProcess.frame(["jsonrpc": "2.0", "id": 99, "method": "tenants/list", "params": [:]])
        return wire
    }

    private let names = (0..<20).map { "Tenant \($0)" } + ["Tenant 3"]

    /// Checks the answers to `pipelined(names)`: each create its own transaction, the duplicate
    /// refused by the ones before it, the list seeing every create before it.
    private func checkAnswers(
        _ server: ServerProcess, tenantsBefore: Int = 0, file: StaticString = #filePath, line: UInt = #line
    ) {
        for k in 0..<20 {
            let r = server.response(to: .int(100 + k), file: file, line: line)?.0
            XCTAssertEqual(r?["result"]?["name"], .string("Tenant \(k)"), file: file, line: line)
        }
        let duplicate = server.response(to: 120, file: file, line: line)?.0
        XCTAssertEqual(
            duplicate?["error"]?["data"]?["code"], "conflict", "refused by an earlier write of the group", file: file,
            line: line)
        let list = server.response(to: 99, file: file, line: line)?.0
        XCTAssertEqual(
            list?["result"]?["items"]?.arrayValue?.count, 20 + tenantsBefore, "a read behind the writes sees them",
            file: file,
            line: line)
    }

    /// Large answers are encoded on the output thread and small ones on the worker: queued
    /// together, they still leave one frame each, in the order of their requests.
    func testLargeAndSmallAnswersOfAGroupLeaveInTheOrderOfTheirRequests() throws {
        let server = try ServerProcess()
        server.initialize(actor: Actors.sysadmin)
        let tenant = server.call("tenants/create", ["name": "Acme"])["id"]!
        let provider = server.call(
            "providers/create", ["tenantId": tenant, "name": "OpenAI", "providerType": "openai"])["id"]!
        _ = server.takeMessages()
        var wire: [UInt8] = []
        for k in 0..<30 {
            let params: JSONValue =
                k % 3 == 0
                ? ["tenantId": tenant, "kind": "completion", "name": .string("model-\(k)"), "providerId": provider]
                : k % 3 == 1 ? ["id": tenant] : ["id": "00000000-0000-4000-8000-000000000000"]
            let method = k % 3 == 0 ? "models/create" : "tenants/get"
            wire += ServerProcess.frame([
                "jsonrpc": "2.0", "id": .int(200 + k), "method": .string(method), "params": params,
            ])
        }
        server.sendRaw(wire)
        XCTAssertTrue(server.waitFor { $0["id"] == 229 })
        let answers = server.takeMessages().filter { $0["id"] != nil }
        XCTAssertEqual(answers.map { $0["id"] }, (200..<230).map { .int($0) }, "one answer each, in request order")
        for (k, a) in answers.enumerated() {
            switch k % 3 {
            case 0: XCTAssertEqual(a["result"]?["name"], .string("model-\(k)"), "a large answer, whole")
            case 1: XCTAssertEqual(a["result"]?["name"], "Acme", "a small one")
            default: XCTAssertEqual(a["error"]?["data"]?["code"], "not_found", "an error")
            }
        }
        server.stop()
    }

    func testQueuedWritesAreEachTheirOwnTransactionAndSurviveAKillRightAfterTheirAnswers() throws {
        let store = ServerProcess.temporaryStore()
        let server = try ServerProcess(store: store)
        server.initialize(actor: Actors.sysadmin)
        server.sendRaw(pipelined(names))
        checkAnswers(server)
        kill(server.process.processIdentifier, SIGKILL)
        _ = server.waitForExit()
        let again = try ServerProcess(store: store)
        again.initialize(actor: Actors.sysadmin)
        XCTAssertEqual(
            again.call("tenants/list")["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted(),
            (0..<20).map { "Tenant \($0)" }.sorted(), "every answered write is durable")
        again.stop()
    }

    func testABatchOfWritesIsCommittedTogetherAndAnsweredAsOneArray() throws {
        let server = try ServerProcess()
        server.initialize(actor: Actors.sysadmin)
        let batch: JSONValue = .array(
            ["A", "B", "A"].enumerated().map { k, name in
                ["jsonrpc": "2.0", "id": .int(k + 1), "method": "tenants/create", "params": ["name": .string(name)]]
            } + [["jsonrpc": "2.0", "id": 9, "method": "tenants/list", "params": [:]]])
        server.send(batch)
        XCTAssertTrue(server.waitFor { $0.arrayValue != nil })
        let answers = server.take(where: { $0.arrayValue != nil })?.arrayValue ?? []
        XCTAssertEqual(answers.count, 4)
        func answer(_ id: Int) -> JSONValue? { answers.first { $0["id"] == .int(id) } }
        XCTAssertEqual(answer(1)?["result"]?["name"], "A")
        XCTAssertEqual(answer(2)?["result"]?["name"], "B")
        XCTAssertEqual(answer(3)?["error"]?["data"]?["code"], "conflict")
        XCTAssertEqual(answer(9)?["result"]?["items"]?.arrayValue?.count, 2)
        server.stop()
    }

    /// The fsyncs of the journal, counted by strace: one group instead of one per write.
    func testQueuedWritesCostOneFsyncNotOneEach() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            throw XCTSkip("strace is not installed: the fsync count cannot be observed")
        }
        try skipOnDatabase("the fsyncs of a PostgreSQL store are the database's")
        func fsyncs(groupCommit: Bool) throws -> Int {
            let store = ServerProcess.temporaryStore()
            let trace = NSTemporaryDirectory() + "strace-" + UUID().uuidString
            defer { unlink(trace) }
            var env = ProcessInfo.processInfo.environment
            env["MODEL_LIFECYCLE_GROUP_COMMIT"] = groupCommit ? nil : "off"
            // Under strace on a busy machine twenty writes can take longer than a group's 20 ms.
            env["MODEL_LIFECYCLE_GROUP_MILLIS"] = "5000"
            let server = try ServerProcess(
                [
                    "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", trace, ServerProcess.binary.path, "--store",
                    store,
                ], environment: env, executable: "/usr/bin/strace")
            server.initialize(actor: Actors.sysadmin)
            XCTAssertEqual(server.call("tenants/create", ["name": "First"])["name"], "First")
            func count() -> Int {
                let lines = (try? String(contentsOfFile: trace, encoding: .utf8)) ?? ""
                return lines.split(separator: "\n").filter { $0.contains("fdatasync(") }.count
            }
            let before = count()
            server.sendRaw(pipelined(names))
            checkAnswers(server, tenantsBefore: 1)
            let during = count() - before
            server.stop()
            return during
        }
        let grouped = try fsyncs(groupCommit: true)
        let lone = try fsyncs(groupCommit: false)
        XCTAssertGreaterThanOrEqual(lone, 20, "without groups, one per write")
        XCTAssertLessThanOrEqual(
            grouped, 2, "the twenty queued writes share one fsync (two if they arrived in two reads)")
    }
}
