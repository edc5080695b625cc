import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads the protocol input descriptor on its own thread and turns bytes into frame events.
///
/// The reader never waits on the writer or the worker: it hands each read's events to `deliver`
/// and reads again, so a client that is slow to read responses cannot deadlock the server.
/// After a fatal framing event or end of input the thread ends.
public enum InputReader {
    /// What the reader reports after one read.
    public enum Report: Sendable {
        /// Events parsed from the bytes just read (possibly none).
        case events([FrameEvent])
        /// End of input; carries a framing error when the input stopped inside a frame.
        case endOfInput(FramingError?)
    }

    /// Starts the reader thread. `deliver` is called on that thread, in stream order.
    public static func start(fd: Int32, limits: FrameParser.Limits, deliver: @escaping @Sendable (Report) -> Void) {
        let thread = Thread {
            var parser = FrameParser(limits: limits)
            let capacity = 256 * 1024
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let n = read(fd, buffer.baseAddress!, capacity)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    deliver(.endOfInput(parser.finish()))
                    return
                }
                if n == 0 {
                    deliver(.endOfInput(parser.finish()))
                    return
                }
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                var events: [FrameEvent] = []
                var fatal = false
                while let e = parser.next() {
                    events.append(e)
                    if case .fatal = e {
                        fatal = true
                        break
                    }
                }
                if !events.isEmpty { deliver(.events(events)) }
                if fatal { return }
            }
        }
        thread.name = "model-lifecycle.reader"
        thread.stackSize = 1 << 20
        thread.start()
    }
}
