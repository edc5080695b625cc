#if canImport(Glibc)
import Glibc
#endif

/// The system's random bits (`/dev/urandom`), fetched 4 KiB at a time: a new id takes 16 bytes, and
/// `SystemRandomNumberGenerator` asks the kernel for each 8 (two system calls per entity created,
/// a million in an import).
struct PooledSystemRandom: RandomNumberGenerator {
    private var pool = [UInt64](repeating: 0, count: 512)
    private var taken = 512

    mutating func next() -> UInt64 {
        if taken == pool.count {
            refill()
            taken = 0
        }
        defer { taken += 1 }
        return pool[taken]
    }

    private mutating func refill() {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        let filled =
            fd >= 0
            && pool.withUnsafeMutableBytes { buf -> Bool in
                defer { close(fd) }
                var done = 0
                while done < buf.count {
                    let n = read(fd, buf.baseAddress! + done, buf.count - done)
                    if n > 0 {
                        done += n
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        return false
                    }
                }
                return true
            }
        guard !filled else { return }
        // No /dev/urandom (a sandbox without /dev): the standard library's own source, word by word.
        var system = SystemRandomNumberGenerator()
        for k in pool.indices { pool[k] = system.next() }
    }
}
