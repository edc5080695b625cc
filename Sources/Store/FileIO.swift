#if canImport(Glibc)
import Glibc
#endif

/// Thin, error-checked wrappers over POSIX file calls, used only by the store.
enum FileIO {
    static func errorText() -> String { String(cString: strerror(errno)) }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(StoreError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw .io(path: path, reason: errorText()) }
        return fd
    }

    static func size(_ fd: Int32, path: String) throws(StoreError) -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw .io(path: path, reason: errorText()) }
        return Int(st.st_size)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func readAll(_ fd: Int32, from offset: Int, count: Int, path: String) throws(StoreError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 { if errno == EINTR { continue }; throw .io(path: path, reason: errorText()) }
            if n == 0 { out.removeLast(count - done); break }
            done += n
        }
        return out
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(StoreError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if n < 0 { if errno == EINTR { continue }; throw .io(path: path, reason: errorText()) }
            done += n
        }
    }

    static func sync(_ fd: Int32, path: String) throws(StoreError) {
        if fdatasync(fd) != 0 { throw .io(path: path, reason: errorText()) }
    }

    static func syncDirectory(_ path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates the directory and missing parents; the leaf gets mode 0700.
    static func makeDirectory(_ path: String) throws(StoreError) {
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) != S_IFDIR { throw .cannotOpen(path: path, reason: "it exists and is not a directory") }
            return
        }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .cannotOpen(path: path, reason: errorText())
        }
    }
}
