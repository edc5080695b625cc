/// A JSON-RPC error code. Open (not an enum) so that codes this build does not know still round-trip.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The numeric code as it appears in the `code` member of an error object.
    public let rawValue: Int
    /// Wraps any code, known to this build or not.
    public init(rawValue: Int) { self.rawValue = rawValue }

    // JSON-RPC 2.0
    /// -32700 Parse error: the body is not JSON, not UTF-8, or declared in another charset.
    public static let parseError = ErrorCode(rawValue: -32700)
    /// -32600 Invalid Request: not a valid request, an empty batch, a body over the size cap, a request after
    /// `shutdown`, or a second `initialize`.
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    /// -32601 Method not found: no such method (`data.method` names it).
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    /// -32602 Invalid params: `data: {field, reason}`, `field` a JSON pointer into params.
    public static let invalidParams = ErrorCode(rawValue: -32602)
    /// -32603 Internal error: a bug in the server (`data.reason`, also logged).
    public static let internalError = ErrorCode(rawValue: -32603)
    // LSP
    /// -32002 Server not initialized (LSP): a request other than `initialize` before `initialize`.
    public static let serverNotInitialized = ErrorCode(rawValue: -32002)
    /// -32001 UnknownErrorCode (LSP): defined by LSP; this server sends no error with it.
    public static let unknownErrorCode = ErrorCode(rawValue: -32001)
    /// -32803 RequestFailed (LSP): a valid request that could not be carried out, such as a `catalog/reload` of a
    /// file that no longer parses.
    public static let requestFailed = ErrorCode(rawValue: -32803)
    /// -32800 Request cancelled (LSP): the request was cancelled by `$/cancelRequest` and stopped.
    public static let requestCancelled = ErrorCode(rawValue: -32800)
    // Application (contract §3)
    /// 1001 `unauthenticated`: the session has no actor.
    public static let unauthenticated = ErrorCode(rawValue: 1001)
    /// 1002 `forbidden`: the actor's role may not call this method.
    public static let forbidden = ErrorCode(rawValue: 1002)
    /// 1003 `not_found`: the entity does not exist, is soft-deleted, or belongs to another tenant.
    public static let notFound = ErrorCode(rawValue: 1003)
    /// 1004 `conflict`: a uniqueness rule or a dependent entity refuses the change (`data.reason`).
    public static let conflict = ErrorCode(rawValue: 1004)
    /// 1010 `model_in_use`: a model delete refused while configuration uses it (`data.references`).
    public static let modelInUse = ErrorCode(rawValue: 1010)
    /// 1011 `model_unavailable`: configuration points at a model it may not use (`data.reason`, `data.modelId`).
    public static let modelUnavailable = ErrorCode(rawValue: 1011)
    /// 1020 `migration_blocked`: a migration refused by blocker issues (`data.issues`).
    public static let migrationBlocked = ErrorCode(rawValue: 1020)
    /// 1021 `confirmation_required`: a migration with warnings and no `confirm: true` (`data.issues`).
    public static let confirmationRequired = ErrorCode(rawValue: 1021)
    /// 1022 `stale_plan`: `expectedPlanHash` differs from the current plan (`data.planHash`).
    public static let stalePlan = ErrorCode(rawValue: 1022)
    /// 1023 `revert_refused`: the migration cannot be reverted (`data.reason`).
    public static let revertRefused = ErrorCode(rawValue: 1023)
    /// 1024 `plan_changed`: a lifecycle policy plan's preflight moved since it was announced (`data.planHash`).
    public static let planChanged = ErrorCode(rawValue: 1024)
    /// 1030 `store_unavailable`: the store cannot serve the request (lock timeout, failed or refused write).
    public static let storeUnavailable = ErrorCode(rawValue: 1030)

    /// The code in decimal, as written on the wire.
    public var description: String { String(rawValue) }
}

/// The `error` member of a response.
public struct ResponseError: Error, Sendable, Hashable {
    /// The error's code.
    public var code: ErrorCode
    /// A short description; the JSON-RPC spec's own text for its standard codes.
    public var message: String
    /// Structured details (such as `{field, reason}` for -32602), or nil to leave the `data` member out.
    public var data: JSONValue?

    /// Creates an error object.
    public init(code: ErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The error object as JSON.
    public var json: JSONValue {
        var o = JSONObject()
        o.append("code", .int(code.rawValue))
        o.append("message", .string(message))
        if let data { o.append("data", data) }
        return .object(o)
    }

    // The spec's messages for the standard codes, emitted verbatim.
    /// -32700 "Parse error", with `data.reason` when a reason is given.
    public static func parseError(_ reason: String? = nil) -> ResponseError {
        ResponseError(code: .parseError, message: "Parse error", data: reason.map { ["reason": .string($0)] })
    }
    /// -32600 "Invalid Request", with `data.reason` when a reason is given.
    public static func invalidRequest(_ reason: String? = nil) -> ResponseError {
        ResponseError(code: .invalidRequest, message: "Invalid Request", data: reason.map { ["reason": .string($0)] })
    }
    /// -32601 "Method not found", with `data.method` naming the method.
    public static func methodNotFound(_ method: String) -> ResponseError {
        ResponseError(code: .methodNotFound, message: "Method not found", data: ["method": .string(method)])
    }
    /// -32602 with `data: {field, reason}`; `field` is a JSON pointer into params.
    public static func invalidParams(field: String, reason: String) -> ResponseError {
        ResponseError(
            code: .invalidParams, message: "Invalid params", data: ["field": .string(field), "reason": .string(reason)])
    }
    /// -32603 "Internal error", with `data.reason` describing the bug.
    public static func internalError(_ reason: String) -> ResponseError {
        ResponseError(code: .internalError, message: "Internal error", data: ["reason": .string(reason)])
    }
}
