import Foundation
import JSONRPC
import Transport
import Domain
#if canImport(Glibc)
import Glibc
#endif

/// Runs a `MessageProcessor` over two file descriptors with three threads:
///
/// - the **reader** reads and parses frames and JSON, records `$/cancelRequest` at once (so a
///   cancel overtakes queued work), and queues payloads; it never waits for the others;
/// - the **worker** (the calling thread) handles payloads in order and frames the small responses
///   (the large ones are left to the writer), handed to the writer when no more input is queued;
/// - the **writer** (`OutputChannel`) owns the output descriptor, encodes the large answers it is
///   handed (`ChannelOutbox`) and writes whole frames.
public enum StdioRuntime {
    /// Settings of one run.
    public struct Configuration: Sendable {
        /// Where frames are read from (stdin).
        public var inputFD: Int32
        /// Where frames are written (a private copy of stdout).
        public var outputFD: Int32
        /// The header and body limits of the frame parser.
        public var limits: FrameParser.Limits
        /// Where logs go (stderr).
        public var log: Logger
        /// Check every result against its published schema (see `MessageProcessor`).
        public var checksResults: Bool
        /// A configuration; results are checked only when `checksResults`.
        public init(
            inputFD: Int32, outputFD: Int32, limits: FrameParser.Limits = .init(), log: Logger = .silent,
            checksResults: Bool = false
        ) {
            self.inputFD = inputFD
            self.outputFD = outputFD
            self.limits = limits
            self.log = log
            self.checksResults = checksResults
        }
    }

    /// What the embedding program adds to a plain protocol server.
    public struct Extensions: Sendable {
        /// Checks the actor of `initialize` (nil accepts any).
        public var actorValidator: (@Sendable (ActorIdentity) -> ParamsError?)?
        /// Notifications (`[method, params]`) for a session that has just sent `initialized`.
        public var afterInitialized: @Sendable (Session) -> [(String, JSONValue)]
        /// Work the worker runs between messages: at start, then every `periodicInterval` seconds.
        public var periodic: (@Sendable () -> Void)?
        /// Seconds between runs of `periodic`.
        public var periodicInterval: Double
        /// Work the worker runs whenever it has answered everything queued and flushed the answers
        /// (the platform applies a large commit's in-memory update here, after its answer left).
        public var idle: (@Sendable () -> Void)?
        /// Starts waking the worker when another process commits to the store (the PostgreSQL
        /// store's LISTEN); called once, on the worker, when an admin session (the sessions that
        /// get `afterInitialized` notices) has been initialized, and listening when it returns. At every wake and every tick the worker renews the
        /// session's notices (`MessageProcessor.renewNotices`): without a wake, the tick alone
        /// keeps them true, later.
        public var watchStore: (@Sendable (_ wake: @escaping @Sendable () -> Void) -> Void)?
        /// Group commit of queued messages (nil: every write commits on its own).
        public var commitGroups: CommitGroups?
        /// Extensions; none by default.
        public init(
            actorValidator: (@Sendable (ActorIdentity) -> ParamsError?)? = nil,
            afterInitialized: @escaping @Sendable (Session) -> [(String, JSONValue)] = { _ in [] },
            periodic: (@Sendable () -> Void)? = nil, periodicInterval: Double = 30,
            idle: (@Sendable () -> Void)? = nil,
            watchStore: (@Sendable (_ wake: @escaping @Sendable () -> Void) -> Void)? = nil,
            commitGroups: CommitGroups? = nil
        ) {
            self.commitGroups = commitGroups
            self.actorValidator = actorValidator
            self.afterInitialized = afterInitialized
            self.periodic = periodic
            self.periodicInterval = periodicInterval
            self.idle = idle
            self.watchStore = watchStore
        }
    }

    enum InboxItem: Sendable {
        case tick
        /// Another process committed (the store's wake).
        case storeChanged
        case payload(IncomingPayload)
        case rejected(RejectedBody)
        case fatal(FramingError)
        case endOfInput(FramingError?)
        case outputClosed
        case clientGone(Int32)
    }

    /// Serves until `exit`, end of input, a fatal framing error, a closed output or the client's
    /// death; returns the process exit code (contract §1).
    public static func run(
        table: MethodTable, configuration: Configuration, extensions: Extensions = Extensions()
    ) -> Int32 {
        let log = configuration.log
        let inbox = BlockingQueue<InboxItem>()
        let cancellation = CancellationRegistry()
        let channel = OutputChannel(fd: configuration.outputFD) { inbox.push(.outputClosed) }
        let outbox = ChannelOutbox(channel: channel)
        let hooks = MessageProcessor.Hooks(
            watchClientProcess: { pid in watch(pid: pid, inbox: inbox, log: configuration.log) },
            afterInitialized: extensions.afterInitialized)
        let processor = MessageProcessor(
            table: table, outbox: outbox, cancellation: cancellation, hooks: hooks, log: log,
            actorValidator: extensions.actorValidator, checksResults: configuration.checksResults)
        startTicking(every: extensions.periodicInterval, inbox: inbox)
        let wakePending = PendingFlag()
        var watchingStore = false

        InputReader.start(fd: configuration.inputFD, limits: configuration.limits) { report in
            switch report {
            case .endOfInput(let error):
                inbox.push(.endOfInput(error))
            case .events(let events):
                var items: [InboxItem] = []
                items.reserveCapacity(events.count)
                var requestIDs: [RequestID] = []
                for event in events {
                    switch event {
                    case .message(let body):
                        let payload = IncomingPayload(body: body)
                        collect(payload, requestIDs: &requestIDs, cancellation: cancellation)
                        items.append(.payload(payload))
                    case .rejected(let r): items.append(.rejected(r))
                    case .fatal(let e): items.append(.fatal(e))
                    }
                }
                cancellation.markPending(requestIDs)
                inbox.push(contentsOf: items)
            }
        }

        func finish(_ code: Int32) -> Int32 {
            outbox.flush()
            channel.drain()
            return code
        }

        /// Handles one item; an exit code ends the run.
        func handle(_ item: InboxItem) -> Int32? {
            switch item {
            case .tick:
                extensions.periodic?()
                processor.renewNotices()
            case .storeChanged:
                wakePending.clear()
                log.debug("another process committed: renewing this session's notices")
                processor.renewNotices()
            case .payload(let payload):
                if case .exit(let code) = processor.process(payload) {
                    log.debug("exit received; exit code \(code)")
                    return finish(code)
                }
                startWatchingIfAdmin()
            case .rejected(let r):
                processor.process(rejected: r)
            case .fatal(let e):
                _ = finish(0)
                log.error("\(e.description); the stream cannot be resynchronised, exiting with code 2")
                return 2
            case .endOfInput(let e):
                if let e {
                    _ = finish(0)
                    log.error("\(e.description); exiting with code 2")
                    return 2
                }
                let code = processor.session.exitCode
                log.debug("end of input; exit code \(code)")
                return finish(code)
            case .outputClosed:
                log.info("the client closed the output stream; exiting")
                return processor.session.exitCode
            case .clientGone(let pid):
                log.info("client process \(pid) is gone; exiting")
                return finish(processor.session.exitCode)
            }
            return nil
        }

        // Watching starts as soon as an admin session is open, before its first notice is
        // computed (at `initialized`), so that no commit falls between the two.
        func startWatchingIfAdmin() {
            if !watchingStore, let watchStore = extensions.watchStore, processor.session.phase == .running,
                processor.session.actor?.role == .admin
            {
                watchingStore = true
                watchStore { if wakePending.set() { inbox.push(.storeChanged) } }
            }
        }

        /// Handles `payloads` as groups of at most `CommitGroups.maxMessages` and about
        /// `maxMillis` each: answers are held until the group is durable; a group that
        /// cannot be committed is dropped unseen and its payloads handled again one at a time.
        func runGroups(_ payloads: [IncomingPayload], _ groups: CommitGroups) {
            var start = 0
            while start < payloads.count {
                outbox.hold()
                groups.begin()
                let began = monotonicMillis()
                var end = start
                while end < payloads.count {
                    _ = processor.process(payloads[end])  // a payload that may join never exits
                    end += 1
                    if end - start >= CommitGroups.maxMessages || outbox.bufferedBytes >= CommitGroups.maxHeldBytes
                        || monotonicMillis() - began >= groups.maxMillis
                    {
                        break
                    }
                }
                switch groups.end() {
                case .committed:
                    outbox.release()
                    outbox.flush()
                case .notCommitted(let why):
                    outbox.discardHeld()
                    log.warning(
                        "\(end - start) queued messages could not be committed together (\(why)); "
                            + "handling each on its own")
                    for p in payloads[start..<end] {
                        _ = processor.process(p)
                        outbox.flush()
                    }
                case .unknown(let why):
                    // Their writes may have happened: answered again with writes refused, never run twice.
                    outbox.discardHeld()
                    log.error("the outcome of a group of \(end - start) queued messages is unknown: \(why)")
                    groups.refuseWrites(why + "; whether this write happened is unknown: read before retrying")
                    for p in payloads[start..<end] {
                        _ = processor.process(p)
                        outbox.flush()
                    }
                    groups.refuseWrites(nil)
                }
                start = end
            }
        }

        var lastFlush = monotonicMillis()
        while true {
            let items = inbox.takeAll()
            var next = 0
            var handled = 0
            while next < items.count {
                // Payloads queued one behind another are committed as groups: one fsync for them all.
                if let groups = extensions.commitGroups {
                    var end = next
                    while end < items.count, case .payload(let p) = items[end], CommitGroups.mayJoin(p) { end += 1 }
                    if end - next >= 2 || (end == next + 1 && CommitGroups.holdsSeveral(items[next])) {
                        let payloads = items[next..<end].compactMap { item -> IncomingPayload? in
                            if case .payload(let p) = item { return p }
                            return nil
                        }
                        runGroups(payloads, groups)
                        next = end
                        lastFlush = monotonicMillis()
                        continue
                    }
                }
                let item = items[next]
                next += 1
                // Coalesce answers while input is queued, but never hold them back for more than
                // a couple of milliseconds; the answer of a request that may have been slow (a
                // store write) leaves at once. Trivial messages take ~1 µs: the clock is read
                // every 16 of them.
                handled += 1
                if processor.lastRequestWasSlow {
                    outbox.flush()
                    lastFlush = monotonicMillis()
                } else if handled & 15 == 0 {
                    let now = monotonicMillis()
                    if now - lastFlush >= 2 {
                        outbox.flush()
                        lastFlush = now
                    }
                }
                if let code = handle(item) { return code }
            }
            if inbox.isEmpty {
                outbox.flush()
                extensions.idle?()
                lastFlush = monotonicMillis()
            }
        }
    }

    private static func monotonicMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec / 1_000_000)
    }

    /// Marks request ids pending and applies cancels, on the reader thread.
    private static func collect(
        _ payload: IncomingPayload, requestIDs: inout [RequestID], cancellation: CancellationRegistry
    ) {
        func visit(_ m: IncomingMessage) {
            switch m {
            case .request(let r):
                requestIDs.append(r.id)
                if let token = r.params?["workDoneToken"] {
                    cancellation.markPending(requestIDs)
                    requestIDs.removeAll()
                    cancellation.associate(token: token, with: r.id)
                }
            case .notification(let n) where n.method == "$/cancelRequest":
                if let id = n.params?["id"].flatMap(RequestID.init(json:)) {
                    cancellation.markPending(requestIDs)
                    requestIDs.removeAll()
                    cancellation.cancel(id)
                }
            case .notification(let n) where n.method == "window/workDoneProgress/cancel":
                if let token = n.params?["token"] {
                    cancellation.markPending(requestIDs)
                    requestIDs.removeAll()
                    cancellation.cancel(token: token)
                }
            default: break
            }
        }
        switch payload {
        case .single(let m): visit(m)
        case .batch(let ms): ms.forEach(visit)
        case .unreadable: break
        }
    }

    /// A flag set from any thread: a wake is queued at most once until the worker takes it.
    private final class PendingFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var isSet = false

        /// Sets the flag; whether it was clear.
        func set() -> Bool {
            lock.withLock {
                defer { isSet = true }
                return !isSet
            }
        }

        func clear() { lock.withLock { isSet = false } }
    }

    /// Queues a tick now and then every `seconds`.
    private static func startTicking(every seconds: Double, inbox: BlockingQueue<InboxItem>) {
        let thread = Thread {
            while true {
                inbox.push(.tick)
                usleep(UInt32(max(0.01, seconds) * 1_000_000))
            }
        }
        thread.name = "model-lifecycle.ticker"
        thread.start()
    }

    /// Polls the client's process id and reports when it is gone.
    /// Watches the client's process, if the server can see it at all: a pid that is not there when
    /// `initialize` names it (the server in a container, a Flatpak, another PID namespace) is never
    /// watched, rather than taken for a client that has gone.
    private static func watch(pid: Int32, inbox: BlockingQueue<InboxItem>, log: Logger) {
        if kill(pid, 0) == -1 && errno == ESRCH {
            log.warning(
                "the client's processId \(pid) is not visible to this process (another PID namespace?): not watching it"
            )
            return
        }
        let thread = Thread {
            while true {
                usleep(500_000)
                if kill(pid, 0) == -1 && errno == ESRCH {
                    inbox.push(.clientGone(pid))
                    return
                }
            }
        }
        thread.name = "model-lifecycle.client-watch"
        thread.start()
    }
}
