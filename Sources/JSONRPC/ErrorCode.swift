/// A JSON-RPC error code. Open (not an enum) so that codes this build does not know still round-trip.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    // JSON-RPC 2.0
    public static let parseError = ErrorCode(rawValue: -32700)
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    public static let invalidParams = ErrorCode(rawValue: -32602)
    public static let internalError = ErrorCode(rawValue: -32603)
    // LSP
    public static let serverNotInitialized = ErrorCode(rawValue: -32002)
    public static let unknownErrorCode = ErrorCode(rawValue: -32001)
    public static let requestFailed = ErrorCode(rawValue: -32803)
    public static let requestCancelled = ErrorCode(rawValue: -32800)
    // Application (contract §3)
    public static let unauthenticated = ErrorCode(rawValue: 1001)
    public static let forbidden = ErrorCode(rawValue: 1002)
    public static let notFound = ErrorCode(rawValue: 1003)
    public static let conflict = ErrorCode(rawValue: 1004)
    public static let modelInUse = ErrorCode(rawValue: 1010)
    public static let modelUnavailable = ErrorCode(rawValue: 1011)
    public static let migrationBlocked = ErrorCode(rawValue: 1020)
    public static let confirmationRequired = ErrorCode(rawValue: 1021)
    public static let stalePlan = ErrorCode(rawValue: 1022)
    public static let revertRefused = ErrorCode(rawValue: 1023)
    public static let storeUnavailable = ErrorCode(rawValue: 1030)

    public var description: String { String(rawValue) }
}

/// The `error` member of a response.
public struct ResponseError: Error, Sendable, Hashable {
    public var code: ErrorCode
    public var message: String
    public var data: JSONValue?

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
    public static func parseError(_ reason: String? = nil) -> ResponseError {
        ResponseError(code: .parseError, message: "Parse error", data: reason.map { ["reason": .string($0)] })
    }
    public static func invalidRequest(_ reason: String? = nil) -> ResponseError {
        ResponseError(code: .invalidRequest, message: "Invalid Request", data: reason.map { ["reason": .string($0)] })
    }
    public static func methodNotFound(_ method: String) -> ResponseError {
        ResponseError(code: .methodNotFound, message: "Method not found", data: ["method": .string(method)])
    }
    /// -32602 with `data: {field, reason}`; `field` is a JSON pointer into params.
    public static func invalidParams(field: String, reason: String) -> ResponseError {
        ResponseError(
            code: .invalidParams, message: "Invalid params", data: ["field": .string(field), "reason": .string(reason)])
    }
    public static func internalError(_ reason: String) -> ResponseError {
        ResponseError(code: .internalError, message: "Internal error", data: ["reason": .string(reason)])
    }
}
