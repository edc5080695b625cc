/// The file operations the store makes, all of them relative to the store's directory.
///
/// The real implementation is `PosixFileSystem`; tests substitute one that fails or "crashes" at
/// any chosen call, or that lets a scheduler interleave several stores call by call. Every
/// operation the store's correctness depends on passes through here, so a fault can be injected
/// at each of them.
public protocol StoreFileSystem: AnyObject {
    /// Whether `path` exists, and whether it is a directory.
    func kind(of path: String) -> FileKind
    /// Creates `path` and its missing parents (the leaf with mode 0700).
    func makeDirectory(_ path: String) throws(StoreError)
    /// Opens an existing directory and keeps it open: every later operation on the handle is
    /// relative to that directory, wherever its path then points. Only `forWriting` may create
    /// the `lock` file.
    func openDirectory(_ path: String, forWriting: Bool) throws(StoreError) -> any StoreDirectory
}

/// What a path names.
public enum FileKind: Sendable, Equatable {
    case missing, directory, other
}

/// How to open a file in the store's directory.
public enum OpenMode: Sendable, Equatable {
    /// An existing file, for reading.
    case read
    /// An existing file, for reading and writing.
    case readWrite
    /// A new file that must not exist yet (`O_CREAT | O_EXCL`), for reading and writing.
    case createNew
}

/// An open store directory.
public protocol StoreDirectory: AnyObject {
    /// The path it was opened by (for messages).
    var path: String { get }
    /// Opens `name`; `StoreError.notFound` when it does not exist.
    func open(_ name: String, _ mode: OpenMode) throws(StoreError) -> any StoreFile
    /// The names of its entries, `.` and `..` excluded.
    func names() throws(StoreError) -> [String]
    /// Atomically renames `from` to `to`, replacing `to`.
    func rename(_ from: String, to: String) throws(StoreError)
    /// Removes `name`; a missing one is not an error.
    func remove(_ name: String) throws(StoreError)
    /// Makes its entries (creations, renames, removals) durable.
    func sync() throws(StoreError)
    /// Why the directory is no longer the one opened, or nil while it is: its path now names
    /// another directory or nothing. `forWriting` (under the lock) also checks that `lock` is
    /// still the file locked, so that every writer locks the same one.
    func identityProblem(forWriting: Bool) throws(StoreError) -> String?
    /// The size of `file` when `name` is the very file it has open (not removed, not replaced);
    /// nil when it is not.
    func sizeIfCurrent(_ name: String, _ file: any StoreFile) throws(StoreError) -> Int?
    /// Why writes are impossible (a read-only directory), or nil when they may be tried.
    var readOnlyReason: String? { get }
    /// Takes the inter-process write lock, waiting at most `timeoutMillis`; false when it timed out.
    func lockExclusive(timeoutMillis: Int) throws(StoreError) -> Bool
    /// Releases the write lock.
    func unlock()
}

/// An open file of the store.
public protocol StoreFile: AnyObject {
    /// Its name in the store's directory (for messages).
    var name: String { get }
    func size() throws(StoreError) -> Int
    /// Up to `count` bytes from `offset` (fewer at the end of the file).
    func read(from offset: Int, count: Int) throws(StoreError) -> [UInt8]
    /// Up to `buffer.count` bytes from `offset` into `buffer` (fewer at the end of the file);
    /// how many. The snapshot reader fills one buffer again and again with it: the pages of a
    /// fresh one per read were a fifth of what opening a big store cost.
    func read(from offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int
    func write(_ bytes: [UInt8], at offset: Int) throws(StoreError)
    func truncate(to size: Int) throws(StoreError)
    /// Makes its contents durable.
    func sync() throws(StoreError)
    func close()
}

extension StoreFile {
    /// By `read(from:count:)`, copied (what a file with no faster way does).
    public func read(from offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int {
        let bytes = try read(from: offset, count: buffer.count)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return bytes.count
    }

    /// The whole file.
    func readAll() throws(StoreError) -> [UInt8] { try read(from: 0, count: try size()) }
}
