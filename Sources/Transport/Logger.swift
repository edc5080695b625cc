#if canImport(Glibc)
import Glibc
#endif

/// Writes diagnostics to stderr, one line per call; never touches the protocol channel.
public struct Logger: Sendable {
    /// Severity, most severe first.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case error = 0, warning, info, debug
        /// Orders by verbosity: `error` < `warning` < `info` < `debug`.
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        /// The lowercase name written in log lines and accepted by `--log-level`.
        public var name: String {
            switch self {
            case .error: "error"
            case .warning: "warning"
            case .info: "info"
            case .debug: "debug"
            }
        }
        /// Parses `error`, `warning` (or `warn`), `info`, `debug`.
        public init?(name: String) {
            switch name.lowercased() {
            case "error": self = .error
            case "warning", "warn": self = .warning
            case "info": self = .info
            case "debug": self = .debug
            default: return nil
            }
        }
    }

    /// The most verbose level written; messages of a more verbose level are dropped.
    public var level: Level
    private let fd: Int32

    /// A logger writing messages of `level` or more severe to `fd` (stderr by default).
    public init(level: Level = .info, fd: Int32 = 2) {
        self.level = level
        self.fd = fd
    }

    /// A logger that writes nothing.
    public static let silent = Logger(level: .error, fd: -1)

    /// Writes `model-lifecycle: LEVEL: message` as one line when `level` is enabled; the message is built only then.
    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard fd >= 0, level <= self.level else { return }
        FileOutput.writeAll(fd, "model-lifecycle: \(level.name): \(message())\n")
    }

    /// Logs `m` at `error` level.
    public func error(_ m: @autoclosure () -> String) { log(.error, m()) }
    /// Logs `m` at `warning` level.
    public func warning(_ m: @autoclosure () -> String) { log(.warning, m()) }
    /// Logs `m` at `info` level.
    public func info(_ m: @autoclosure () -> String) { log(.info, m()) }
    /// Logs `m` at `debug` level.
    public func debug(_ m: @autoclosure () -> String) { log(.debug, m()) }
}

/// Whole-string writes to a file descriptor (stdout for --help, stderr for diagnostics).
public enum FileOutput {
    /// Writes all of `text`, retrying on EINTR; gives up silently when the descriptor is closed.
    public static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { u in
            var off = 0
            while off < u.count {
                let n = write(fd, u.baseAddress! + off, u.count - off)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}
