import XCTest
@testable import Store

/// Loading a snapshot decodes on a second thread and applies on the first: the result must be
/// what a sequential reader gets, damage included.
final class RecordPipelineTests: XCTestCase {
    private func file(_ payloads: [String]) -> (bytes: [UInt8], offsets: [Int]) {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for p in payloads {
            offsets.append(bytes.count)
            bytes += Record.encode(Array(p.utf8))
        }
        return (bytes, offsets)
    }

    private func walk(_ bytes: [UInt8], lead: Int = 3) -> (applied: [String], error: StoreError?) {
        var applied: [String] = []
        do {
            try RecordPipeline.forEach(
                recordsOf: bytes, path: "snap", lead: lead,
                decode: { (p) throws(StoreError) in String(decoding: p, as: UTF8.self) },
                apply: { (s) throws(StoreError) in applied.append(s) })
            return (applied, nil)
        } catch {
            return (applied, error)
        }
    }

    func testEveryRecordIsAppliedOnceInFileOrder() {
        let payloads = (0..<500).map { "record-\($0)" }
        for lead in [1, 3, 64] {
            XCTAssertEqual(walk(file(payloads).bytes, lead: lead).applied, payloads, "lead \(lead)")
        }
        XCTAssertEqual(walk([]).applied, [])
    }

    func testDamageIsReportedWithItsOffsetAfterEverythingBeforeItWasApplied() {
        let payloads = (0..<50).map { "record-\($0)" }
        var (bytes, offsets) = file(payloads)
        bytes[offsets[20] + Record.headerSize] ^= 0xFF
        let (applied, error) = walk(bytes)
        XCTAssertEqual(applied, Array(payloads[0..<20]))
        XCTAssertEqual(error, .damaged(file: "snap", offset: offsets[20], reason: "checksum mismatch"))
    }

    func testAFileEndingInsideARecordIsDamageNotATornTail() {
        let (bytes, offsets) = file(["a", "b", "c"])
        let (applied, error) = walk(Array(bytes.dropLast(1)))
        XCTAssertEqual(applied, ["a", "b"])
        XCTAssertEqual(error, .damaged(file: "snap", offset: offsets[2], reason: "snapshot ends inside a record"))
    }

    func testADecodeOrApplyFailureStopsTheWalkWithoutHanging() {
        let payloads = (0..<200).map { "record-\($0)" }
        var applied = 0
        XCTAssertThrowsError(
            try RecordPipeline.forEach(
                recordsOf: file(payloads).bytes, path: "snap", lead: 2,
                decode: { (p) throws(StoreError) in
                    if String(decoding: p, as: UTF8.self) == "record-150" { throw .invalidRecord("bad") }
                    return p.count
                },
                apply: { (_: Int) throws(StoreError) in
                    applied += 1
                    if applied == 10 { throw .invalidRecord("refused") }
                }))
        XCTAssertEqual(applied, 10)
    }
}
