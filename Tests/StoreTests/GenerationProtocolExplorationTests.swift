import XCTest
import Foundation
@testable import Store

/// An exhaustive exploration of the generation protocol, on the real `JournalStore` code: two or
/// three processes, each a thread running a script of opens, writes, refreshes and compactions
/// against one memory file system. Every file operation is a point where a scheduler chooses which
/// process goes next; the explorer re-runs the scripts under every schedule with at most
/// `preemptions` switches away from a process that could have gone on (CHESS's bound: a switch
/// where the running process blocks on the lock or finishes is free), depth-first.
///
/// Checked in every schedule: each refresh shows every write acknowledged before it began; no
/// operation fails; at the end a fresh open holds exactly the acknowledged writes, each once, and
/// so does the image a crash would leave.
///
/// `STORE_EXPLORE_PREEMPTIONS` raises the bound (default 1 in `swift test`; RELIABILITY.md has
/// the figures of the bound-2 run).
final class GenerationProtocolExplorationTests: XCTestCase {
    enum Op: Sendable { case write(String), refresh, compact, idle }

    /// One process's script; the store is opened first.
    typealias Script = [Op]

    private var bound: Int {
        ProcessInfo.processInfo.environment["STORE_EXPLORE_PREEMPTIONS"].flatMap(Int.init) ?? 1
    }

    func testAnIdleWriterAcrossTwoCompactions() {
        let summary = explore([[.write("a"), .idle, .write("b"), .refresh], [.compact, .compact, .write("c")]])
        XCTAssertGreaterThan(summary.executions, 10)
    }

    func testTwoWritersAndACompactingReader() {
        explore([[.write("a"), .write("b")], [.write("c"), .refresh], [.refresh, .compact, .refresh]])
    }

    func testCompactionsRacingEachOther() {
        explore([[.write("a"), .compact, .write("b")], [.compact, .write("c"), .compact]])
    }

    // MARK: the explorer

    struct Summary { var executions = 0, steps = 0 }

    @discardableResult
    private func explore(_ scripts: [Script], file: StaticString = #filePath, line: UInt = #line) -> Summary {
        var summary = Summary()
        var prefix: [Int] = []
        while true {
            let run = Execution(scripts: scripts, forced: prefix).run()
            summary.executions += 1
            summary.steps += run.choices.count
            if let problem = run.problems.first {
                XCTFail("schedule \(run.choices.map(\.chosen)): \(problem)", file: file, line: line)
                return summary
            }
            guard let next = Self.nextPrefix(after: run.choices, bound: bound) else { break }
            prefix = next
        }
        print(
            "explored \(summary.executions) schedules (\(summary.steps) steps) of \(scripts.count) processes, preemption bound \(bound)"
        )
        return summary
    }

    /// One choice the scheduler made: the processes that could go (the one that went before first),
    /// the one chosen, and how many preemptions the schedule had made before it.
    struct Choice {
        var options: [Int]
        var chosen: Int
        var previous: Int?
        var preemptionsBefore: Int
        func costs(_ p: Int) -> Int { previous.map { options.contains($0) && $0 != p ? 1 : 0 } ?? 0 }
    }

    /// The deepest choice with an untried option within the bound, as a new forced prefix.
    static func nextPrefix(after choices: [Choice], bound: Int) -> [Int]? {
        for i in choices.indices.reversed() {
            let c = choices[i]
            guard let at = c.options.firstIndex(of: c.chosen) else { continue }
            for alternative in c.options[(at + 1)...] where c.preemptionsBefore + c.costs(alternative) <= bound {
                return choices[..<i].map(\.chosen) + [alternative]
            }
        }
        return nil
    }
}

/// One run of the scripts under one schedule: a thread per process, handed the file system one
/// operation at a time. Only one thread runs at any moment (the others wait on their semaphore),
/// so the shared values below are never touched by two threads at once.
private final class Execution: @unchecked Sendable {
    typealias Op = GenerationProtocolExplorationTests.Op
    let scripts: [[Op]]
    let forced: [Int]
    let fs = MemoryFileSystem()
    private let path = "/store"
    private let condition = NSCondition()
    private var parked: [Int: () -> Bool] = [:]
    private var finished: Set<Int> = []
    private let go: [DispatchSemaphore]
    var choices: [GenerationProtocolExplorationTests.Choice] = []
    var problems: [String] = []
    /// Logical time: the number of steps taken.
    private var clock = 0
    private var acknowledged: [(entry: String, at: Int)] = []

    init(scripts: [[Op]], forced: [Int]) {
        self.scripts = scripts
        self.forced = forced
        go = scripts.map { _ in DispatchSemaphore(value: 0) }
    }

    private static let pidKey = "explorer.pid"

    private var currentPID: Int { Thread.current.threadDictionary[Self.pidKey] as? Int ?? -1 }

    /// Called by a process's thread before each file operation: parks it until the scheduler
    /// lets it go (and, when waiting for the lock, until `ready` holds too).
    private func yield(until ready: @escaping () -> Bool = { true }) {
        let pid = currentPID
        guard pid >= 0 else { return }
        condition.lock()
        parked[pid] = ready
        condition.broadcast()
        condition.unlock()
        go[pid].wait()
    }

    func run() -> Execution {
        fs.hook = { [unowned self] _ in self.yield() }
        fs.waitUntil = { [unowned self] ready in
            while !ready() { self.yield(until: ready) }
        }
        for (pid, script) in scripts.enumerated() {
            let thread = Thread { [self] in
                Thread.current.threadDictionary[Self.pidKey] = pid
                self.yield()
                self.perform(script, as: pid)
                self.condition.lock()
                self.finished.insert(pid)
                self.condition.broadcast()
                self.condition.unlock()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        schedule()
        checkEnd()
        return self
    }

    private func perform(_ script: [Op], as pid: Int) {
        let store: JournalStore<EntryLog>
        do { store = try JournalStore<EntryLog>(directory: path, fileSystem: fs) } catch {
            problems.append("process \(pid) cannot open: \(error)")
            return
        }
        for op in script {
            let began = clock
            do {
                switch op {
                case .write(let entry):
                    try store.write { _ in (Array(entry.utf8), ()) }
                    acknowledged.append((entry, clock))
                case .refresh:
                    try store.refresh()
                    let seen = Set(store.state.entries)
                    for w in acknowledged where w.at < began && !seen.contains(w.entry) {
                        problems.append(
                            "process \(pid) refreshed at step \(began) without \(w.entry), acknowledged at step \(w.at)"
                        )
                    }
                    if seen.count != store.state.entries.count { problems.append("process \(pid) sees a write twice") }
                case .compact:
                    try store.compact()
                case .idle:
                    yield()
                }
            } catch {
                problems.append("process \(pid) failed \(op): \(error)")
            }
        }
    }

    /// Lets one parked process go at a time, as the forced prefix says and then by default the
    /// one that went before, until every process has finished.
    private func schedule() {
        var previous: Int?
        var preemptions = 0
        condition.lock()
        while true {
            while parked.count + finished.count < scripts.count { condition.wait() }
            var options = parked.filter { $0.value() }.map(\.key).sorted()
            if options.isEmpty {
                if !parked.isEmpty {
                    problems.append("deadlock: processes \(parked.keys.sorted()) wait for each other")
                }
                break
            }
            if let p = previous, let i = options.firstIndex(of: p) { options.insert(options.remove(at: i), at: 0) }
            let step = choices.count
            let chosen = step < forced.count && options.contains(forced[step]) ? forced[step] : options[0]
            let choice = GenerationProtocolExplorationTests.Choice(
                options: options, chosen: chosen, previous: previous,
                preemptionsBefore: preemptions)
            preemptions += choice.costs(chosen)
            choices.append(choice)
            previous = chosen
            parked[chosen] = nil
            clock += 1
            condition.unlock()
            go[chosen].signal()
            condition.lock()
        }
        condition.unlock()
        // A deadlocked run leaves threads parked: let them run out (the hook now returns at once).
        fs.hook = { _ in }
        fs.waitUntil = nil
        for (pid, _) in parked { go[pid].signal() }
    }

    private func checkEnd() {
        guard problems.isEmpty else { return }
        fs.hook = { _ in }
        let expected = Set(acknowledged.map(\.entry))
        for (what, image) in [
            ("the files", fs), ("a crash image", fs.crashImage(entriesDurable: true, contents: .durable)),
        ] {
            do {
                let s = try JournalStore<EntryLog>(directory: path, fileSystem: image)
                let entries = s.state.entries
                if Set(entries) != expected || entries.count != expected.count {
                    problems.append("\(what) hold \(entries), acknowledged \(acknowledged.map(\.entry))")
                }
            } catch {
                problems.append("\(what) do not open: \(error)")
            }
        }
    }
}
