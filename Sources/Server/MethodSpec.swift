import JSONRPC

/// How a method receives its params.
public enum ParamsShape: Sendable {
    /// Named params: an object checked member by member against the fields (unknown members rejected).
    case named([Field])
    /// Named params where members not listed are tolerated (only `initialize`, whose clients send
    /// many LSP members this server does not use).
    case namedOpen([Field])
    /// By position or by name, checked by the handler (the conformance fixtures).
    case unchecked
}

/// The published description of one method: what `rpc.discover` and `Protocol/openrpc.json` say.
public struct MethodSpec: Sendable {
    /// A request (answered) or a notification (never answered).
    public enum Kind: Sendable { case request, notification }

    /// The method name.
    public var name: String
    /// Request or notification.
    public var kind: Kind
    /// What it does, for the OpenRPC document.
    public var summary: String
    /// The params it accepts.
    public var params: ParamsShape
    /// The result schema (requests only).
    public var result: Schema?
    /// Application error codes the method may return besides the protocol ones.
    public var errors: [ErrorCode]
    /// Checked before params are validated: who may call the method (contract §2: the role is
    /// checked before anything is looked up).
    public var authorize: (@Sendable (Session) -> ServerError?)?
    /// The handler may take long (store I/O, waiting): the runtime then checks its flush timer
    /// right after it instead of every few messages.
    public var mayBlock = false

    /// A method's published shape.
    public init(
        _ name: String, kind: Kind = .request, summary: String, params: ParamsShape = .named([]),
        result: Schema? = nil, errors: [ErrorCode] = [], mayBlock: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.summary = summary
        self.params = params
        self.result = result
        self.errors = errors
        self.authorize = nil
        self.mayBlock = mayBlock
    }

    /// LSP's work done token (a string or an integer), accepted by every request.
    static let workDoneToken = Field.optional(
        "workDoneToken", .oneOf([.string(), .integer()]), "LSP work done progress token ($/progress).")

    /// Validates raw params against the declared shape; returns the params object to hand to the handler.
    public func validate(_ params: JSONValue?) -> Result<JSONObject, ParamsError> {
        switch self.params {
        case .unchecked:
            return .success(params?.objectValue ?? JSONObject())
        case .named(let fields), .namedOpen(let fields):
            let object: JSONObject
            switch params {
            case nil: object = JSONObject()
            case .object(let o)?: object = o
            // An empty array is no params, as null is (Neovim sends an empty Lua table as []).
            case .array(let a)? where a.isEmpty: object = JSONObject()
            default: return .failure(ParamsError("", "params must be an object of named members"))
            }
            if case .named = self.params {
                // Every request may carry LSP's workDoneToken; methods without progress ignore it.
                // (The extended field list is built only for the rare request that carries one.)
                let extended =
                    object["workDoneToken"] != nil && !fields.contains { $0.name == "workDoneToken" }
                    ? fields + [Self.workDoneToken] : fields
                if let e = Schema.validateMembers(object, fields: extended, at: "") { return .failure(e) }
            } else {
                let known = JSONObject(members: object.members.filter { m in fields.contains { $0.name == m.key } })
                if let e = Schema.validateMembers(known, fields: fields, at: "") { return .failure(e) }
            }
            return .success(object)
        }
    }
}
