import Foundation
import XCTest
@testable import Store

/// A snapshot is read a segment at a time: whatever the segment size, the records applied, the
/// damage reported (and its offset) and the check against `CURRENT` are those of reading the
/// whole file at once.
final class SnapshotReaderTests: XCTestCase {
    /// A file of the given bytes; `shortBy` bytes of the end are never returned (a file that
    /// shrank after its size was read).
    private final class BytesFile: StoreFile {
        let bytes: [UInt8]
        var shortBy = 0
        var reads: [Int] = []
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var name: String { "snapshot-1" }
        func size() throws(StoreError) -> Int { bytes.count }
        func read(from offset: Int, count: Int) throws(StoreError) -> [UInt8] {
            reads.append(count)
            let end = min(bytes.count - shortBy, offset + count)
            return offset < end ? Array(bytes[offset..<end]) : []
        }
        func write(_ bytes: [UInt8], at offset: Int) throws(StoreError) { throw .readOnly(reason: "test") }
        func truncate(to size: Int) throws(StoreError) { throw .readOnly(reason: "test") }
        func sync() throws(StoreError) {}
        func close() {}
    }

    private func snapshot(_ payloads: [String]) -> (bytes: [UInt8], offsets: [Int], summary: SnapshotSummary) {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for p in payloads {
            offsets.append(bytes.count)
            bytes += Record.encode(Array(p.utf8))
        }
        return (bytes, offsets, SnapshotSummary.of(bytes)!)
    }

    private func read(
        _ file: BytesFile, expected: SnapshotSummary, segment: Int
    ) -> (applied: [String], error: StoreError?) {
        read(file, size: file.bytes.count, expected: expected, segment: segment)
    }

    private func read(
        _ file: any StoreFile, size: Int, expected: SnapshotSummary, segment: Int
    ) -> (applied: [String], error: StoreError?) {
        var applied: [String] = []
        do {
            try SnapshotReader.forEach(
                recordsOf: file, size: size, expected: expected, path: "snap", segmentBytes: segment,
                decode: { (p) throws(StoreError) in String(decoding: p, as: UTF8.self) },
                apply: { (s) throws(StoreError) in applied.append(s) })
            return (applied, nil)
        } catch {
            return (applied, error)
        }
    }

    private let segments = [1, 7, 13, 64, 1000, 1 << 20]

    func testEverySegmentSizeAppliesEveryRecordOnceInOrder() {
        let payloads = (0..<300).map { "record-\($0)" } + [String(repeating: "x", count: 5000), "last"]
        let s = snapshot(payloads)
        for segment in segments {
            let (applied, error) = read(BytesFile(s.bytes), expected: s.summary, segment: segment)
            XCTAssertNil(error, "segment \(segment)")
            XCTAssertEqual(applied, payloads, "segment \(segment)")
        }
        let empty = snapshot([])
        XCTAssertEqual(read(BytesFile([]), expected: empty.summary, segment: 7).applied, [])
    }

    func testARecordLongerThanASegmentIsReadWholeInOneMoreRead() {
        let s = snapshot(["a", String(repeating: "y", count: 10_000), "b"])
        let file = BytesFile(s.bytes)
        XCTAssertEqual(read(file, expected: s.summary, segment: 64).applied.count, 3)
        XCTAssertLessThanOrEqual(file.reads.count, 4, "reads: \(file.reads)")
    }

    func testDamageIsReportedAtItsFileOffsetAfterEveryRecordBeforeIt() {
        let payloads = (0..<80).map { "record-\($0)" }
        var s = snapshot(payloads)
        s.bytes[s.offsets[50] + Record.headerSize + 2] ^= 0x01
        for segment in segments {
            let (applied, error) = read(BytesFile(s.bytes), expected: s.summary, segment: segment)
            XCTAssertEqual(applied, Array(payloads[0..<50]), "segment \(segment)")
            XCTAssertEqual(
                error, .damaged(file: "snap", offset: s.offsets[50], reason: "checksum mismatch"), "segment \(segment)")
        }
        var marker = snapshot(payloads)
        marker.bytes[marker.offsets[30]] ^= 0xFF
        for segment in segments {
            let (applied, error) = read(BytesFile(marker.bytes), expected: marker.summary, segment: segment)
            XCTAssertEqual(applied, Array(payloads[0..<30]), "segment \(segment)")
            XCTAssertEqual(
                error, .damaged(file: "snap", offset: marker.offsets[30], reason: "bad record marker"),
                "segment \(segment)")
        }
    }

    func testADamagedLengthIsReportedWithoutReadingTheRestOfTheFile() {
        let payloads = (0..<80).map { "record-\($0)" }
        var s = snapshot(payloads)
        for (k, byte) in [0xF0, 0xFF, 0xFF, 0x7F].enumerated() { s.bytes[s.offsets[30] + 4 + k] = UInt8(byte) }
        for segment in [7, 64, 1000] {
            let file = BytesFile(s.bytes)
            let (applied, error) = read(file, expected: s.summary, segment: segment)
            XCTAssertEqual(applied, Array(payloads[0..<30]), "segment \(segment)")
            XCTAssertEqual(
                error, .damaged(file: "snap", offset: s.offsets[30], reason: "snapshot ends inside a record"),
                "segment \(segment)")
            // No read beyond a segment or a whole record (21 bytes here): the bogus length is not followed.
            XCTAssertLessThanOrEqual(file.reads.max() ?? 0, max(segment, 21), "segment \(segment): reads \(file.reads)")
        }
    }

    func testAFileThatShrankOrEndsInsideARecordIsDamage() {
        let s = snapshot((0..<20).map { "record-\($0)" })
        for segment in segments {
            let file = BytesFile(s.bytes)
            file.shortBy = 5
            let (applied, error) = read(file, expected: s.summary, segment: segment)
            XCTAssertEqual(applied.count, 19, "segment \(segment)")
            guard case .damaged(_, let offset, let reason) = error else {
                return XCTFail("segment \(segment): \(String(describing: error))")
            }
            XCTAssertTrue(
                reason.contains("CURRENT says \(s.bytes.count)") || reason == "snapshot ends inside a record",
                "segment \(segment): \(reason)")
            XCTAssertGreaterThanOrEqual(offset, s.offsets[19], "segment \(segment)")
        }
    }

    func testRecordsThatDoNotMatchCurrentAreRefusedEvenWhenEachIsWhole() {
        let s = snapshot((0..<20).map { "record-\($0)" })
        let other = snapshot((0..<20).map { "record-\($0 + 1)" })
        for segment in segments {
            let (_, error) = read(BytesFile(s.bytes), expected: other.summary, segment: segment)
            guard case .damaged(_, 0, let reason) = error else {
                return XCTFail("segment \(segment): \(String(describing: error))")
            }
            XCTAssertTrue(reason.hasPrefix("the snapshot's records do not match CURRENT"), reason)
        }
    }

    /// A real file, read into the reader's one buffer in place (`pread` behind the bytes carried
    /// over, the buffer grown for a longer record): the same records, damage and offsets as the
    /// copying reads above, at every segment size.
    func testARealFileReadInPlaceGivesWhatCopiedReadsGive() throws {
        let payloads = (0..<300).map { "record-\($0)" } + [String(repeating: "x", count: 5000), "last"]
        let good = snapshot(payloads)
        var damaged = good
        damaged.bytes[damaged.offsets[150] + Record.headerSize + 2] ^= 0x01
        let directory = NSTemporaryDirectory() + "snapshot-reader-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fs = PosixFileSystem()
        try fs.makeDirectory(directory)
        let dir = try fs.openDirectory(directory, forWriting: true)
        for (name, s) in [("good", good), ("damaged", damaged)] {
            let out = try dir.open(name, .createNew)
            try out.write(s.bytes, at: 0)
            out.close()
            let file = try dir.open(name, .read)
            defer { file.close() }
            for segment in segments {
                let real = read(file, size: s.bytes.count, expected: s.summary, segment: segment)
                let copied = read(BytesFile(s.bytes), expected: s.summary, segment: segment)
                XCTAssertEqual(real.applied, copied.applied, "\(name), segment \(segment)")
                XCTAssertEqual(real.error, copied.error, "\(name), segment \(segment)")
            }
        }
        XCTAssertEqual(read(BytesFile(good.bytes), expected: good.summary, segment: 7).applied, payloads)
        XCTAssertEqual(read(BytesFile(damaged.bytes), expected: damaged.summary, segment: 7).applied.count, 150)
    }
}
