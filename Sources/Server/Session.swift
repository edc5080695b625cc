import Domain

/// The LSP lifecycle of one connection, as a pure state machine.
///
/// `initialize` → (`initialized`) → requests → `shutdown` → `exit`. The processor asks `admit`
/// before handling any message and applies the transitions below.
public struct Session: Sendable {
    /// Where the session is in the LSP lifecycle.
    public enum Phase: Sendable, Equatable {
        /// Nothing but `initialize` and `exit` is accepted yet.
        case awaitingInitialize
        /// `initialize` succeeded.
        case running
        /// `shutdown` succeeded: only `exit` is accepted.
        case shutDown
    }

    /// What to do with one incoming message.
    public enum Admission: Sendable, Equatable {
        case handle
        /// Answer the request with this error without running it.
        case reject(Rejection)
        /// A notification that is not acceptable now: drop it silently.
        case drop
    }

    /// Why a request is refused by the lifecycle.
    public enum Rejection: Sendable, Equatable {
        case notInitialized
        case alreadyInitialized
        case shuttingDown
    }

    /// The session's phase now.
    public private(set) var phase: Phase = .awaitingInitialize
    /// Who the session acts for (nil: no actor was given).
    public private(set) var actor: ActorIdentity?
    /// The client's process id to watch, from `initialize`.
    public private(set) var clientProcessId: Int?
    /// True once `initialized` arrived.
    public private(set) var clientReady = false

    /// A session awaiting `initialize`.
    public init() {}

    /// Decides whether a message may be handled in the current phase.
    public func admit(method: String, isRequest: Bool) -> Admission {
        if method == "exit" && !isRequest { return .handle }
        switch phase {
        case .awaitingInitialize:
            if isRequest { return method == "initialize" ? .handle : .reject(.notInitialized) }
            return .drop
        case .running:
            if isRequest && method == "initialize" { return .reject(.alreadyInitialized) }
            return .handle
        case .shutDown:
            return isRequest ? .reject(.shuttingDown) : .drop
        }
    }

    /// `initialize` succeeded.
    public mutating func didInitialize(actor: ActorIdentity?, clientProcessId: Int?) {
        phase = .running
        self.actor = actor
        self.clientProcessId = clientProcessId
    }

    /// `initialized` arrived.
    public mutating func didReceiveInitialized() { clientReady = true }

    /// `shutdown` succeeded.
    public mutating func didShutDown() { phase = .shutDown }

    /// The process exit code for `exit` or end of input now: 0 after `shutdown`, else 1.
    public var exitCode: Int32 { phase == .shutDown ? 0 : 1 }
}

extension Session.Rejection {
    var error: ServerError {
        switch self {
        case .notInitialized: .notInitialized
        case .alreadyInitialized: .invalidRequest("initialize was already received")
        case .shuttingDown: .invalidRequest("the server is shutting down: only exit is accepted")
        }
    }
}
