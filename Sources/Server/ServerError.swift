import JSONRPC
import Domain

/// Every way a request can fail. Handlers throw these; `ErrorMapping` turns them into JSON-RPC
/// errors, in that one place.
public enum ServerError: Error, Sendable {
    /// -32602: a member of params is missing, of the wrong type, out of range or unknown.
    case invalidParams(ParamsError)
    /// -32601
    case methodNotFound(String)
    /// -32600: the request is not acceptable in the session's state.
    case invalidRequest(String)
    /// -32002: a request before `initialize`.
    case notInitialized
    /// -32800: the client cancelled the request and it stopped before finishing.
    case cancelled
    /// -32603: a bug or an unexpected condition; the message is logged.
    case internalError(String)
    /// -32803 (LSP RequestFailed): a well-formed request that failed, e.g. a catalog reload.
    case requestFailed(String)
    /// An application error of contract §3 (1001–1030).
    case domain(DomainError)
    /// An optimistic run of a request met a newer commit and is run again the ordinary way
    /// (`Platform.handlingRequest`); never answered.
    case superseded

    /// Convenience for -32602.
    public static func invalidParams(_ field: String, _ reason: String) -> ServerError {
        .invalidParams(ParamsError(field, reason))
    }
}

/// The one place where typed errors become wire errors.
public enum ErrorMapping {
    /// The JSON-RPC error object for a server error.
    public static func responseError(for error: ServerError) -> ResponseError {
        switch error {
        case .invalidParams(let e):
            return .invalidParams(field: e.field, reason: e.reason)
        case .methodNotFound(let method):
            return .methodNotFound(method)
        case .invalidRequest(let reason):
            return .invalidRequest(reason)
        case .notInitialized:
            return ResponseError(code: .serverNotInitialized, message: "Server not initialized")
        case .cancelled:
            return ResponseError(code: .requestCancelled, message: "Request cancelled")
        case .internalError(let reason):
            return .internalError(reason)
        case .requestFailed(let reason):
            return ResponseError(code: .requestFailed, message: "Request failed", data: ["reason": .string(reason)])
        case .domain(let e):
            return responseError(for: e)
        case .superseded:
            return .internalError("an optimistic run escaped its request")
        }
    }
}
