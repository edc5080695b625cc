import JSONRPC
import XCTest

@testable import Domain

/// The journal records written without a value tree are, byte for byte, the records the tree
/// gives, and read back as the changes they were.
final class ChangeCodingTests: XCTestCase {
    /// The record as the tree writer writes it: what the journal held before the direct writer.
    private func treeRecord(_ tx: Transaction) -> [UInt8] {
        JSONWriter.serialize(.object(["c": .array(tx.changes.map { .object($0.json) })]))
    }

    private func configurations() -> [ConfigItem] {
        var out: [ConfigItem] = []
        let names = ["", "plain", "quote \" and \\ backslash", "line\nbreak\ttab\u{01}", "ünïcode ✓ 🚀", "/~ slash"]
        for k in 0..<72 {
            var c = ConfigItem(
                kind: ConfigKind.allCases[k % 3], id: "00000000-0000-4000-8000-\(String(format: "%012d", k))",
                tenantId: "tenant-\(k % 2)", spaceId: "space \(k % 5)", name: names[k % names.count],
                completionModelId: k % 4 == 0 ? "model \"quoted\"" : "model-\(k % 3)",
                kwargs: k % 3 == 0
                    ? [:]
                    : ["temperature": 0.7, "nested": ["a": [1, 2, ["b": "é\n"]]], "k": .string("\(k)"), "n": .null],
                createdBy: k % 7 == 0 ? "a-user-id-longer-than-fifteen-bytes" : "u",
                createdAt: k % 11 == 0 ? -1 : 1_700_000_000_000 + Int64(k))
            c.updatedAt = c.createdAt + Int64(k) * 1000
            c.lifecyclePinned = k % 4 == 1
            if k % 2 == 1 { c.transcriptionModelId = k % 6 == 1 ? "whisper \"\(k)\"" : "whisper-\(k)" }
            out.append(c)
        }
        return out
    }

    func testEveryConfigurationRecordIsTheTreesBytes() throws {
        for c in configurations() {
            let tx = Transaction([.putConfig(c)])
            XCTAssertEqual(String(decoding: tx.record, as: UTF8.self), String(decoding: treeRecord(tx), as: UTF8.self))
            XCTAssertEqual(try Transaction(record: tx.record[...]), tx, "read back as it was")
        }
    }

    func testQuestionsAndMixedTransactionsAreTheTreesBytes() throws {
        let configs = configurations()
        let model = Model(
            id: "m", tenantId: "t", kind: .completion, name: "gpt \"x\"", providerId: "p", createdAt: 1_700_000_000_000)
        let mixes: [[Change]] = [
            [],
            [.recordQuestion(modelId: "model-1", at: 1_700_000_000_123)],
            [.recordQuestion(modelId: "model \"q\"", at: -5), .recordQuestion(modelId: "é", at: 0)],
            [.putConfig(configs[1]), .recordQuestion(modelId: "model-1", at: 7), .putModel(model)],
            [.putModel(model), .putConfig(configs[5]), .remove(.config, id: configs[2].id), .putConfig(configs[8])],
        ]
        for changes in mixes {
            let tx = Transaction(changes)
            XCTAssertEqual(String(decoding: tx.record, as: UTF8.self), String(decoding: treeRecord(tx), as: UTF8.self))
            XCTAssertEqual(try Transaction(record: tx.record[...]), tx)
        }
    }
}
