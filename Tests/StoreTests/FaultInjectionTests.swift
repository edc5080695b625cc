import XCTest
@testable import Store

/// Fault injection at every file operation, as SQLite's test harness does it: a workload of two
/// processes (writes, refreshes, compactions, one process idle across two of them) runs once
/// cleanly to count its operations, then once per operation with a fault at exactly that one:
/// - the machine crashes there (every later operation fails), and each image a reboot could find
///   must open to a committed prefix holding every acknowledged write;
/// - one process is killed there, the other goes on, and the end state and every reboot image
///   hold exactly the acknowledged writes (the killed one's last write at most in addition);
/// - that operation alone fails with an I/O error, everything else goes on, and the end state
///   and every reboot image hold exactly the acknowledged writes (a write answered with an error
///   is never there).
/// Every refresh along the way must show every write acknowledged before it.
final class FaultInjectionTests: XCTestCase {
    private let path = "/store"

    enum Fault { case none, machineCrash(at: Int), kill(process: Int, at: Int), ioError(at: Int) }

    enum Step {
        case open(Int), write(Int, String), refresh(Int), compact(Int)
        /// A group commit of several writes; one starting with `!` is refused by its body.
        case group(Int, [String])
    }

    /// Two processes; process 0 sits idle across two of process 1's compactions, then commits a
    /// group (one of whose writes is refused).
    private let workload: [Step] = [
        .open(0), .write(0, "a1"), .open(1), .write(1, "b1"), .write(0, "a2"), .compact(1), .write(0, "a3"),
        .compact(1), .compact(1), .group(0, ["g1", "!refused", "g2"]), .refresh(0), .write(0, "a4"), .compact(0),
        .write(1, "b2"), .refresh(1), .group(1, ["g3", "g4"]), .write(1, "b3"), .refresh(0),
    ]

    /// What one run did: acknowledged writes in commit order, the write in flight when the fault
    /// struck (if any), and the file system at the end.
    struct Outcome {
        var acknowledged: [String] = []
        /// The writes of the write or group in flight when the fault struck: none was answered, so
        /// they may or may not have survived, but a group only whole (it is one record).
        var inFlight: [String] = []
        var fs: MemoryFileSystem
        var problems: [String] = []
    }

    private func run(_ fault: Fault) -> Outcome {
        let fs = MemoryFileSystem()
        var outcome = Outcome(fs: fs)
        var actor = 0
        var crashed: Set<Int> = []
        var faulted = false
        fs.hook = { (op) throws(StoreError) in
            let index = fs.operationCount - 1
            switch fault {
            case .none: return
            case .machineCrash(let at):
                if index >= at { throw .io(path: op.name, reason: "machine crashed") }
            case .kill(let p, let at):
                if actor == p && (index >= at || crashed.contains(p)) {
                    crashed.insert(p)
                    throw .io(path: op.name, reason: "process killed")
                }
            case .ioError(let at):
                if index == at {
                    faulted = true
                    throw .io(path: op.name, reason: "injected I/O error")
                }
            }
        }
        var stores: [Int: JournalStore<EntryLog>] = [:]
        for step in workload {
            switch step {
            case .open(let p):
                actor = p
                stores[p] = try? JournalStore<EntryLog>(directory: path, fileSystem: fs)
            case .write(let p, let entry):
                actor = p
                guard let s = stores[p] else { continue }
                let before = fs.operationCount
                do {
                    try s.write { _ in (Array(entry.utf8), ()) }
                    outcome.acknowledged.append(entry)
                } catch {
                    if case .kill(let k, _) = fault, k == p, outcome.inFlight.isEmpty, crashed.contains(p) {
                        outcome.inFlight = [entry]
                    }
                    if case .machineCrash(let at) = fault, at >= before, outcome.inFlight.isEmpty {
                        outcome.inFlight = [entry]
                    }
                }
            case .group(let p, let entries):
                actor = p
                guard let s = stores[p] else { continue }
                let before = fs.operationCount
                s.beginGroup()
                var staged: [String] = []
                for entry in entries {
                    do {
                        try s.write { (_) throws(StoreError) in
                            if entry.hasPrefix("!") { throw .invalidRecord("refused by its body") }
                            return (Array(entry.utf8), ())
                        }
                        staged.append(entry)
                    } catch {}
                }
                do {
                    try s.endGroup()
                    outcome.acknowledged += staged
                } catch {
                    if case .kill(let k, _) = fault, k == p, outcome.inFlight.isEmpty, crashed.contains(p) {
                        outcome.inFlight = staged
                    }
                    if case .machineCrash(let at) = fault, at >= before, outcome.inFlight.isEmpty {
                        outcome.inFlight = staged
                    }
                }
                if let other = stores[1 - p], (try? other.refresh()) != nil,
                    other.state.entries.filter({ !outcome.inFlight.contains($0) }) != outcome.acknowledged
                {
                    outcome.problems.append(
                        "after the group, process \(1 - p) read \(other.state.entries), acknowledged \(outcome.acknowledged)"
                    )
                }
            case .refresh(let p):
                actor = p
                guard let s = stores[p], (try? s.refresh()) != nil else { continue }
                let seen = s.state.entries.filter { !outcome.inFlight.contains($0) }
                if seen != outcome.acknowledged {
                    outcome.problems.append(
                        "process \(p) refreshed to \(s.state.entries), acknowledged \(outcome.acknowledged)")
                }
            case .compact(let p):
                actor = p
                try? stores[p]?.compact()
            }
        }
        _ = faulted
        stores.removeAll()
        return outcome
    }

    /// Opens `fs` afresh and checks what it holds against `outcome`; then checks it takes a write
    /// and a compaction and opens again with both.
    private func check(_ fs: MemoryFileSystem, _ outcome: Outcome, allowInFlight: Bool, _ what: String) {
        fs.hook = { _ in }
        let s: JournalStore<EntryLog>
        do { s = try JournalStore<EntryLog>(directory: path, fileSystem: fs) } catch {
            XCTFail("\(what): the store does not open: \(error)")
            return
        }
        let entries = s.state.entries
        let withoutInFlight = entries.filter { !outcome.inFlight.contains($0) }
        XCTAssertEqual(
            withoutInFlight, outcome.acknowledged, "\(what): every acknowledged write, in order, and nothing else")
        let survivors = entries.filter { outcome.inFlight.contains($0) }
        XCTAssertTrue(
            survivors.isEmpty || survivors == outcome.inFlight,
            "\(what): the writes in flight survive all or none (\(survivors) of \(outcome.inFlight))")
        if !allowInFlight {
            XCTAssertEqual(survivors, [], "\(what): the failed writes \(outcome.inFlight) are absent")
        }
        do {
            try s.write { _ in (Array("after".utf8), ()) }
            try s.compact()
            let again = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
            XCTAssertEqual(again.state.entries, entries + ["after"], "\(what): recovered store keeps working")
        } catch {
            XCTFail("\(what): the recovered store refuses work: \(error)")
        }
    }

    private func images(of fs: MemoryFileSystem) -> [(String, MemoryFileSystem)] {
        var out: [(String, MemoryFileSystem)] = []
        for entriesDurable in [true, false] {
            for contents in [MemoryFileSystem.Contents.durable, .visible, .torn] {
                out.append(
                    (
                        "reboot (entries \(entriesDurable ? "synced" : "as changed"), data \(contents))",
                        fs.crashImage(entriesDurable: entriesDurable, contents: contents, seed: UInt64(out.count + 1))
                    ))
            }
        }
        return out
    }

    private var operations: Int {
        let clean = run(.none)
        XCTAssertEqual(clean.acknowledged, ["a1", "b1", "a2", "a3", "g1", "g2", "a4", "b2", "g3", "g4", "b3"])
        XCTAssertEqual(clean.problems, [])
        return clean.fs.operationCount
    }

    func testAMachineCrashAtAnyOperationRecoversEveryAcknowledgedWrite() {
        let n = operations
        XCTAssertGreaterThan(n, 100)
        print(
            "fault injection: \(n) operations, a machine crash at each, \(images(of: MemoryFileSystem()).count) reboot images"
        )
        for k in 0..<n {
            let outcome = run(.machineCrash(at: k))
            XCTAssertEqual(outcome.problems, [], "crash at \(k)")
            for (what, image) in images(of: outcome.fs) {
                check(image, outcome, allowInFlight: true, "crash at operation \(k), \(what)")
            }
        }
    }

    func testAProcessKilledAtAnyOperationLosesNoAcknowledgedWrite() {
        let n = operations
        for p in [0, 1] {
            for k in 0..<n {
                let outcome = run(.kill(process: p, at: k))
                XCTAssertEqual(outcome.problems, [], "process \(p) killed at \(k)")
                check(
                    outcome.fs.crashImage(entriesDurable: false, contents: .visible), outcome, allowInFlight: true,
                    "process \(p) killed at operation \(k), no reboot")
                for (what, image) in images(of: outcome.fs) {
                    check(image, outcome, allowInFlight: true, "process \(p) killed at operation \(k), then \(what)")
                }
            }
        }
    }

    func testAnIOErrorAtAnyOperationIsAnErrorAnswerAndNeverALostOrPhantomWrite() {
        let n = operations
        for k in 0..<n {
            let outcome = run(.ioError(at: k))
            XCTAssertEqual(outcome.problems, [], "I/O error at \(k)")
            check(
                outcome.fs.crashImage(entriesDurable: false, contents: .visible), outcome, allowInFlight: false,
                "I/O error at operation \(k), no reboot")
            for (what, image) in images(of: outcome.fs) {
                check(image, outcome, allowInFlight: false, "I/O error at operation \(k), then \(what)")
            }
        }
    }

    /// A reader that applies a record whose fsync then fails must not be left with a write the
    /// writer takes back: the writer writes the same bytes again and fsyncs, and everyone agrees.
    func testAReaderThatSawARecordWhoseFsyncFailedAgreesWithTheWriter() throws {
        let fs = MemoryFileSystem()
        let writer = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        let reader = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        try writer.write { _ in (Array("first".utf8), ()) }
        var failed = false
        fs.hook = { (op) throws(StoreError) in
            guard !failed, op.kind == "sync", op.name.hasPrefix("journal-") else { return }
            failed = true
            fs.hook = { _ in }
            try reader.refresh()  // in the window between the write and its failing fsync
            throw .io(path: op.name, reason: "injected fsync failure")
        }
        try writer.write { _ in (Array("a-long-second-record".utf8), ()) }
        XCTAssertTrue(failed)
        XCTAssertEqual(reader.state.entries, ["first", "a-long-second-record"], "the reader saw it in the window")
        try writer.write { _ in (Array("3rd".utf8), ()) }
        try reader.refresh()
        XCTAssertEqual(reader.state.entries, ["first", "a-long-second-record", "3rd"])
        XCTAssertEqual(
            try JournalStore<EntryLog>(
                directory: path, fileSystem: fs.crashImage(entriesDurable: true, contents: .durable)
            )
            .state.entries, ["first", "a-long-second-record", "3rd"], "and it is durable")
    }

    /// Two failing fsyncs: the write's outcome is unknown, said so, and the process takes no more writes.
    func testAWriteWhoseFsyncFailsTwiceIsUnknownAndStopsWrites() throws {
        let fs = MemoryFileSystem()
        let writer = try JournalStore<EntryLog>(directory: path, fileSystem: fs)
        fs.hook = { (op) throws(StoreError) in
            if op.kind == "sync", op.name.hasPrefix("journal-") { throw .io(path: op.name, reason: "disk gone") }
        }
        XCTAssertThrowsError(try writer.write { _ in (Array("x".utf8), ()) }) {
            XCTAssertTrue("\($0)".contains("may or may not be durable"), "\($0)")
        }
        fs.hook = { _ in }
        XCTAssertThrowsError(try writer.write { _ in (Array("y".utf8), ()) }) {
            XCTAssertTrue("\($0)".contains("restart"), "\($0)")
        }
        try writer.refresh()
        XCTAssertEqual(writer.state.entries, ["x"], "it reads what the file holds, as every other process does")
    }
}
