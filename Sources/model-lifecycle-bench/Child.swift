import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process over pipes (stdin, stdout; stderr discarded), started with `posix_spawn` so
/// its peak memory can be read from `wait4`. `@unchecked Sendable` without a lock: the harness
/// hands it to one background writer that only writes its stdin, while the main thread reads.
final class Child: @unchecked Sendable {
    let pid: pid_t
    let input: Int32
    let output: Int32

    init(_ argv: [String], environment: [String: String]? = nil) throws {
        var inPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { throw BenchError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in inPipe + outPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, nil, &cArgs, &cEnv)
        posix_spawn_file_actions_destroy(&actions)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        pid = child
        input = inPipe[1]
        output = outPipe[0]
    }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    /// Writes on a separate thread (so a large request stream cannot deadlock against unread output).
    func writeInBackground(_ bytes: [UInt8]) -> Thread {
        let t = Thread { [self] in write(bytes) }
        t.start()
        return t
    }

    func closeInput() { close(input) }

    /// Waits for exit; returns the exit status and peak resident memory in bytes.
    func wait() -> (status: Int32, peakBytes: Int) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        close(output)
        return ((status >> 8) & 0xff, Int(usage.ru_maxrss) * 1024)
    }
}

/// Reads frames from a child's stdout.
struct FrameReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 20)
    }

    private mutating func fill() -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Skips the next frame without copying its body; false at end of output.
    mutating func skip() -> Bool {
        while true {
            if let (bodyStart, length) = header(), buffer.count - bodyStart >= length {
                start = bodyStart + length
                if start > (1 << 20) {
                    buffer.removeFirst(start)
                    start = 0
                }
                return true
            }
            if !fill() { return false }
        }
    }

    /// The next frame's body, or nil at end of output.
    mutating func next() -> [UInt8]? {
        while true {
            if let (bodyStart, length) = header(), buffer.count - bodyStart >= length {
                let body = Array(buffer[bodyStart..<(bodyStart + length)])
                start = bodyStart + length
                if start > (1 << 20) {
                    buffer.removeFirst(start)
                    start = 0
                }
                return body
            }
            if !fill() { return nil }
        }
    }

    private func header() -> (Int, Int)? {
        var i = start
        var length = -1
        while i + 3 < buffer.count {
            let b = buffer[i]
            if b == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                return length >= 0 ? (i + 4, length) : nil
            }
            // "Content-Length: " (case-insensitive first letter check is enough for these servers)
            if (b == 67 || b == 99) && i + 16 <= buffer.count && buffer[i + 14] == 58 {
                var j = i + 15
                var n = 0
                while j < buffer.count && buffer[j] == 32 { j += 1 }
                while j < buffer.count && buffer[j] >= 48 && buffer[j] <= 57 {
                    n = n * 10 + Int(buffer[j] - 48)
                    j += 1
                }
                length = n
                i = j
                continue
            }
            i += 1
        }
        return nil
    }

    /// Skips frames until the response with this id (looked up in the body's first 80 bytes).
    mutating func response(id: Int) -> [UInt8]? {
        let needles = [Array("\"id\":\(id),".utf8), Array("\"id\":\(id)}".utf8), Array("\"id\": \(id),".utf8)]
        while let body = next() {
            let head = body.prefix(80)
            if needles.contains(where: { Self.find($0, in: head) }) && !Self.find(Array("\"method\"".utf8), in: head) {
                return body
            }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Bool {
        guard hay.count >= needle.count else { return false }
        let base = hay.startIndex
        outer: for i in 0...(hay.count - needle.count) {
            for j in 0..<needle.count where hay[base + i + j] != needle[j] { continue outer }
            return true
        }
        return false
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func frame(_ json: String) -> [UInt8] {
    let body = Array(json.utf8)
    return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
}

/// Monotonic seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs a shell command; returns stdout.
@discardableResult
func shell(_ command: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw BenchError("command failed (\(p.terminationStatus)): \(command)") }
    return String(decoding: data, as: UTF8.self)
}
