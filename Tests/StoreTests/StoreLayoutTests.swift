import XCTest
@testable import Store

/// Which files may stand beside `CURRENT`, and how a store of the earlier layout is recognised.
final class StoreLayoutTests: XCTestCase {
    private let at3 = Manifest(generation: 3, snapshot: SnapshotSummary(bytes: 10, records: 1, digest: 7))

    private func check(_ names: [String], sizes: [String: Int] = [:]) -> Result<[String], StoreLayout.Problem> {
        StoreLayout.check(names: names, manifest: at3) { sizes[$0] ?? 0 }
    }

    func testTheLiveGenerationAloneIsClean() {
        XCTAssertEqual(try check(["CURRENT", "lock", "journal-3", "snapshot-3", "notes.txt"]).get(), [])
    }

    func testLeftoversOfOneCompactionEitherSideAreAllowed() {
        let names = [
            "CURRENT", "journal-3", "snapshot-3", "journal-2", "snapshot-2", "snapshot-4", "snapshot-4.tmp",
            "journal-4", "CURRENT.tmp",
        ]
        XCTAssertEqual(
            Set(try check(names).get()),
            [
                "journal-2", "snapshot-2", "snapshot-4", "snapshot-4.tmp", "journal-4",
                "CURRENT.tmp",
            ])
    }

    func testMissingStrayOrWrittenFilesAreRefused() {
        XCTAssertEqual(try? check(["CURRENT", "snapshot-3"]).get(), nil, "the journal is missing")
        XCTAssertEqual(try? check(["CURRENT", "journal-3"]).get(), nil, "the snapshot is missing")
        XCTAssertEqual(try? check(["CURRENT", "journal-3", "snapshot-3", "journal-9"]).get(), nil, "a far generation")
        XCTAssertEqual(
            try? check(["CURRENT", "journal-3", "snapshot-3", "journal-1"]).get(), nil, "two generations back")
        XCTAssertEqual(
            try? check(["CURRENT", "journal-3", "snapshot-3", "journal-4"], sizes: ["journal-4": 12]).get(), nil,
            "a next journal that was written to")
    }

    func testGenerationZeroHasNoSnapshot() {
        let at1 = Manifest(generation: 1, snapshot: SnapshotSummary(bytes: 0, records: 0, digest: 0))
        let r = StoreLayout.check(names: ["journal-1", "snapshot-1", "snapshot-0"], manifest: at1) { _ in 0 }
        XCTAssertEqual(try? r.get(), nil)
    }

    func testNamesAreTheStoresOnlyInTheFormItWrites() {
        XCTAssertEqual(StoreLayout.entry("journal-7"), .journal(7))
        XCTAssertEqual(StoreLayout.entry("snapshot-7.tmp"), .snapshotTemporary(7))
        for foreign in ["journal-07", "journal--1", "journal-", "snapshot-x", "journal-7.bak"] {
            XCTAssertEqual(StoreLayout.entry(foreign), .foreign, foreign)
        }
    }

    /// What the earlier version's compaction (snapshot.tmp, rename, new journal, unlink old journal,
    /// unlink old snapshot) could leave when it stopped between any two steps.
    func testAnEarlierLayoutIsRecognisedInEveryStateItsCompactionCouldLeave() {
        let states: [([String], Int)] = [
            (["journal-0"], 0),
            (["journal-2", "snapshot-2"], 2),
            (["journal-2", "snapshot-2", "snapshot-3.tmp"], 2),
            (["journal-2", "snapshot-2", "snapshot-3"], 2),
            (["journal-2", "snapshot-2", "snapshot-3", "journal-3"], 3),
            (["snapshot-2", "snapshot-3", "journal-3"], 3),
            (["journal-0", "snapshot-1", "journal-1"], 1),
        ]
        for (names, generation) in states {
            XCTAssertEqual(
                try? StoreLayout.legacyGeneration(names + ["lock"], size: { _ in 5 }).get(), generation, "\(names)")
        }
        for names in [
            ["snapshot-2"], ["journal-2"], ["journal-2", "snapshot-2", "journal-7"],
            ["journal-1", "snapshot-1", "snapshot-0"],
        ] {
            XCTAssertNil(try? StoreLayout.legacyGeneration(names, size: { _ in 5 }).get(), "\(names)")
        }
    }

    func testAManifestReadsBackAndRefusesEveryDamage() throws {
        let bytes = at3.encoded
        XCTAssertEqual(try Manifest.parse(bytes).get(), at3)
        XCTAssertEqual(
            try Manifest.parse(Manifest(generation: 0, snapshot: nil).encoded).get(),
            Manifest(generation: 0, snapshot: nil))
        XCTAssertNil(try? Manifest.parse([]).get(), "empty")
        for cut in 1..<bytes.count {
            XCTAssertNil(try? Manifest.parse(Array(bytes.prefix(cut))).get(), "cut at \(cut)")
        }
        for i in bytes.indices {
            var flipped = bytes
            flipped[i] ^= 0x01
            XCTAssertNil(try? Manifest.parse(flipped).get(), "byte \(i) flipped")
        }
    }
}
