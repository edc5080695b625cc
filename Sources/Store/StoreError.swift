/// Why the store cannot serve. Opening failures end the process with exit code 3.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory cannot be created or used.
    case cannotOpen(path: String, reason: String)
    /// A file is damaged somewhere other than a torn final record.
    case damaged(file: String, offset: Int, reason: String)
    /// A read or write failed (disk full, read-only, I/O error).
    case io(path: String, reason: String)
    /// A record decoded but does not make sense (a bug or tampering).
    case invalidRecord(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open store \(path): \(reason)"
        case .damaged(let file, let offset, let reason): "store file \(file) is damaged at byte offset \(offset): \(reason)"
        case .io(let path, let reason): "store I/O failed on \(path): \(reason)"
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
}

extension StoreState where Decoded == ArraySlice<UInt8> {
    /// Without a decoded form, decoding is applying the bytes.
    public static func decode(_ payload: ArraySlice<UInt8>) throws(StoreError) -> ArraySlice<UInt8> { payload }
    public mutating func apply(decoded: ArraySlice<UInt8>) throws(StoreError) { try apply(decoded) }
}
