import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

/// The single owner of the protocol output descriptor.
///
/// Callers hand over whole frames (or runs of whole frames), or messages to be framed, with
/// `send`; a dedicated writer thread encodes and writes them in order, so frames
/// never interleave and the caller never blocks on a slow reader (nor spends its time encoding).
/// When the peer closes the pipe (EPIPE; SIGPIPE must be ignored by the process) the channel
/// discards further output and reports it once through `onClosed`.
///
/// Threading: queue state is guarded by `condition`; the descriptor is used only by the writer thread.
public final class OutputChannel: @unchecked Sendable {
    private let fd: Int32
    private let condition = NSCondition()
    private var queue: [Outgoing] = []
    /// What may be queued: frames already encoded, or messages the writer thread encodes and frames.
    public enum Outgoing: Sendable {
        case bytes([UInt8])
        case messages([JSONValue])
    }
    private var writing = false
    private var closed = false
    private let onClosed: @Sendable () -> Void

    /// Starts the writer thread for `fd`. `onClosed` runs on the writer thread when the peer is gone.
    public init(fd: Int32, onClosed: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.onClosed = onClosed
        let thread = Thread { [self] in self.writerLoop() }
        thread.name = "model-lifecycle.writer"
        thread.start()
    }

    /// Queues frames and messages, written in the order given. Never blocks on the peer.
    public func send(_ items: [Outgoing]) {
        guard !items.isEmpty else { return }
        condition.lock()
        if !closed {
            queue.append(contentsOf: items)
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The frames of `messages`, appended to `out`.
    private static func frame(_ messages: [JSONValue], into out: inout [UInt8], writer: inout JSONWriter) {
        for m in messages {
            writer.bytes.removeAll(keepingCapacity: true)
            writer.write(m)
            FrameEncoder.append(body: writer.bytes, to: &out)
        }
        if writer.bytes.count > 1 << 22 { writer = JSONWriter(reservingCapacity: 4096) }
    }

    /// Blocks until everything queued so far is written, or the peer is gone.
    public func drain() {
        condition.lock()
        while !closed && (writing || !queue.isEmpty) { condition.wait() }
        condition.unlock()
    }

    /// True once the peer closed the pipe.
    public var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    private func writerLoop() {
        var writer = JSONWriter(reservingCapacity: 4096)
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let items = queue
            queue.removeAll(keepingCapacity: true)
            writing = true
            condition.unlock()

            var chunks: [[UInt8]] = []
            for item in items {
                switch item {
                case .bytes(let b): chunks.append(b)
                case .messages(let m):
                    var framed: [UInt8] = []
                    framed.reserveCapacity(256 * m.count)
                    Self.frame(m, into: &framed, writer: &writer)
                    chunks.append(framed)
                }
            }

            // Small chunks are coalesced into one write; large ones go out as they are (no copy).
            if chunks.count > 1 && chunks.reduce(0, { $0 + $1.count }) < 1 << 16 {
                var joined: [UInt8] = []
                joined.reserveCapacity(1 << 16)
                for c in chunks { joined.append(contentsOf: c) }
                chunks = [joined]
            }
            var ok = true
            for c in chunks where ok { ok = writeFully(c) }

            condition.lock()
            writing = false
            if !ok {
                closed = true
                queue.removeAll()
            }
            condition.broadcast()
            condition.unlock()
            if !ok {
                onClosed()
                return
            }
        }
    }

    private func writeFully(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                    continue
                }
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                return false
            }
            return true
        }
    }
}
