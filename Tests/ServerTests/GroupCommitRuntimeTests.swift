import Foundation
import XCTest
import JSONRPC
import Transport
import Domain
import Store
@testable import Server
@testable import Launcher

/// The runtime's side of group commit, over real pipes: a group whose commit fails is answered
/// again request by request, and nothing of the failed attempt reaches the client.
final class GroupCommitRuntimeTests: XCTestCase {
    /// An in-memory store whose first group with writes fails to commit (its writes are rolled back).
    final class FailingFirstGroupStore: PlatformStore {
        private var state = PlatformState()
        private var beforeGroup: PlatformState?
        private var wrote = false
        var failuresLeft = 1
        /// Whether the failure is one whose outcome is unknown: the group did commit.
        var committedAnyway = false
        var groups = 0
        var commits = 0

        var location: String { "memory" }
        func read() throws(ServerError) -> PlatformState { state }
        func commit<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R {
            let (tx, result) = try body(state)
            state.apply(tx)
            wrote = true
            commits += 1
            return result
        }
        func settle() {}
        var reloads: Int { 0 }
        func compactIfDue() {}
        var openingNotices: [String] { [] }
        func beginGroup(asGeneration: Bool) {
            beforeGroup = state
            wrote = false
            groups += 1
        }
        func abandonGroup() {
            if let before = beforeGroup { state = before }
            beforeGroup = nil
        }
        func endGroup() -> GroupOutcome {
            defer { beforeGroup = nil }
            if wrote, failuresLeft > 0, let before = beforeGroup {
                failuresLeft -= 1
                if committedAnyway {
                    return .unknown(.store(StoreError.unavailable(reason: "the answer to COMMIT was lost")))
                }
                state = before
                return .notCommitted(
                    .store(StoreError.io(path: "memory", reason: "injected failure of the group's write")))
            }
            return .committed
        }
    }

    func testAGroupThatCannotBeCommittedIsAnsweredAgainOneRequestAtATime() throws {
        let store = FailingFirstGroupStore()
        let answers = try serve(store)
        for id in [1, 2, 3, 9] {
            XCTAssertEqual(answers.filter { $0["id"] == .int(id) }.count, 1, "one answer to request \(id)")
        }
        func answer(_ id: Int) -> JSONValue? { answers.first { $0["id"] == .int(id) } }
        XCTAssertEqual(answer(1)?["result"]?["name"], "A")
        XCTAssertEqual(answer(2)?["result"]?["name"], "B")
        XCTAssertEqual(answer(3)?["error"]?["data"]?["code"], "conflict")
        XCTAssertEqual(answer(9)?["result"]?["items"]?.arrayValue?.count, 2)
        XCTAssertEqual(store.failuresLeft, 0, "the group was tried and failed")
        XCTAssertEqual(try store.read().allTenants.count, 2, "each write once, none of the failed group's")
    }

    func testAGroupWhoseOutcomeIsUnknownIsAnsweredAgainWithItsWritesRefusedNeverRunTwice() throws {
        let store = FailingFirstGroupStore()
        store.committedAnyway = true
        let answers = try serve(store)
        func answer(_ id: Int) -> JSONValue? { answers.first { $0["id"] == .int(id) } }
        for id in [1, 2, 3] {
            XCTAssertEqual(answers.filter { $0["id"] == .int(id) }.count, 1, "one answer to request \(id)")
            XCTAssertEqual(answer(id)?["error"]?["data"]?["code"], "store_unavailable", "\(answer(id) ?? .null)")
            XCTAssertTrue(
                answer(id)?["error"]?["message"]?.stringValue?.contains("unknown") ?? false, "\(answer(id) ?? .null)")
        }
        XCTAssertEqual(answer(9)?["result"]?["items"]?.arrayValue?.count, 2, "reads are answered from the store")
        XCTAssertEqual(try store.read().allTenants.count, 2, "the group's writes happened once, not again")
        XCTAssertEqual(store.commits, 2)
    }

    /// Runs the runtime over pipes on `store`: initialize, then three creates (a duplicate among
    /// them) and a list queued at once, then shutdown; returns the answers.
    private func serve(_ store: FailingFirstGroupStore) throws -> [JSONValue] {
        let platform = Platform(
            store: store, catalog: Catalog(), catalogSource: .none, calendar: LifecycleCalendar(today: 0))
        var table = MethodTable()
        DomainMethods.register(in: &table, platform: platform)
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&input), 0)
        XCTAssertEqual(pipe(&output), 0)
        let config = StdioRuntime.Configuration(inputFD: input[0], outputFD: output[1])
        let extensions = StdioRuntime.Extensions(commitGroups: Launcher.commitGroups(platform: platform))
        let finished = expectation(description: "the runtime ends")
        let tableToRun = table
        let serverOutput = output[1]
        Thread {
            _ = StdioRuntime.run(table: tableToRun, configuration: config, extensions: extensions)
            close(serverOutput)
            finished.fulfill()
        }.start()

        func send(_ messages: [JSONValue]) {
            let wire = messages.flatMap { FrameEncoder.frame(JSONWriter.serialize($0)) }
            XCTAssertEqual(wire.withUnsafeBytes { write(input[1], $0.baseAddress!, wire.count) }, wire.count)
        }
        var parser = FrameParser()
        var received: [JSONValue] = []
        func receive(until done: ([JSONValue]) -> Bool) {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !done(received) {
                let n = read(output[0], &buffer, buffer.count)
                guard n > 0 else { return }
                parser.append(buffer[0..<n])
                while let event = parser.next() {
                    if case .message(let body) = event, let v = try? JSONParser.parse(body) { received.append(v) }
                }
            }
        }
        let actor: JSONValue = ["userId": "root", "name": "Root", "role": "sysadmin"]
        send([
            [
                "jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": ["processId": .null, "capabilities": [:], "initializationOptions": ["actor": actor]],
            ],
            ["jsonrpc": "2.0", "method": "initialized", "params": [:]],
        ])
        receive { $0.contains { $0["id"] == 0 } }
        let creates: [JSONValue] = ["A", "B", "A"].enumerated().map { k, name in
            ["jsonrpc": "2.0", "id": .int(k + 1), "method": "tenants/create", "params": ["name": .string(name)]]
        }
        send(creates + [["jsonrpc": "2.0", "id": 9, "method": "tenants/list", "params": [:]]])
        receive { $0.contains { $0["id"] == 9 } }
        send([["jsonrpc": "2.0", "id": 10, "method": "shutdown"], ["jsonrpc": "2.0", "method": "exit"]])
        receive { $0.contains { $0["id"] == 10 } }
        close(input[1])
        wait(for: [finished], timeout: 10)

        close(input[0])
        close(output[0])
        return received.filter { $0["id"] != nil && $0["method"] == nil }
    }
}
