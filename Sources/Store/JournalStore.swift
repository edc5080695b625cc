#if canImport(Glibc)
import Glibc
#endif

/// A crash-safe, multi-process store in one directory: a snapshot plus an append-only journal of
/// checksummed records, per generation (`snapshot-N`, `journal-N`), and a `lock` file.
///
/// - A commit appends one record and `fdatasync`s it before returning: about one fsync per write.
/// - Writers serialize on an exclusive `flock` of `lock`; before writing they read what other
///   processes appended, so every write sees every earlier commit. Readers take no lock: `refresh`
///   reads whole records appended since the last look and stops at anything incomplete.
/// - On open, a torn final record (a crash mid-append) is cut off; any other damage refuses to
///   open, naming the file and offset.
/// - `compact` writes the state as a new generation's snapshot and starts an empty journal;
///   other processes notice the new generation on their next `refresh` and reload.
///
/// Threading: one instance is used by one thread at a time.
public final class JournalStore<State: StoreState> {
    public let directory: String
    /// The state with every commit read or written so far.
    public var state: State {
        settle()
        return current
    }
    private var current = State()
    /// How many times the state was rebuilt from files (at open, and when another process started
    /// a new generation): anything derived from an earlier state must be derived again.
    public private(set) var loadCount = 0
    /// The writer's last commit, durable but not yet applied to `current` (see `settle`).
    private var pending: ((inout State) -> Void)?
    private var generation = 0
    private var journalFD: Int32 = -1
    private var journalOffset = 0
    private let lockFD: Int32
    private let writable: Bool
    /// Bytes of the journal at the last compaction decision (for the growth heuristic).
    public private(set) var snapshotBytes = 0

    /// Opens (creating if needed) the store at `directory` and recovers its state. With
    /// `repair: false` (verification) nothing is written: a torn tail is only reported.
    public init(directory: String, repair: Bool = true) throws(StoreError) {
        self.directory = directory
        self.writable = repair
        if repair {
            try FileIO.makeDirectory(directory)
        } else if !FileIO.exists(directory) {
            throw .cannotOpen(path: directory, reason: "no such directory")
        }
        lockFD = try FileIO.open(directory + "/lock", repair ? O_RDWR | O_CREAT : O_RDONLY)
        try lockExclusive()
        defer { unlock() }
        try load(repairTail: repair)
    }

    deinit {
        if journalFD >= 0 { close(journalFD) }
        close(lockFD)
    }

    private func journalPath(_ g: Int) -> String { "\(directory)/journal-\(g)" }
    private func snapshotPath(_ g: Int) -> String { "\(directory)/snapshot-\(g)" }

    /// The newest generation that has a journal.
    private func currentGeneration() -> Int? {
        FileIO.listDirectory(directory).compactMap { name -> Int? in
            guard name.hasPrefix("journal-") else { return nil }
            return Int(name.dropFirst(8))
        }.max()
    }

    /// Loads the newest generation from scratch.
    private func load(repairTail: Bool) throws(StoreError) {
        var fresh = State()
        let g: Int
        if let found = currentGeneration() {
            g = found
        } else if !writable {
            pending = nil
            current = fresh
            return
        } else {
            g = 0
            let fd = try FileIO.open(journalPath(0), O_RDWR | O_CREAT)
            close(fd)
            FileIO.syncDirectory(directory)
        }
        var snapBytes = 0
        if FileIO.exists(snapshotPath(g)) {
            let fd = try FileIO.open(snapshotPath(g), O_RDONLY)
            defer { close(fd) }
            let bytes = try FileIO.readAll(fd, from: 0, count: try FileIO.size(fd, path: snapshotPath(g)), path: snapshotPath(g))
            snapBytes = bytes.count
            try RecordPipeline.forEach(recordsOf: bytes, path: snapshotPath(g),
                                       decode: { (payload) throws(StoreError) in try State.decode(payload) },
                                       apply: { (decoded) throws(StoreError) in try fresh.apply(decoded: decoded) })
        }
        if journalFD >= 0 { close(journalFD) }
        journalFD = try FileIO.open(journalPath(g), writable ? O_RDWR : O_RDONLY)
        generation = g
        // A new generation's snapshot holds every commit, a pending one of this process too.
        pending = nil
        current = fresh
        loadCount += 1
        journalOffset = 0
        snapshotBytes = snapBytes
        try readJournal(repairTail: repairTail)
    }

    /// Applies every whole record after `journalOffset`. With `repairTail` (only under the
    /// exclusive lock) a torn tail is cut off; without it, reading stops before it.
    private func readJournal(repairTail: Bool) throws(StoreError) {
        settle()
        let path = journalPath(generation)
        let size = try FileIO.size(journalFD, path: path)
        guard size > journalOffset else { return }
        let bytes = try FileIO.readAll(journalFD, from: journalOffset, count: size - journalOffset, path: path)
        var offset = 0
        while offset < bytes.count {
            switch Record.decode(bytes, at: offset) {
            case .record(let payload, let next):
                try current.apply(payload)
                offset = next
            case .incomplete:
                if repairTail { try truncateTail(at: journalOffset + offset) }
                journalOffset += offset
                return
            case .damaged(let why):
                // A crash can leave a zero-filled or half-written final record; anything followed by
                // more data is real damage.
                let rest = bytes[offset...]
                let claimed = bytes.count - offset >= 8 ? Int(Record.read32(bytes, offset + 4)) : 0
                let torn = rest.allSatisfy { $0 == 0 } || offset + Record.headerSize + claimed >= bytes.count
                guard torn else { throw .damaged(file: path, offset: journalOffset + offset, reason: why) }
                if repairTail { try truncateTail(at: journalOffset + offset) }
                journalOffset += offset
                return
            }
        }
        journalOffset += offset
    }

    private func truncateTail(at offset: Int) throws(StoreError) {
        if ftruncate(journalFD, off_t(offset)) != 0 { throw .io(path: journalPath(generation), reason: FileIO.errorText()) }
        try FileIO.sync(journalFD, path: journalPath(generation))
    }

    /// Brings the state up to date with what other processes committed.
    public func refresh() throws(StoreError) {
        if FileIO.exists(journalPath(generation + 1)) {
            try load(repairTail: false)
        } else {
            try readJournal(repairTail: false)
        }
    }

    /// Runs one write transaction: under the exclusive lock, with the state refreshed, `body`
    /// either throws (nothing is written) or returns the record to commit and a result. The record
    /// is appended and fsync'd, then applied to the state. An empty record commits nothing.
    public func write<R, E: Error>(_ body: (State) throws(E) -> (record: [UInt8], result: R)) throws -> R {
        try write { (state: State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R) in
            let (record, result) = try body(state)
            return (record, nil, result)
        }
    }

    /// The same, with the committed change also given in decoded form (`apply`), so the writer
    /// updates its state without parsing the record it has just encoded. `apply` must have exactly
    /// the effect of applying `record`.
    public func write<R, E: Error>(_ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)) throws -> R {
        try withExclusiveLock { () throws in
            if FileIO.exists(journalPath(generation + 1)) { try load(repairTail: true) } else { try readJournal(repairTail: true) }
            let (record, apply, result) = try body(state)
            if record.isEmpty { return result }
            let bytes = Record.encode(record)
            let path = journalPath(generation)
            do {
                try FileIO.writeAll(journalFD, bytes, at: journalOffset, path: path)
                try FileIO.sync(journalFD, path: path)
            } catch {
                // Leave no partial record behind for the next writer to trip over.
                _ = ftruncate(journalFD, off_t(journalOffset))
                throw error
            }
            // Durable now: the answer need not wait for the in-memory update (see `settle`).
            if let apply { pending = apply } else { try current.apply(record[...]) }
            journalOffset += bytes.count
            return result
        }
    }

    /// Applies the last commit to the in-memory state if that has not happened yet. A commit given
    /// in decoded form (`write` with `apply`) is durable when `write` returns, and is applied here:
    /// on the next access to `state`, `refresh`, `write` or `compact`, or when the caller finds a
    /// quiet moment (the server calls this after flushing answers). So a large commit's answer can
    /// leave before its in-memory update; nothing can observe the state without it.
    public func settle() {
        guard let apply = pending else { return }
        pending = nil
        apply(&current)
    }

    /// Bytes after the last whole journal record (a torn tail that `repair` would cut off).
    public func tornTailBytes() throws(StoreError) -> Int {
        try FileIO.size(journalFD, path: journalPath(generation)) - journalOffset
    }

    /// The current generation's files.
    public var files: [String] { [snapshotPath(generation), journalPath(generation)].filter(FileIO.exists) }

    /// Bytes in the current journal.
    public var journalBytes: Int { journalOffset }

    /// Writes the state as generation N+1's snapshot and starts an empty journal.
    public func compact() throws(StoreError) {
        try lockExclusive()
        defer { unlock() }
        do {
            try readJournal(repairTail: true)
            let next = generation + 1
            let tmp = snapshotPath(next) + ".tmp"
            let fd = try FileIO.open(tmp, O_RDWR | O_CREAT | O_TRUNC)
            var offset = 0
            do throws(StoreError) {
                var buffer: [UInt8] = []
                for r in state.snapshotRecords() {
                    buffer.append(contentsOf: Record.encode(r))
                    if buffer.count > 1 << 20 {
                        try FileIO.writeAll(fd, buffer, at: offset, path: tmp)
                        offset += buffer.count
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try FileIO.writeAll(fd, buffer, at: offset, path: tmp)
                offset += buffer.count
                if fsync(fd) != 0 { throw .io(path: tmp, reason: FileIO.errorText()) }
            } catch {
                close(fd)
                unlink(tmp)
                throw error
            }
            close(fd)
            if rename(tmp, snapshotPath(next)) != 0 { throw .io(path: tmp, reason: FileIO.errorText()) }
            let j = try FileIO.open(journalPath(next), O_RDWR | O_CREAT | O_EXCL)
            FileIO.syncDirectory(directory)
            unlink(journalPath(generation))
            unlink(snapshotPath(generation))
            close(journalFD)
            journalFD = j
            generation = next
            journalOffset = 0
            snapshotBytes = offset
        }
    }

    /// How long a writer waits for another process's lock before giving up (`store_unavailable`).
    public var lockTimeoutMillis = 10_000

    private func lockExclusive() throws(StoreError) {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        var spins = 0
        while flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            guard errno == EWOULDBLOCK else { throw .io(path: directory + "/lock", reason: FileIO.errorText()) }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1_000_000
            if waited >= lockTimeoutMillis {
                throw .io(path: directory + "/lock", reason: "locked by another process for more than \(lockTimeoutMillis) ms")
            }
            spins += 1
            usleep(spins < 50 ? 100 : 1000)
        }
    }

    private func unlock() { flock(lockFD, LOCK_UN) }

    private func withExclusiveLock<R>(_ body: () throws -> R) throws -> R {
        try lockExclusive()
        defer { unlock() }
        return try body()
    }
}
