import XCTest
import Foundation
@testable import Store

/// A state that remembers every committed entry, in order.
struct EntryLog: StoreState {
    var entries: [String] = []
    init() {}
    mutating func apply(_ payload: ArraySlice<UInt8>) throws(StoreError) {
        let text = String(decoding: payload, as: UTF8.self)
        if text.hasPrefix("bulk:") {
            entries.append(contentsOf: text.dropFirst(5).split(separator: ",").map(String.init))
        } else {
            entries.append(text)
        }
    }
    func snapshotRecords() -> [[UInt8]] {
        entries.isEmpty ? [] : [Array(("bulk:" + entries.joined(separator: ",")).utf8)]
    }
    /// A group of entries is one bulk record.
    static func merge(_ payloads: [[UInt8]]) -> [UInt8]? {
        let entries = payloads.map { String(decoding: $0, as: UTF8.self) }
        guard !entries.contains(where: { $0.hasPrefix("bulk:") || $0.contains(",") }) else { return nil }
        return Array(("bulk:" + entries.joined(separator: ",")).utf8)
    }
}

struct Refused: Error {}

/// Counts calls from a closure.
final class Counter: @unchecked Sendable { var count = 0 }

final class JournalStoreTests: XCTestCase {
    var dir: String!

    override func setUp() {
        dir = NSTemporaryDirectory() + "journal-test-" + UUID().uuidString.lowercased()
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func open() throws -> JournalStore<EntryLog> { try JournalStore<EntryLog>(directory: dir) }
    private func commit(_ s: JournalStore<EntryLog>, _ entry: String) throws {
        try s.write { _ in (Array(entry.utf8), ()) }
    }
    private var journal: String { dir + "/journal-0" }

    func testCommittedWritesSurviveReopen() throws {
        do {
            let s = try open()
            try commit(s, "a")
            try commit(s, "b")
        }
        XCTAssertEqual(try open().state.entries, ["a", "b"])
    }

    func testANewStoreIsPrivate() throws {
        _ = try open()
        let attrs = try FileManager.default.attributesOfItem(atPath: dir)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let mode =
                (try FileManager.default.attributesOfItem(atPath: dir + "/" + f)[.posixPermissions] as? NSNumber)?
                .intValue ?? 0
            XCTAssertEqual(mode & 0o077, 0, "\(f) must have no group or other permission bits")
        }
    }

    func testAFileWhereTheDirectoryShouldBeIsRefused() throws {
        FileManager.default.createFile(atPath: dir, contents: Data("x".utf8))
        XCTAssertThrowsError(try open()) { XCTAssertTrue("\($0)".contains("not a directory"), "\($0)") }
    }

    func testARefusedTransactionWritesNothing() throws {
        let s = try open()
        try commit(s, "a")
        XCTAssertThrowsError(
            try s.write { (_: EntryLog) throws(Refused) -> (record: [UInt8], result: Void) in throw Refused() })
        XCTAssertEqual(s.state.entries, ["a"])
        XCTAssertEqual(try open().state.entries, ["a"])
    }

    func testACommitGivenDecodedIsDurableAtOnceAndAppliedExactlyOnceBeforeAnythingSeesTheState() throws {
        let s = try open()
        let applied = Counter()
        func commitDecoded(_ entry: String) throws {
            try s.write {
                (_: EntryLog) throws(Refused) -> (record: [UInt8], apply: ((inout EntryLog) -> Void)?, result: Void) in
                (
                    Array(entry.utf8),
                    {
                        applied.count += 1
                        $0.entries.append(entry)
                    }, ()
                )
            }
        }
        try commitDecoded("a")
        XCTAssertEqual(applied.count, 0, "the answer does not wait for the in-memory update")
        XCTAssertEqual(try open().state.entries, ["a"], "but the commit is already durable")
        try commitDecoded("b")
        XCTAssertEqual(applied.count, 1, "the next write first applies the previous commit")
        XCTAssertEqual(s.state.entries, ["a", "b"], "reading the state applies what is pending")
        s.settle()
        XCTAssertEqual(s.state.entries, ["a", "b"])
        XCTAssertEqual(applied.count, 2, "each commit is applied exactly once")
    }

    func testATornFinalRecordIsDropped() throws {
        do {
            let s = try open()
            try commit(s, "a")
            try commit(s, "b")
        }
        let full = try Data(contentsOf: URL(fileURLWithPath: journal))
        for cut in [1, 5, 12, 13] {
            try full.dropLast(cut).write(to: URL(fileURLWithPath: journal))
            XCTAssertEqual(try open().state.entries, ["a"], "cut \(cut) bytes")
            try full.write(to: URL(fileURLWithPath: journal))
        }
        // Zero-filled tail (size extended, data never written).
        try (full + Data(count: 4096)).write(to: URL(fileURLWithPath: journal))
        let s = try open()
        XCTAssertEqual(s.state.entries, ["a", "b"])
        try commit(s, "c")
        XCTAssertEqual(try open().state.entries, ["a", "b", "c"], "the tail was cut so later records are readable")
    }

    func testDamageInTheMiddleIsRefusedWithFileAndOffset() throws {
        do {
            let s = try open()
            try commit(s, "first")
            try commit(s, "second")
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: journal)))
        bytes[Record.headerSize + 1] ^= 0xFF  // flip a byte of the first payload
        try Data(bytes).write(to: URL(fileURLWithPath: journal))
        XCTAssertThrowsError(try open()) { error in
            XCTAssertEqual(error as? StoreError, .damaged(file: self.journal, offset: 0, reason: "checksum mismatch"))
        }
    }

    func testTwoInstancesSeeEachOthersCommits() throws {
        let a = try open()
        let b = try open()
        try commit(a, "from-a")
        try commit(b, "from-b")
        XCTAssertEqual(b.state.entries, ["from-a", "from-b"], "a writer reads what others appended first")
        try a.refresh()
        XCTAssertEqual(a.state.entries, ["from-a", "from-b"])
    }

    func testCompactionStartsANewGenerationOthersFollow() throws {
        let a = try open()
        let b = try open()
        for k in 0..<10 { try commit(a, "e\(k)") }
        try a.compact()
        XCTAssertEqual(a.journalBytes, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: journal))
        try commit(a, "after")
        try b.refresh()
        XCTAssertEqual(b.state.entries, (0..<10).map { "e\($0)" } + ["after"])
        try commit(b, "from-b")
        XCTAssertEqual(try open().state.entries, (0..<10).map { "e\($0)" } + ["after", "from-b"])
    }

    func testRecordEncoding() {
        let r = Record.encode(Array("hello".utf8))
        XCTAssertEqual(r.count, 17)
        XCTAssertEqual(Record.decode(r, at: 0), .record(payload: Array("hello".utf8)[...], next: 17))
        XCTAssertEqual(Record.decode(Array(r.dropLast()), at: 0), .incomplete)
        var bad = r
        bad[14] ^= 1
        XCTAssertEqual(Record.decode(bad, at: 0), .damaged("checksum mismatch"))
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        XCTAssertEqual(crc.value, 0xCBF4_3926, "the IEEE check value")
    }
}
