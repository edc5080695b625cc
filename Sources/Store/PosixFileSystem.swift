#if canImport(Glibc)
import Glibc
#endif

/// The store's file operations on a real file system: the directory is held open and every file
/// is opened, renamed and removed relative to it (`openat`, `renameat`, `unlinkat`), so a
/// directory moved or replaced under a running process is detected, never written blindly.
public final class PosixFileSystem: StoreFileSystem {
    /// The real file system.
    public init() {}

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// What `path` names, following symbolic links.
    public func kind(of path: String) -> FileKind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        return (st.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
    }

    /// Creates `path` and its missing parents (mode 0700), and fsyncs the parent of the new directory.
    public func makeDirectory(_ path: String) throws(StoreError) {
        switch kind(of: path) {
        case .directory: return
        case .other: throw .cannotOpen(path: path, reason: "it exists and is not a directory")
        case .missing: break
        }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .cannotOpen(path: path, reason: Self.errorText())
        }
        // The new directory's name is an entry of its parent: durable only once the parent is synced.
        let p = Glibc.open(
            parent.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if p >= 0 {
            let synced = fsync(p) == 0
            Glibc.close(p)
            if !synced {
                throw .cannotOpen(path: path, reason: "cannot sync its parent directory: \(Self.errorText())")
            }
        }
    }

    /// Opens `path` by descriptor, with its `lock` file (created only `forWriting`).
    public func openDirectory(_ path: String, forWriting: Bool) throws(StoreError) -> any StoreDirectory {
        try PosixDirectory(path: path, forWriting: forWriting)
    }
}

/// A directory held open by descriptor, with the store's lock file.
final class PosixDirectory: StoreDirectory {
    let path: String
    private let fd: Int32
    private let device: UInt64
    private let inode: UInt64
    /// The `lock` file, or -1 when it cannot be opened (a read-only store without one).
    private let lockFD: Int32
    private(set) var readOnlyReason: String?

    init(path: String, forWriting: Bool) throws(StoreError) {
        self.path = path
        fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw .cannotOpen(path: path, reason: PosixFileSystem.errorText()) }
        var st = stat()
        fstat(fd, &st)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        var lock = forWriting ? openat(fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600) : -1
        if !forWriting {
            readOnlyReason = "opened for checking only"
            lock = openat(fd, "lock", O_RDONLY | O_CLOEXEC)
        } else if lock < 0 {
            let why = PosixFileSystem.errorText()
            readOnlyReason = "the store directory \(path) cannot be written (\(why))"
            lock = openat(fd, "lock", O_RDONLY | O_CLOEXEC)
        } else if faccessat(fd, ".", W_OK, AT_EACCESS) != 0 {
            readOnlyReason = "the store directory \(path) cannot be written (\(PosixFileSystem.errorText()))"
        }
        lockFD = lock
    }

    deinit {
        if lockFD >= 0 { Glibc.close(lockFD) }
        Glibc.close(fd)
    }

    func open(_ name: String, _ mode: OpenMode) throws(StoreError) -> any StoreFile {
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createNew: flags = O_RDWR | O_CREAT | O_EXCL
        }
        let f = openat(fd, name, flags | O_CLOEXEC, 0o600)
        if f < 0 {
            if errno == ENOENT { throw .notFound(path: "\(path)/\(name)") }
            if mode != .read && [EROFS, EACCES, EPERM].contains(errno) {
                throw .readOnly(reason: "\(path)/\(name) cannot be written (\(PosixFileSystem.errorText()))")
            }
            throw .io(path: "\(path)/\(name)", reason: PosixFileSystem.errorText())
        }
        return PosixFile(fd: f, name: name, directory: path)
    }

    func names() throws(StoreError) -> [String] {
        let copy = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard copy >= 0 else { throw .io(path: path, reason: PosixFileSystem.errorText()) }
        guard let d = fdopendir(copy) else {
            let why = PosixFileSystem.errorText()
            Glibc.close(copy)
            throw .io(path: path, reason: why)
        }
        defer { closedir(d) }
        var out: [String] = []
        while true {
            errno = 0
            guard let e = readdir(d) else {
                // A short listing would look like missing files: an error ends it loudly.
                if errno != 0 { throw .io(path: path, reason: PosixFileSystem.errorText()) }
                return out
            }
            let name = withUnsafePointer(to: e.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
    }

    func rename(_ from: String, to: String) throws(StoreError) {
        if renameat(fd, from, fd, to) != 0 { throw .io(path: "\(path)/\(from)", reason: PosixFileSystem.errorText()) }
    }

    func remove(_ name: String) throws(StoreError) {
        if unlinkat(fd, name, 0) != 0 && errno != ENOENT {
            throw .io(path: "\(path)/\(name)", reason: PosixFileSystem.errorText())
        }
    }

    func sync() throws(StoreError) {
        if fsync(fd) != 0 { throw .io(path: path, reason: PosixFileSystem.errorText()) }
    }

    func identityProblem(forWriting: Bool) throws(StoreError) -> String? {
        // A removed directory no longer resolves, and a new one at its path is another inode.
        var now = stat()
        if stat(path, &now) != 0 || UInt64(now.st_dev) != device || UInt64(now.st_ino) != inode {
            return "the store directory \(path) was removed, moved or replaced"
        }
        if forWriting && lockFD >= 0 {
            var held = stat()
            var named = stat()
            fstat(lockFD, &held)
            if fstatat(fd, "lock", &named, AT_SYMLINK_NOFOLLOW) != 0 || named.st_ino != held.st_ino {
                return "the store's lock file \(path)/lock was removed or replaced"
            }
        }
        return nil
    }

    func sizeIfCurrent(_ name: String, _ file: any StoreFile) throws(StoreError) -> Int? {
        guard let file = file as? PosixFile else { return nil }
        var held = stat()
        var named = stat()
        if fstat(file.fd, &held) != 0 { throw .io(path: "\(path)/\(name)", reason: PosixFileSystem.errorText()) }
        guard held.st_nlink > 0, fstatat(fd, name, &named, AT_SYMLINK_NOFOLLOW) == 0,
            named.st_ino == held.st_ino, named.st_dev == held.st_dev
        else { return nil }
        return Int(held.st_size)
    }

    func lockExclusive(timeoutMillis: Int) throws(StoreError) -> Bool {
        guard lockFD >= 0 else { throw .readOnly(reason: readOnlyReason ?? "the store has no lock file") }
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        var spins = 0
        while flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            guard errno == EWOULDBLOCK else { throw .io(path: path + "/lock", reason: PosixFileSystem.errorText()) }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1_000_000
            if waited >= timeoutMillis { return false }
            spins += 1
            usleep(spins < 50 ? 100 : 1000)
        }
        return true
    }

    func unlock() {
        if lockFD >= 0 { flock(lockFD, LOCK_UN) }
    }
}

/// A file of the store, by descriptor.
final class PosixFile: StoreFile {
    let fd: Int32
    let name: String
    private let directory: String
    private var closed = false

    init(fd: Int32, name: String, directory: String) {
        self.fd = fd
        self.name = name
        self.directory = directory
    }

    deinit { close() }

    private var path: String { "\(directory)/\(name)" }

    func size() throws(StoreError) -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw .io(path: path, reason: PosixFileSystem.errorText()) }
        return Int(st.st_size)
    }

    func read(from offset: Int, count: Int) throws(StoreError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: StoreError?
        // Not zero-filled first: a snapshot is tens of megabytes, and every request reads CURRENT.
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(StoreError) {
                initialized = try read(from: offset, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return out
    }

    func read(from offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StoreError) -> Int {
        let count = buffer.count
        guard count > 0 else { return 0 }
        var done = 0
        while done < count {
            let asked = count - done
            let n = pread(fd, buffer.baseAddress! + done, asked, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: PosixFileSystem.errorText(errno))
            }
            done += n
            // A regular file reads short only at its end (or at the kernel's 2 GiB cap per call).
            if n == 0 || (n < asked && n < 0x7fff_f000) { break }
        }
        return done
    }

    func write(_ bytes: [UInt8], at offset: Int) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + done, bytes.count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: PosixFileSystem.errorText())
            }
            done += n
        }
    }

    func truncate(to size: Int) throws(StoreError) {
        if ftruncate(fd, off_t(size)) != 0 { throw .io(path: path, reason: PosixFileSystem.errorText()) }
    }

    func sync() throws(StoreError) {
        if fdatasync(fd) != 0 { throw .io(path: path, reason: PosixFileSystem.errorText()) }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}
