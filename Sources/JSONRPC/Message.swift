/// A request: a message with a method and an id, answered exactly once.
public struct Request: Sendable, Hashable {
    /// The request's id, echoed in its response.
    public var id: RequestID
    /// The method name (case-sensitive).
    public var method: String
    /// `params` as sent: an object or array; absent and `null` are both nil.
    public var params: JSONValue?
    /// Creates a request; `params` is nil when absent.
    public init(id: RequestID, method: String, params: JSONValue? = nil) {
        self.id = id
        self.method = method
        self.params = params
    }
}

/// A notification: a message with a method and no id, never answered.
public struct Notification: Sendable, Hashable {
    /// The method name (case-sensitive).
    public var method: String
    /// `params` as sent: an object or array; absent and `null` are both nil.
    public var params: JSONValue?
    /// Creates a notification; `params` is nil when absent.
    public init(method: String, params: JSONValue? = nil) {
        self.method = method
        self.params = params
    }
}

/// One element of what the client sent, classified.
public enum IncomingMessage: Sendable, Hashable {
    case request(Request)
    case notification(Notification)
    /// A response from the client (the server sends no requests it waits for): ignored.
    case response(id: RequestID?)
    /// Not a valid message; answered with this error and id (null when the id was unreadable).
    case invalid(id: RequestID, error: ResponseError)

    /// Classifies one decoded JSON value per JSON-RPC 2.0 §4–§5.
    ///
    /// Policies (see Protocol/SPEC.md): a readable id is echoed on Invalid Request; `params: null` is
    /// treated as absent; members other than the spec's are ignored.
    public init(_ value: JSONValue) {
        guard case .object(let o) = value else {
            self = .invalid(id: .null, error: .invalidRequest("a request must be a JSON object"))
            return
        }
        var idMember: JSONValue?
        var version: JSONValue?
        var method: JSONValue?
        var params: JSONValue?
        var hasResult = false
        var hasError = false
        for m in o.members {
            switch m.key {
            case "id": idMember = m.value
            case "jsonrpc": version = m.value
            case "method": method = m.value
            case "params": params = m.value
            case "result": hasResult = true
            case "error": hasError = true
            default: break
            }
        }
        let id: RequestID?
        if let idMember {
            guard let parsed = RequestID(json: idMember) else {
                self = .invalid(id: .null, error: .invalidRequest("id must be a string, a number or null"))
                return
            }
            id = parsed
        } else {
            id = nil
        }
        guard version == .string("2.0") else {
            self = .invalid(id: id ?? .null, error: .invalidRequest("\"jsonrpc\" must be exactly \"2.0\""))
            return
        }
        guard let method else {
            if hasResult || hasError {
                self = .response(id: id)
                return
            }
            self = .invalid(id: id ?? .null, error: .invalidRequest("\"method\" is missing"))
            return
        }
        guard case .string(let name) = method else {
            self = .invalid(id: id ?? .null, error: .invalidRequest("\"method\" must be a string"))
            return
        }
        var effectiveParams: JSONValue? = nil
        switch params {
        case nil, .null?: effectiveParams = nil
        case .object?, .array?: effectiveParams = params
        default:
            self = .invalid(id: id ?? .null, error: .invalidRequest("\"params\" must be an object or an array"))
            return
        }
        if let id {
            self = .request(Request(id: id, method: name, params: effectiveParams))
        } else {
            self = .notification(Notification(method: name, params: effectiveParams))
        }
    }
}

/// What one frame body contained.
public enum IncomingPayload: Sendable, Hashable {
    case single(IncomingMessage)
    /// A non-empty batch, answered with an array (or nothing when it produces no responses).
    case batch([IncomingMessage])
    /// Not JSON (or an empty batch, which is an Invalid Request): answered with this error and id null.
    case unreadable(ResponseError)

    /// Decodes a frame body.
    public init(body: [UInt8], options: JSONParser.Options = .default) {
        let value: JSONValue
        do { value = try JSONParser.parse(body, options: options) } catch {
            self = .unreadable(.parseError(error.description))
            return
        }
        self.init(value: value)
    }

    /// Classifies an already parsed body.
    public init(value: JSONValue) {
        if case .array(let elements) = value {
            if elements.isEmpty {
                self = .unreadable(.invalidRequest("an empty batch"))
                return
            }
            self = .batch(elements.map(IncomingMessage.init))
        } else {
            self = .single(IncomingMessage(value))
        }
    }
}

/// Builders for what the server sends.
public enum OutgoingMessage {
    /// `{"jsonrpc":"2.0","id":…,"result":…}`
    public static func result(id: RequestID, _ result: JSONValue) -> JSONValue {
        .object(
            JSONObject(members: [
                .init(key: "jsonrpc", value: "2.0"), .init(key: "id", value: id.json),
                .init(key: "result", value: result),
            ]))
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{…}}`
    public static func error(id: RequestID, _ error: ResponseError) -> JSONValue {
        .object(
            JSONObject(members: [
                .init(key: "jsonrpc", value: "2.0"), .init(key: "id", value: id.json),
                .init(key: "error", value: error.json),
            ]))
    }

    /// `{"jsonrpc":"2.0","method":…,"params":…}`
    public static func notification(method: String, params: JSONValue) -> JSONValue {
        .object(
            JSONObject(members: [
                .init(key: "jsonrpc", value: "2.0"), .init(key: "method", value: .string(method)),
                .init(key: "params", value: params),
            ]))
    }
}
