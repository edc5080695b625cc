/// Why the store cannot serve. Opening failures end the process with exit code 3.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory cannot be created or used.
    case cannotOpen(path: String, reason: String)
    /// There is no store at the path (a missing or empty directory, opened without creating).
    case noStore(path: String, reason: String)
    /// A file is damaged, missing, or does not belong, somewhere other than a torn final record.
    case damaged(file: String, offset: Int, reason: String)
    /// A file the store named does not exist (raised by the file system layer; the store turns it
    /// into `damaged` once it knows the file is not merely being replaced by a compaction).
    case notFound(path: String)
    /// A read or write failed (disk full, I/O error).
    case io(path: String, reason: String)
    /// Writes are impossible here (a read-only directory or mount); reads go on.
    case readOnly(reason: String)
    /// The store cannot take writes now: the lock is held too long, the directory was removed or
    /// replaced, or an earlier failure left durability in doubt until the process restarts.
    case unavailable(reason: String)
    /// A record decoded but does not make sense (a bug or tampering).
    case invalidRecord(String)

    /// What an operator can do about it, for the message of a process that cannot start.
    public var remedy: String {
        switch self {
        case .damaged, .invalidRecord:
            "nothing was changed; restore the store from a backup, or move it aside (a directory) or use a new database to start a new store"
        case .noStore:
            "give the location of an existing store with --store (a directory or a postgresql:// URI), or serve it once to create a new store"
        case .readOnly: "serve from a writable directory to write; reads work as they are"
        case .unavailable: "retry once the other process is done, or restart the server"
        case .cannotOpen, .notFound, .io: "check the path, its permissions and the free disk space"
        }
    }

    /// What happened, naming the file and, for damage, the byte offset.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open store \(path): \(reason)"
        case .noStore(let path, let reason): "no store at \(path): \(reason)"
        case .damaged(let file, let offset, let reason):
            "store file \(file) is damaged at byte offset \(offset): \(reason)"
        case .notFound(let path): "store file \(path) does not exist"
        case .io(let path, let reason): "store I/O failed on \(path): \(reason)"
        case .readOnly(let reason): "the store is read-only: \(reason)"
        case .unavailable(let reason): "the store is unavailable: \(reason)"
        case .invalidRecord(let reason): "invalid store record: \(reason)"
        }
    }
}

/// What the engine needs from the state it keeps.
public protocol StoreState: SendableMetatype {
    /// A record decoded but not yet applied. Loading a snapshot decodes records on a second
    /// thread while the first applies the ones before them, so decoding must not read the state.
    associatedtype Decoded: Sendable = ArraySlice<UInt8>
    init()
    /// Applies one committed record (from the journal or a snapshot). Deterministic.
    mutating func apply(_ payload: ArraySlice<UInt8>) throws(StoreError)
    /// Decodes one record without the state (any thread).
    static func decode(_ payload: ArraySlice<UInt8>) throws(StoreError) -> Decoded
    /// Applies a decoded record: the same effect as `apply(_:)` of its payload.
    mutating func apply(decoded: Decoded) throws(StoreError)
    /// Records that rebuild this state from empty, for a snapshot.
    func snapshotRecords() -> [[UInt8]]
    /// Throws when `decode` could not read `payload` back (too deep, too large): the store calls
    /// it on every record before it is made durable, journal and snapshot alike, so what the
    /// store acknowledged it can always read back.
    static func checkReadable(_ payload: [UInt8]) throws(StoreError)
    /// One record with the effect of applying `payloads` in order, or nil when they cannot be
    /// joined: a group commit writes its transactions as one record, so that it is applied (by
    /// a reader, or after a crash) whole or not at all.
    static func merge(_ payloads: [[UInt8]]) -> [UInt8]?
}

extension StoreState {
    /// By default every record is readable.
    public static func checkReadable(_ payload: [UInt8]) throws(StoreError) {}
    /// By default records are not joined: a group of one record is written as it is, a larger
    /// one is refused whole (`JournalStore.endGroup`), nothing of it written.
    public static func merge(_ payloads: [[UInt8]]) -> [UInt8]? { payloads.count == 1 ? payloads[0] : nil }
}

extension StoreState where Decoded == ArraySlice<UInt8> {
    /// Without a decoded form, decoding is applying the bytes.
    public static func decode(_ payload: ArraySlice<UInt8>) throws(StoreError) -> ArraySlice<UInt8> { payload }
    /// Applies the payload itself.
    public mutating func apply(decoded: ArraySlice<UInt8>) throws(StoreError) { try apply(decoded) }
}
