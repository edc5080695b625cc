import XCTest
@testable import Store

/// Group commit in the journal store: the writes of a group are each their own transaction, are
/// made durable by one write and one fsync, and no other process reads or writes between them.
final class GroupCommitTests: XCTestCase {
    private let path = "/store"

    private func write(_ s: JournalStore<EntryLog>, _ entry: String) throws {
        try s.write { (state: EntryLog) throws(StoreError) in
            if entry.hasPrefix("!") { throw .invalidRecord("refused") }
            return (Array(entry.utf8), ())
        }
    }

    func testAGroupIsOneFsyncEachWriteSeesTheOnesBeforeItAndARefusedOneChangesNothing() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        var journalSyncs = 0
        var seenByBodies: [[String]] = []
        fs.hook = { op in if op.kind == "sync", op.name.hasPrefix("journal-") { journalSyncs += 1 } }
        s.beginGroup()
        for entry in ["one", "!two", "three", "four"] {
            do {
                try s.write { (state: EntryLog) throws(StoreError) in
                    seenByBodies.append(state.entries)
                    if entry.hasPrefix("!") { throw .invalidRecord("refused") }
                    return (Array(entry.utf8), ())
                }
            } catch {}
        }
        XCTAssertEqual(journalSyncs, 0, "nothing is made durable before the group ends")
        try s.endGroup()
        XCTAssertEqual(journalSyncs, 1, "one fsync for the group")
        XCTAssertEqual(seenByBodies, [[], ["one"], ["one"], ["one", "three"]])
        XCTAssertEqual(s.state.entries, ["one", "three", "four"])
        let again = try JournalStore<EntryLog>(
            directory: path, fileSystem: fs.crashImage(entriesDurable: true, contents: .durable))
        XCTAssertEqual(again.state.entries, ["one", "three", "four"], "durable after one fsync")
    }

    func testNoOtherProcessReadsOrWritesBetweenAGroupsWrites() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        let other = try JournalStore<EntryLog>(directory: path, lockTimeoutMillis: 0, fileSystem: fs)
        try write(other, "before")
        s.beginGroup()
        try write(s, "g1")
        XCTAssertEqual(s.state.entries, ["before", "g1"], "the group's first write caught up")
        try other.refresh()
        XCTAssertEqual(other.state.entries, ["before"], "a write of an open group is invisible to others")
        XCTAssertThrowsError(try write(other, "between")) {
            XCTAssertTrue("\($0)".contains("locked"), "another writer waits for the group: \($0)")
        }
        try write(s, "g2")
        try s.endGroup()
        try other.refresh()
        XCTAssertEqual(other.state.entries, ["before", "g1", "g2"])
        try write(other, "after")
        try s.refresh()
        XCTAssertEqual(s.state.entries, ["before", "g1", "g2", "after"], "the lock is given back")
    }

    func testAGroupWhoseWriteFailsLeavesNothingAndTheStateIsTheFilesAgain() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        try write(s, "kept")
        s.beginGroup()
        try write(s, "g1")
        try write(s, "g2")
        XCTAssertEqual(s.state.entries, ["kept", "g1", "g2"])
        fs.hook = { (op) throws(StoreError) in
            if op.kind == "write", op.name.hasPrefix("journal-") { throw .io(path: op.name, reason: "disk full") }
        }
        XCTAssertThrowsError(try s.endGroup())
        fs.hook = { _ in }
        XCTAssertEqual(s.state.entries, ["kept"], "the group's writes are gone from memory too")
        try write(s, "next")
        XCTAssertEqual(try JournalStore<EntryLog>(directory: path, fileSystem: fs).state.entries, ["kept", "next"])
    }

    func testCompactionWaitsForAnOpenGroup() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        s.beginGroup()
        try write(s, "g1")
        XCTAssertThrowsError(try s.compact(), "a snapshot must not hold a write that is not durable")
        try s.endGroup()
        try s.compact()
        XCTAssertEqual(try JournalStore<EntryLog>(directory: path, fileSystem: fs).state.entries, ["g1"])
    }

    /// A write of a group committed as a generation, given in decoded form only.
    private func stage(_ s: JournalStore<EntryLog>, _ entry: String) throws {
        try s.stageForGeneration { (state: EntryLog) throws(StoreError) in
            if entry.hasPrefix("!") { throw .invalidRecord("refused") }
            return (!entry.isEmpty, { $0.entries.append(entry) }, ())
        }
    }

    func testAGroupCommittedAsAGenerationWritesNoJournalRecordAndItsSnapshotHoldsEveryWrite() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        try write(s, "before")
        var journalWrites = 0
        fs.hook = { op in if op.kind == "write", op.name.hasPrefix("journal-") { journalWrites += 1 } }
        s.beginGroup(asGeneration: true)
        XCTAssertTrue(s.stagingGeneration)
        for entry in ["g1", "!refused", "", "g2"] { try? stage(s, entry) }
        XCTAssertEqual(s.state.entries, ["before", "g1", "g2"], "each write sees the ones before it")
        XCTAssertEqual(s.stagedRecords, 2, "a refused write and one that changes nothing are not counted")
        let other = try JournalStore<EntryLog>(directory: path, lockTimeoutMillis: 0, fileSystem: fs)
        XCTAssertEqual(other.state.entries, ["before"], "nothing of the group is visible before it ends")
        try s.endGroup()
        XCTAssertFalse(s.stagingGeneration)
        XCTAssertEqual(journalWrites, 0, "the group is the new snapshot, not a journal record")
        XCTAssertEqual(s.manifest.generation, 1)
        let again = try JournalStore<EntryLog>(
            directory: path, fileSystem: fs.crashImage(entriesDurable: true, contents: .durable))
        XCTAssertEqual(again.state.entries, ["before", "g1", "g2"])
    }

    func testAnAbandonedGenerationGroupLeavesTheStoreAsItWas() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        try write(s, "kept")
        s.beginGroup(asGeneration: true)
        try stage(s, "g1")
        XCTAssertEqual(s.state.entries, ["kept", "g1"])
        s.abandonGroup()
        XCTAssertEqual(s.state.entries, ["kept"], "the staged write is gone from memory")
        XCTAssertEqual(s.manifest.generation, 0)
        try write(s, "next")
        XCTAssertEqual(try JournalStore<EntryLog>(directory: path, fileSystem: fs).state.entries, ["kept", "next"])
    }

    func testAGenerationWhoseSnapshotCannotBeWrittenLeavesNothing() throws {
        let fs = MemoryFileSystem()
        let s = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        try write(s, "kept")
        s.beginGroup(asGeneration: true)
        try stage(s, "g1")
        fs.hook = { (op) throws(StoreError) in
            if op.kind == "write", op.name.hasPrefix("snapshot") { throw .io(path: op.name, reason: "disk full") }
        }
        XCTAssertThrowsError(try s.endGroup())
        fs.hook = { _ in }
        XCTAssertEqual(s.state.entries, ["kept"], "the group's write is gone from memory too")
        try write(s, "next")
        XCTAssertEqual(try JournalStore<EntryLog>(directory: path, fileSystem: fs).state.entries, ["kept", "next"])
    }
}
