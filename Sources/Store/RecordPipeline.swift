import Dispatch

/// Reads a snapshot's records on a second thread — checking each checksum and decoding it — while
/// the calling thread applies them in order: loading a snapshot then takes about as long as the
/// slower of the two halves instead of their sum (the machine this serves on has two cores).
///
/// At most `lead` decoded records wait ahead of the consumer, so memory stays bounded. The first
/// damaged or undecodable record ends the walk: it is reported after every record before it was
/// applied, as a sequential reader would report it.
///
/// The second thread touches only `bytes` (never a file: the store's file operations stay on the
/// caller's thread, where fault injection and the interleaving explorer see them).
enum RecordPipeline {
    /// Walks the records of `bytes[..<end]` (all of it by default); `base` is the file offset of
    /// `bytes[0]`, for the offsets damage is reported at.
    static func forEach<Decoded: Sendable>(
        recordsOf bytes: [UInt8], upTo end: Int? = nil, base: Int = 0, path: String, lead: Int = 8,
        decode: @escaping @Sendable (ArraySlice<UInt8>) throws(StoreError) -> Decoded,
        apply: (Decoded) throws(StoreError) -> Void
    ) throws(StoreError) {
        let shared = Shared<Decoded>(lead: lead)
        let end = min(end ?? bytes.count, bytes.count)
        DispatchQueue.global(qos: .userInitiated).async {
            var offset = 0
            while offset < end && !shared.isAbandoned {
                let item: Result<Decoded, StoreError>
                switch Record.decode(bytes, at: offset, end: end) {
                case .record(let payload, let next):
                    do throws(StoreError) { item = .success(try decode(payload)) } catch { item = .failure(error) }
                    offset = next
                case .incomplete:
                    item = .failure(
                        .damaged(file: path, offset: base + offset, reason: "snapshot ends inside a record"))
                case .damaged(let why):
                    item = .failure(.damaged(file: path, offset: base + offset, reason: why))
                }
                shared.put(item)
                if case .failure = item { break }
            }
            shared.finish()
        }
        defer { shared.abandon() }
        while let item = shared.take() {
            switch item {
            case .success(let decoded): try apply(decoded)
            case .failure(let error): throw error
            }
        }
    }

    /// The hand-over between the two threads. Guarded by `mutex`; safe from any thread.
    private final class Shared<Decoded: Sendable>: @unchecked Sendable {
        private let mutex = DispatchSemaphore(value: 1)
        /// One signal per item put, and one for the end.
        private let ready = DispatchSemaphore(value: 0)
        /// Free places ahead of the consumer.
        private let room: DispatchSemaphore
        private var items: [Result<Decoded, StoreError>] = []
        private var head = 0
        private var abandoned = false

        init(lead: Int) {
            // Created at zero and raised: libdispatch refuses to free a semaphore below its
            // initial value, which an early stop would leave this one at.
            room = DispatchSemaphore(value: 0)
            for _ in 0..<lead { room.signal() }
        }

        var isAbandoned: Bool {
            mutex.wait()
            defer { mutex.signal() }
            return abandoned
        }

        func put(_ item: Result<Decoded, StoreError>) {
            room.wait()
            mutex.wait()
            items.append(item)
            mutex.signal()
            ready.signal()
        }

        func finish() { ready.signal() }

        /// The next item in order, or nil once the producer has finished and all were taken.
        func take() -> Result<Decoded, StoreError>? {
            ready.wait()
            mutex.wait()
            defer { mutex.signal() }
            if head < items.count {
                let item = items[head]
                head += 1
                if head == items.count {
                    items.removeAll(keepingCapacity: true)
                    head = 0
                }
                room.signal()
                return item
            }
            return nil  // the end's signal: every put signals after appending
        }

        /// The consumer stopped: the producer puts at most one more item (it checks before each
        /// record), so one more place unblocks it.
        func abandon() {
            mutex.wait()
            abandoned = true
            mutex.signal()
            room.signal()
        }
    }
}
