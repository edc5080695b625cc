#if canImport(Glibc)
import Glibc
#endif

/// Writes diagnostics to stderr, one line per call; never touches the protocol channel.
public struct Logger: Sendable {
    /// Severity, most severe first.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case error = 0, warning, info, debug
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
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

    public var level: Level
    private let fd: Int32

    public init(level: Level = .info, fd: Int32 = 2) {
        self.level = level
        self.fd = fd
    }

    /// A logger that writes nothing.
    public static let silent = Logger(level: .error, fd: -1)

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard fd >= 0, level <= self.level else { return }
        FileOutput.writeAll(fd, "model-lifecycle: \(level.name): \(message())\n")
    }

    public func error(_ m: @autoclosure () -> String) { log(.error, m()) }
    public func warning(_ m: @autoclosure () -> String) { log(.warning, m()) }
    public func info(_ m: @autoclosure () -> String) { log(.info, m()) }
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
