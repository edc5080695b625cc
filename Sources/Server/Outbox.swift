import Foundation
import JSONRPC
import Transport

/// Where the processor sends messages. Implementations frame and buffer; `flush` makes
/// everything sent so far visible to the peer.
public protocol Outbox: AnyObject {
    func send(_ message: JSONValue)
    func flush()
}

/// An outbox that frames messages into a buffer and hands the buffer to an `OutputChannel`
/// on `flush` (or when it grows large), so many responses leave in one write.
///
/// Threading: used only by the worker thread.
public final class ChannelOutbox: Outbox {
    private let channel: OutputChannel
    private var buffer: [UInt8] = []
    private var writer = JSONWriter(reservingCapacity: 4096)
    private let flushThreshold: Int

    /// An outbox writing to `channel`, flushing by itself past `flushThreshold` bytes.
    public init(channel: OutputChannel, flushThreshold: Int = 1 << 20) {
        self.channel = channel
        self.flushThreshold = flushThreshold
    }

    /// Whether messages are held back (a group commit in progress): `flush` sends nothing.
    public private(set) var holding = false
    /// Bytes framed and not yet handed to the channel (what a group holds back).
    public var bufferedBytes: Int { buffer.count }

    /// Frames and buffers `message`.
    public func send(_ message: JSONValue) {
        writer.bytes.removeAll(keepingCapacity: true)
        writer.write(message)
        FrameEncoder.append(body: writer.bytes, to: &buffer)
        if writer.bytes.count > 1 << 22 { writer = JSONWriter(reservingCapacity: 4096) }
        if buffer.count >= flushThreshold { flush() }
    }

    /// Sends what is buffered, then holds back everything sent until `release` or `discardHeld`:
    /// the answers of a group commit leave only once the group is durable.
    public func hold() {
        flush()
        holding = true
    }

    /// Stops holding back; what was held leaves with the next `flush`.
    public func release() { holding = false }

    /// Drops what was held back (a group that could not be committed is answered again).
    public func discardHeld() {
        holding = false
        buffer = []
    }

    /// Hands everything buffered to the channel (nothing while holding).
    public func flush() {
        guard !buffer.isEmpty, !holding else { return }
        channel.send(buffer)
        buffer = []
        buffer.reserveCapacity(4096)
    }
}

/// An outbox that keeps messages in memory (in-process tests and the CLI). Safe from any thread:
/// its state is guarded by `lock`.
public final class CollectingOutbox: Outbox, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [JSONValue] = []
    private var flushes = 0

    /// An empty outbox.
    public init() {}

    /// What was sent and not yet taken.
    public var messages: [JSONValue] { lock.withLock { sent } }
    /// How many times the processor flushed.
    public var flushCount: Int { lock.withLock { flushes } }

    /// Keeps `message`.
    public func send(_ message: JSONValue) { lock.withLock { sent.append(message) } }
    /// Counts the flush.
    public func flush() { lock.withLock { flushes += 1 } }

    /// Removes and returns what was sent so far.
    public func takeMessages() -> [JSONValue] {
        lock.withLock {
            defer { sent = [] }
            return sent
        }
    }
}
