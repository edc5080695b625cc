import Foundation
import JSONRPC
import Transport

/// Where the processor sends messages. Implementations frame and buffer; `flush` makes
/// everything sent so far visible to the peer.
public protocol Outbox: AnyObject {
    func send(_ message: JSONValue)
    func flush()
}

/// An outbox that hands messages to an `OutputChannel` on `flush` (or when they grow large), so
/// many responses leave in one write. A large answer (a create's view) is encoded and framed by
/// the channel's writer thread, off the worker thread that handles the requests; a small one
/// (`isSmall`) is encoded here, where that costs less than handing it over.
///
/// Threading: used only by the worker thread.
public final class ChannelOutbox: Outbox {
    private let channel: OutputChannel
    /// What `flush` hands over, in order; frames of small messages gather in `framed` first.
    private var pending: [OutputChannel.Outgoing] = []
    private var framed: [UInt8] = []
    private var deferred: [JSONValue] = []
    private var writer = JSONWriter(reservingCapacity: 4096)
    private var pendingBytes = 0
    private let flushThreshold: Int
    /// Whether a message is encoded on the worker thread: an answer whose result is a scalar,
    /// or an object or array of fewer than eight members (or already-serialized bytes under 256),
    /// and every message that is not an answer. Judged by the shape, not by walking the value:
    /// a walk cost a trivial request more than its encoding saved.
    static func isSmall(_ message: JSONValue) -> Bool {
        guard case .object(let envelope) = message, let result = envelope["result"] else { return true }
        switch result {
        case .object(let o): return o.members.count < 8
        case .array(let a): return a.count < 8
        case .serialized(let s): return s.bytes.count < 256
        default: return true
        }
    }

    /// An outbox writing to `channel`, flushing by itself past about `flushThreshold` bytes.
    public init(channel: OutputChannel, flushThreshold: Int = 1 << 20) {
        self.channel = channel
        self.flushThreshold = flushThreshold
    }

    /// Whether messages are held back (a group commit in progress): `flush` sends nothing.
    public private(set) var holding = false
    /// About the bytes of the messages not yet handed to the channel (what a group holds back):
    /// exact for the ones encoded here, `JSONValue.estimatedBytes` for the others.
    public var bufferedBytes: Int { pendingBytes }

    public func send(_ message: JSONValue) {
        if Self.isSmall(message) {
            if !deferred.isEmpty {
                pending.append(.messages(deferred))
                deferred = []
            }
            let before = framed.count
            writer.bytes.removeAll(keepingCapacity: true)
            writer.write(message)
            FrameEncoder.append(body: writer.bytes, to: &framed)
            pendingBytes += framed.count - before
        } else {
            if !framed.isEmpty {
                pending.append(.bytes(framed))
                framed = []
            }
            deferred.append(message)
            pendingBytes += message.estimatedBytes + 32
        }
        if pendingBytes >= flushThreshold { flush() }
    }

    /// Flushes what is pending, then holds what follows until `release`.
    public func hold() {
        flush()
        holding = true
    }

    /// Ends holding (the caller flushes).
    public func release() { holding = false }

    /// Drops what was held (its group was not committed) and ends holding.
    public func discardHeld() {
        holding = false
        pending = []
        framed = []
        deferred = []
        pendingBytes = 0
    }

    public func flush() {
        guard pendingBytes > 0, !holding else { return }
        if !framed.isEmpty { pending.append(.bytes(framed)) }
        if !deferred.isEmpty { pending.append(.messages(deferred)) }
        channel.send(pending)
        pending = []
        framed = []
        framed.reserveCapacity(4096)
        deferred = []
        pendingBytes = 0
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
