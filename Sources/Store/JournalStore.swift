/// A crash-safe, multi-process store in one directory: per generation a snapshot and an
/// append-only journal of checksummed records, the `CURRENT` manifest naming the live generation
/// (see `Manifest`), and a `lock` file.
///
/// - A commit appends one record and fdatasyncs it before returning: one fsync per write.
/// - Writers and compaction serialize on an exclusive `flock` of `lock`. Under it a writer first
///   checks that the directory is still the one it opened, reads `CURRENT` (reloading if another
///   process compacted, however many times), checks that its journal is still the file `CURRENT`
///   names, and reads what others appended: so every write sees every earlier commit and lands in
///   the live journal.
/// - Readers take no lock: `refresh` makes the same checks and reads whole records appended since
///   the last look, stopping before anything incomplete (a write in progress).
/// - Open reads `CURRENT` and refuses (naming the file and the reason) on a missing, empty, extra
///   or mismatched file; a torn final record is left for the next writer to cut off. `verify`
///   and a serving process open the same way.
/// - `compact` writes generation N+1's snapshot and empty journal, then switches `CURRENT` to
///   them (the commit point), then removes generation N's files.
///
/// Threading: one instance is used by one thread at a time.
public final class JournalStore<State: StoreState> {
    /// How a store is opened.
    public enum Mode: Sendable, Equatable {
        /// For serving: creates a new store in a missing or empty directory; writes allowed.
        case serve
        /// For maintenance commands (compact, cleanup): writes allowed, but a missing or empty
        /// directory is `noStore` rather than a new store (a mistyped path must not make one).
        case existing
        /// For checking: never creates or writes anything; a missing store is `noStore`.
        case verify
    }

    /// The store directory, as it was given.
    public let directory: String
    private let dir: any StoreDirectory
    private let mode: Mode
    /// How long a writer waits for another process's lock before giving up (`unavailable`).
    public var lockTimeoutMillis: Int

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

    /// The generation in use, as `CURRENT` named it when it was loaded.
    public private(set) var manifest = Manifest(generation: 0, snapshot: nil)
    private var journal: (any StoreFile)?
    private var journalOffset = 0
    /// Files of an interrupted or finished compaction that the next compaction removes.
    public private(set) var leftovers: [String] = []
    /// Whether this open created the store (the directory was missing or empty).
    public private(set) var createdNew = false
    /// Whether this open found a store written before `CURRENT` existed (and, serving, wrote one).
    public private(set) var foundEarlierLayout = false
    /// Whether `manifest` was inferred from an earlier layout that could not be given a `CURRENT`
    /// (verifying, or a read-only directory): refreshes then expect no `CURRENT` file.
    private var manifestIsSynthesized = false
    /// Set when a failure left the durability of the files in doubt: writes are refused until the
    /// process reopens the store.
    private var broken: String?
    private var journalReadOnly: String?
    /// Whether this process has fsynced the directory since it loaded this generation: before its
    /// first write into a generation it makes sure the generation's names are durable, even if the
    /// process that switched `CURRENT` did not get to (killed, or its directory fsync failing).
    private var directorySynced = false

    /// Opens the store at `directory` and loads its state. Serving, a missing or empty directory
    /// becomes a new store; verifying, it is `noStore`. Nothing is ever repaired at open: a torn
    /// final record is only cut off by the next write.
    public init(
        directory: String, mode: Mode = .serve, lockTimeoutMillis: Int = 10_000,
        fileSystem: any StoreFileSystem = PosixFileSystem()
    ) throws(StoreError) {
        self.directory = directory
        self.mode = mode
        self.lockTimeoutMillis = lockTimeoutMillis
        switch fileSystem.kind(of: directory) {
        case .other: throw .cannotOpen(path: directory, reason: "it exists and is not a directory")
        case .missing:
            guard mode == .serve else { throw .noStore(path: directory, reason: "the directory does not exist") }
            try fileSystem.makeDirectory(directory)
        case .directory: break
        }
        dir = try fileSystem.openDirectory(directory, forWriting: mode != .verify)
        try openCurrentGeneration()
    }

    deinit { journal?.close() }

    /// Why writes are refused here (a read-only directory), or nil.
    public var readOnlyReason: String? { dir.readOnlyReason ?? journalReadOnly }

    // MARK: opening

    /// Reads `CURRENT` and loads the generation it names, retrying when a compaction replaced it
    /// meanwhile (a file that vanished is damage only if `CURRENT` still names it).
    private func openCurrentGeneration() throws(StoreError) {
        for _ in 0..<100 {
            guard let m = try readManifest() else {
                if try openWithoutManifest() { return }
                continue
            }
            let names = try dir.names()
            guard try readManifest() == m else { continue }
            switch StoreLayout.check(names: names, manifest: m, size: fileSize) {
            case .failure(let p):
                // A compaction may have committed since: then the files belong to the next CURRENT.
                guard try readManifest() == m else { continue }
                throw .damaged(file: path(p.file), offset: 0, reason: p.reason)
            case .success(let l): leftovers = l
            }
            do {
                try load(m)
                return
            } catch .notFound(let missing) {
                if try readManifest() == m {
                    throw .damaged(file: missing, offset: 0, reason: "the file CURRENT names is missing")
                }
            }
        }
        throw .unavailable(reason: "the store at \(directory) kept changing while it was being opened")
    }

    /// A directory without `CURRENT`: a new store, or one written before `CURRENT` existed.
    /// Returns whether the state was loaded (an earlier layout, verified or read-only, is loaded as
    /// it is); otherwise `CURRENT` now exists and the caller opens it.
    private func openWithoutManifest() throws(StoreError) -> Bool {
        let names = try dir.names()
        // Another process created the store since CURRENT was looked for.
        if names.contains(Manifest.fileName) { return false }
        if !StoreLayout.holdsStoreFiles(names) {
            guard mode == .serve else { throw .noStore(path: directory, reason: "the directory holds no store files") }
            if let why = dir.readOnlyReason {
                throw .cannotOpen(path: directory, reason: "a new store cannot be created: \(why)")
            }
            try locked { () throws(StoreError) in
                guard try readManifest() == nil, !StoreLayout.holdsStoreFiles(try dir.names()) else { return }
                let j = try dir.open(StoreLayout.journalName(0), .createNew)
                defer { j.close() }
                try j.sync()
                try dir.sync()
                try writeManifest(Manifest(generation: 0, snapshot: nil))
                createdNew = true
            }
            return false
        }
        let g: Int
        switch StoreLayout.legacyGeneration(names, size: fileSize) {
        case .failure(let p): throw .damaged(file: path(p.file), offset: 0, reason: p.reason)
        case .success(let found): g = found
        }
        foundEarlierLayout = true
        let adopted = try manifestOfEarlierLayout(generation: g)
        if mode == .verify || dir.readOnlyReason != nil {
            try load(adopted)
            manifestIsSynthesized = true
            return true
        }
        try locked { () throws(StoreError) in
            guard try readManifest() == nil else { return }
            try writeManifest(try manifestOfEarlierLayout(generation: g))
        }
        return false
    }

    /// The manifest a store of the earlier layout (no `CURRENT`) would have had.
    private func manifestOfEarlierLayout(generation g: Int) throws(StoreError) -> Manifest {
        guard g > 0 else { return Manifest(generation: 0, snapshot: nil) }
        let name = StoreLayout.snapshotName(g)
        let f = try dir.open(name, .read)
        defer { f.close() }
        let bytes = try f.readAll()
        guard !bytes.isEmpty, let summary = SnapshotSummary.of(bytes) else {
            throw .damaged(file: path(name), offset: 0, reason: "the snapshot is empty or cut short")
        }
        return Manifest(generation: g, snapshot: summary)
    }

    /// Loads generation `m` from scratch.
    private func load(_ m: Manifest) throws(StoreError) {
        var fresh = State()
        if let expected = m.snapshot {
            let name = m.snapshotName
            let f = try dir.open(name, .read)
            defer { f.close() }
            let size = try f.size()
            guard size == expected.bytes else {
                throw .damaged(
                    file: path(name), offset: min(size, expected.bytes),
                    reason: "the snapshot has \(size) bytes, CURRENT says \(expected.bytes)")
            }
            try SnapshotReader.forEach(
                recordsOf: f, size: size, expected: expected, path: path(name),
                decode: { (payload) throws(StoreError) in try State.decode(payload) },
                apply: { (decoded) throws(StoreError) in try fresh.apply(decoded: decoded) })
        }
        let writable = mode != .verify && dir.readOnlyReason == nil
        var file: any StoreFile
        journalReadOnly = nil
        do {
            file = try dir.open(m.journalName, writable ? .readWrite : .read)
        } catch .readOnly(let why) where writable {
            file = try dir.open(m.journalName, .read)
            journalReadOnly = why
        }
        journal?.close()
        journal = file
        manifest = m
        // Made here rather than before the first write, so that write's latency stays one fsync;
        // if it fails, the first write tries again and fails with the reason.
        directorySynced = writable && journalReadOnly == nil && (try? dir.sync()) != nil
        // A new generation's snapshot holds every commit, a pending one of this process too.
        pending = nil
        current = fresh
        loadCount += 1
        journalOffset = 0
        try readJournal(repairTail: false)
    }

    private func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// The size of a file of the directory, or nil when it cannot be read.
    private func fileSize(_ name: String) -> Int? {
        guard let f = try? dir.open(name, .read) else { return nil }
        defer { f.close() }
        return try? f.size()
    }

    /// The bytes and meaning of the `CURRENT` read last: every request reads the file, and the
    /// same bytes need no second parse.
    private var lastManifest: (bytes: [UInt8], manifest: Manifest)?

    /// `CURRENT`, or nil when there is none.
    private func readManifest() throws(StoreError) -> Manifest? {
        let f: any StoreFile
        do { f = try dir.open(Manifest.fileName, .read) } catch .notFound { return nil }
        defer { f.close() }
        let bytes = try f.read(from: 0, count: 1024)
        if let last = lastManifest, last.bytes == bytes { return last.manifest }
        switch Manifest.parse(bytes) {
        case .success(let m):
            lastManifest = (bytes, m)
            return m
        case .failure(let p):
            throw .damaged(file: path(Manifest.fileName), offset: 0, reason: p.reason)
        }
    }

    /// Replaces `CURRENT` atomically: temporary file, fsync, rename, directory fsync. Throws with
    /// nothing changed if the rename did not happen; once it has, a failed directory fsync leaves
    /// the store `broken` (which manifest survives a crash is then unknown).
    private func writeManifest(_ m: Manifest) throws(StoreError) {
        let tmp = StoreLayout.manifestTemporaryName
        try dir.remove(tmp)
        let f = try dir.open(tmp, .createNew)
        do {
            try f.write(m.encoded, at: 0)
            try f.sync()
        } catch {
            f.close()
            try? dir.remove(tmp)
            throw error
        }
        f.close()
        do { try dir.rename(tmp, to: Manifest.fileName) } catch {
            try? dir.remove(tmp)
            throw error
        }
        do { try dir.sync() } catch {
            broken = "a directory fsync failed after CURRENT was replaced (\(error)); restart the server"
            throw .unavailable(reason: broken!)
        }
    }

    // MARK: reading

    /// Applies every whole record after `journalOffset`. With `repairTail` (only under the
    /// exclusive lock) a torn tail is cut off; without it, reading stops before it.
    private func readJournal(repairTail: Bool, knownSize: Int? = nil) throws(StoreError) {
        settle()
        guard let journal else { return }
        var size = 0
        if let knownSize { size = knownSize } else { size = try journal.size() }
        if size < journalOffset {
            let reason = "the journal shrank from \(journalOffset) to \(size) bytes: records already read are gone"
            throw .damaged(file: path(manifest.journalName), offset: size, reason: reason)
        }
        guard size > journalOffset else { return }
        for attempt in 0..<2 {
            let base = journalOffset
            let bytes = try journal.read(from: base, count: (attempt == 0 ? size : try journal.size()) - base)
            let end = try JournalScan.scan(bytes) { (payload, next) throws(StoreError) in
                try current.apply(payload)
                journalOffset = base + next
            }
            switch end {
            case .clean: return
            case .torn(let offset):
                if repairTail {
                    try journal.truncate(to: base + offset)
                    try journal.sync()
                }
                return
            case .damaged(let offset, let why):
                // Without the lock, a writer may have been cutting off a torn tail and appending
                // over it while this read: look once more before calling it damage.
                if attempt == 0 && !repairTail { continue }
                throw .damaged(file: path(manifest.journalName), offset: base + offset, reason: why)
            }
        }
    }

    /// Checks that the directory is still the one opened and that this process reads the
    /// generation `CURRENT` names (reloading when it does not), then reads new records. Holding
    /// the lock, it also checks the lock file and cuts off a torn tail.
    private func catchUp(holdingLock: Bool) throws(StoreError) {
        if let unreadable { throw .unavailable(reason: unreadable) }
        let repairTail = holdingLock
        settle()
        if let why = try dir.identityProblem(forWriting: holdingLock) {
            throw .unavailable(reason: why + "; this process can no longer read or write it: restart it")
        }
        guard let m = try readManifest() ?? (manifestIsSynthesized ? manifest : nil) else {
            throw .damaged(file: path(Manifest.fileName), offset: 0, reason: "CURRENT was removed")
        }
        guard m == manifest else {
            try openCurrentGeneration()
            return try readJournal(repairTail: repairTail)
        }
        guard let journal else { return }
        guard let size = try dir.sizeIfCurrent(manifest.journalName, journal) else {
            // A compaction may have replaced CURRENT and removed the journal since it was read.
            guard try readManifest() == m else {
                try openCurrentGeneration()
                return try readJournal(repairTail: repairTail)
            }
            throw .damaged(
                file: path(manifest.journalName), offset: 0,
                reason: "the journal was removed or replaced while CURRENT still names it")
        }
        try readJournal(repairTail: repairTail, knownSize: size)
    }

    /// Brings the state up to date with what other processes committed.
    public func refresh() throws(StoreError) {
        try catchUp(holdingLock: false)
    }

    // MARK: writing

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
    public func write<R, E: Error>(
        _ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)
    ) throws -> R {
        if grouping { return try stage(body) }
        return try underLock { () throws in
            try checkWritable()
            try catchUp(holdingLock: true)
            try checkWritable()  // catching up may have reloaded a generation that opens read-only
            let (record, apply, result) = try body(state)
            if record.isEmpty { return result }
            try State.checkReadable(record)
            try append(Record.encode(record))
            // Durable now: the answer need not wait for the in-memory update (see `settle`).
            if let apply { pending = apply } else { try current.apply(record[...]) }
            return result
        }
    }

    // MARK: group commit

    /// Whether writes are being grouped (`beginGroup` … `endGroup`).
    public private(set) var grouping = false
    /// Whether this group holds the lock (from its first write to `endGroup`) with the state
    /// caught up under it: its later writes and reads need not look at the files.
    public private(set) var groupHoldsLock = false
    /// The group's records, not yet in the file (none kept for a group committed as a generation).
    private var staged: [[UInt8]] = []
    /// How many records the open group holds.
    public private(set) var stagedRecords = 0
    /// Whether the open group is committed as the next generation (an import).
    private var groupAsGeneration = false
    /// Why the state may not be read (a failed group whose discarding failed): reads refuse until
    /// the process reopens the store, rather than serve writes that were never committed.
    private var unreadable: String?

    /// Starts a group: the writes until `endGroup` are each their own transaction (run on the
    /// state with every earlier one, a refused one changes nothing) but are made durable together,
    /// with one write and one fsync, by `endGroup`. The first write takes the lock and catches up;
    /// the lock is held until `endGroup`, so no other process commits in between and no other
    /// process can read a record of the group before it is durable (they are only in memory until
    /// then). Nothing of a group may be answered before `endGroup` returns.
    public func beginGroup(asGeneration: Bool = false) {
        precondition(!grouping, "groups do not nest")
        grouping = true
        groupAsGeneration = asGeneration
    }

    /// Makes the group's writes durable (one write, one fsync) and releases the lock. On failure
    /// none of them is acknowledged: the state is read again from the files (which hold none of
    /// them, or, after a failed fsync, all of them as every other process reads them) and the
    /// error says why.
    /// The group is one record (`State.merge`), so that it is applied whole or not at all, by a
    /// reader as by a reopening after a crash. A group begun `asGeneration` (an import: a large
    /// group) is instead committed as the next generation: the state, group included, written as a
    /// new snapshot and `CURRENT` switched to it, as a compaction does.
    public func endGroup() throws(StoreError) {
        precondition(grouping, "no group was begun")
        grouping = false
        defer {
            staged = []
            stagedRecords = 0
            if groupHoldsLock {
                groupHoldsLock = false
                releaseLock(true)
            }
        }
        guard stagedRecords > 0 else { return }
        do throws(StoreError) {
            if groupAsGeneration {
                try compactHoldingLock()
                return
            }
            guard let record = State.merge(staged) else {
                throw .invalidRecord("the group's records cannot be joined into one; nothing was written")
            }
            try State.checkReadable(record)
            try append(Record.encode(record))
        } catch {
            settleDiscarded()
            throw error
        }
    }

    /// Ends the group without writing it: its records are dropped, the state is read again from
    /// the files, and the lock is released.
    public func abandonGroup() {
        precondition(grouping, "no group was begun")
        grouping = false
        let wrote = stagedRecords > 0
        staged = []
        stagedRecords = 0
        if wrote { settleDiscarded() }
        if groupHoldsLock {
            groupHoldsLock = false
            releaseLock(true)
        }
    }

    /// The state after a failed group: its records are applied in memory but not acknowledged, so
    /// the state is loaded again from the files, as another process would read them.
    private func settleDiscarded() {
        pending = nil
        do { try load(manifest) } catch {
            broken = "after a failed write, the store could not be read again (\(error)); restart the server"
            unreadable = broken
        }
    }

    /// One write of a group: under the group's lock, on the state with the group's earlier
    /// writes, its record added to the group's (see `beginGroup`).
    private func stage<R, E: Error>(
        _ body: (State) throws(E) -> (record: [UInt8], apply: ((inout State) -> Void)?, result: R)
    ) throws -> R {
        try takeGroupLock()
        let (record, apply, result) = try body(state)
        if record.isEmpty { return result }
        try State.checkReadable(record)
        if let apply { pending = apply } else { try current.apply(record[...]) }
        if !groupAsGeneration { staged.append(record) }
        stagedRecords += 1
        return result
    }

    /// Whether the open group is committed as the next generation (`beginGroup(asGeneration:)`),
    /// so that its writes need no record (`stageForGeneration`).
    public var stagingGeneration: Bool { grouping && groupAsGeneration }

    /// One write of a group committed as the next generation, given in decoded form only: no
    /// record of it is ever written (the group's state becomes the next snapshot, each of whose
    /// records is checked as it is written), so none is encoded. `changes` false: it changed
    /// nothing. An import's million lines each encoded a record that was dropped.
    public func stageForGeneration<R, E: Error>(
        _ body: (State) throws(E) -> (changes: Bool, apply: (inout State) -> Void, result: R)
    ) throws -> R {
        precondition(stagingGeneration, "only a group committed as a generation stages without records")
        try takeGroupLock()
        let (changes, apply, result) = try body(state)
        guard changes else { return result }
        pending = apply
        stagedRecords += 1
        return result
    }

    /// The group's first write takes the lock and catches up; later ones find it held.
    private func takeGroupLock() throws {
        try checkWritable()
        if !groupHoldsLock {
            let taken = try acquireLock()
            do {
                try catchUp(holdingLock: true)
                try checkWritable()
            } catch {
                releaseLock(taken)
                throw error
            }
            precondition(taken, "a group's lock is its own")
            groupHoldsLock = true
        }
    }

    /// Whether writes are refused until the process reopens the store (a failure left the
    /// durability of the files in doubt).
    public var refusesWrites: Bool { broken != nil }

    private func checkWritable() throws(StoreError) {
        if let broken { throw .unavailable(reason: broken) }
        if let why = readOnlyReason { throw .readOnly(reason: why) }
    }

    /// Appends and fsyncs one encoded record; on failure leaves no partial record behind.
    private func append(_ bytes: [UInt8]) throws(StoreError) {
        guard let journal else { throw .unavailable(reason: "no journal is open") }
        if !directorySynced {
            try dir.sync()
            directorySynced = true
        }
        do {
            try journal.write(bytes, at: journalOffset)
        } catch {
            // No whole record was written, so no reader applied one: cut off what was.
            do {
                try journal.truncate(to: journalOffset)
                try journal.sync()
            } catch {
                broken = "a failed append could not be undone (\(error)); restart the server"
            }
            throw error
        }
        // The record is whole in the file now, and a reader may already have applied it: it can
        // no longer be taken back. If the fsync fails, write the same bytes again (the kernel may
        // have dropped the pages it failed to write) and fsync once more.
        do {
            try journal.sync()
        } catch {
            do {
                try journal.write(bytes, at: journalOffset)
                try journal.sync()
            } catch {
                broken =
                    "fsync of the journal failed twice (\(error)); the last write may or may not be durable "
                    + "and no further write is accepted: restart the server"
                // journalOffset stays before the record: this process reads it back as others do.
                throw .unavailable(reason: broken!)
            }
        }
        journalOffset += bytes.count
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

    /// Bytes after the last whole journal record (a torn tail that the next write cuts off).
    public func tornTailBytes() throws(StoreError) -> Int {
        try (journal?.size() ?? 0) - journalOffset
    }

    /// The current generation's files.
    public var files: [String] {
        (manifest.snapshot == nil ? [] : [path(manifest.snapshotName)]) + [path(manifest.journalName)]
    }

    /// Bytes in the current journal.
    public var journalBytes: Int { journalOffset }

    /// Bytes of the current snapshot.
    public var snapshotBytes: Int { manifest.snapshot?.bytes ?? 0 }

    // MARK: compaction

    /// Writes the state as generation N+1's snapshot with an empty journal and switches `CURRENT`
    /// to it; then removes generation N's files.
    public func compact() throws(StoreError) {
        // A group's records are not durable yet: a snapshot must not hold them.
        if grouping { throw .unavailable(reason: "a group of writes is open; compaction waits for it") }
        try compactHoldingLock()
    }

    /// The compaction, under the lock (taken here unless this process holds it: an import's group).
    private func compactHoldingLock() throws(StoreError) {
        try locked { () throws(StoreError) in
            try checkWritable()
            try catchUp(holdingLock: true)
            switch StoreLayout.check(names: try dir.names(), manifest: manifest, size: fileSize) {
            case .failure(let p): throw .damaged(file: path(p.file), offset: 0, reason: p.reason)
            case .success(let stale): for name in stale { try dir.remove(name) }
            }
            leftovers = []
            let g = manifest.generation + 1
            let next = Manifest(generation: g, snapshot: try writeSnapshot(g))
            var created: (any StoreFile)?
            do throws(StoreError) {
                let j = try dir.open(next.journalName, .createNew)
                created = j
                try j.sync()
                try dir.sync()
                try writeManifest(next)
            } catch {
                created?.close()
                // A rename that reported failure may still have happened (some network file systems).
                if broken == nil, (try? readManifest()) == next {
                    broken = "replacing CURRENT reported \(error) but happened; restart the server"
                }
                if broken == nil {
                    try? dir.remove(next.journalName)
                    try? dir.remove(next.snapshotName)
                }
                throw error
            }
            let old = manifest
            journal?.close()
            journal = created
            manifest = next
            journalOffset = 0
            directorySynced = true
            for name in [old.journalName, old.snapshotName] {
                do { try dir.remove(name) } catch { leftovers.append(name) }
            }
            try? dir.sync()
        }
    }

    /// Writes generation `g`'s snapshot (temporary file, fsync, rename) and returns its summary.
    private func writeSnapshot(_ g: Int) throws(StoreError) -> SnapshotSummary {
        let tmp = StoreLayout.snapshotTemporaryName(g)
        let f = try dir.open(tmp, .createNew)
        var offset = 0
        var digest = DigestBuilder()
        do throws(StoreError) {
            var buffer: [UInt8] = []
            for r in state.snapshotRecords() {
                try State.checkReadable(r)
                let encoded = Record.encode(r)
                digest.add(length: UInt32(r.count), crc: Record.read32(encoded, 8))
                buffer.append(contentsOf: encoded)
                if buffer.count > 1 << 20 {
                    try f.write(buffer, at: offset)
                    offset += buffer.count
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try f.write(buffer, at: offset)
            offset += buffer.count
            try f.sync()
            f.close()
            try dir.rename(tmp, to: StoreLayout.snapshotName(g))
        } catch {
            f.close()
            try? dir.remove(tmp)
            throw error
        }
        return digest.summary(bytes: offset)
    }

    // MARK: locking

    /// Whether this process holds the write lock now (flock is per descriptor, so locking again
    /// would do nothing and unlocking would release the outer holder's lock).
    private var holdsLock = false

    /// Takes the lock unless this process holds it already; true when it took it (and so must
    /// give it back with `releaseLock`).
    private func acquireLock() throws(StoreError) -> Bool {
        if holdsLock { return false }
        guard try dir.lockExclusive(timeoutMillis: lockTimeoutMillis) else {
            throw .unavailable(
                reason: "the store at \(directory) is locked by another process for more than \(lockTimeoutMillis) ms")
        }
        holdsLock = true
        return true
    }

    private func releaseLock(_ taken: Bool) {
        guard taken else { return }
        holdsLock = false
        dir.unlock()
    }

    private func underLock<R>(_ body: () throws -> R) throws -> R {
        let taken = try acquireLock()
        defer { releaseLock(taken) }
        return try body()
    }

    private func locked(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        let taken = try acquireLock()
        defer { releaseLock(taken) }
        try body()
    }
}
