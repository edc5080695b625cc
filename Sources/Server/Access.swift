import JSONRPC
import Domain

/// Who may call a domain method (contract §2 permission table).
public enum Access: Sendable {
    /// Any actor: member, admin or sysadmin.
    case anyActor
    /// Admins (own tenant) and sysadmins (any tenant).
    case admin
    /// Sysadmins only.
    case sysadmin

    func allows(_ role: Role) -> Bool {
        switch self {
        case .anyActor: true
        case .admin: role != .member
        case .sysadmin: role == .sysadmin
        }
    }
}

/// One call of a domain method, with its actor and tenant resolved.
public struct Call {
    /// The request: params, session, cancellation and progress.
    public let context: RequestContext
    /// Who calls.
    public let actor: ActorIdentity
    /// The tenant the call acts in (tenant-scoped methods only).
    public let tenantId: String
    /// The store, the catalog and the clock.
    public let platform: Platform
    /// The request's validated params.
    public var params: Params { context.params }
    /// The method called.
    public let method: String

    /// The same call acting in another tenant (a sysadmin's method that works tenant by tenant).
    func inTenant(_ tenantId: String) -> Call {
        Call(context: context, actor: actor, tenantId: tenantId, platform: platform, method: method)
    }

    /// What a page's cursor is bound to: the method, the tenant and every param but the page's
    /// own (`cursor`, `limit`) and `workDoneToken`, so a cursor of another list, filter or tenant
    /// is refused rather than read as a position in this one.
    public var pageScope: String {
        let skipped: Set<String> = ["cursor", "limit", "workDoneToken", "tenantId"]
        let filters = params.object.members.filter { !skipped.contains($0.key) }.sorted { $0.key < $1.key }
        var o = JSONObject()
        for m in filters { o.append(m.key, m.value) }
        return method + "\u{1}" + tenantId + "\u{1}" + JSONWriter.string(.object(o))
    }
}

/// A domain method: its published spec, who may call it, and its handler.
public struct DomainMethod {
    /// A handler: the call in, the result out, or a typed error.
    public typealias Body = @Sendable (Call) throws(ServerError) -> JSONValue
    var spec: MethodSpec
    var access: Access
    var tenantScoped: Bool
    /// Whether a call may run optimistically (see `Platform.handlingRequest`).
    var runsOptimistically: Bool
    var body: Body

    /// Declares a method. Tenant-scoped methods also accept `tenantId` (required for a sysadmin).
    public init(
        _ name: String, _ access: Access, tenantScoped: Bool = true, summary: String, params: [Field] = [],
        result: Schema, errors: [ErrorCode] = [], runsOptimistically: Bool = true, _ body: @escaping Body
    ) {
        self.runsOptimistically = runsOptimistically
        var fields = params
        if tenantScoped {
            fields.append(
                .optional(
                    "tenantId", .uuid, "The tenant to act in: required for a sysadmin, optional (own tenant) otherwise."
                ))
        }
        var allErrors: [ErrorCode] = [.unauthenticated, .forbidden]
        if tenantScoped { allErrors.append(.notFound) }
        for e in errors where !allErrors.contains(e) { allErrors.append(e) }
        allErrors.append(.storeUnavailable)
        spec = MethodSpec(name, summary: summary, params: .named(fields), result: result, errors: allErrors)
        spec.mayBlock = true
        spec.authorize = { session in
            guard let actor = session.actor else { return .domain(.unauthenticated) }
            return access.allows(actor.role) ? nil : .domain(.forbidden(method: name, role: actor.role))
        }
        self.access = access
        self.tenantScoped = tenantScoped
        self.body = body
    }
}

extension MethodTable {
    /// Registers domain methods against a platform.
    public mutating func register(_ methods: [DomainMethod], platform: Platform) {
        for m in methods {
            let body = m.body
            let scoped = m.tenantScoped
            let name = m.spec.name
            let optimistic = m.runsOptimistically
            register(m.spec) { ctx throws(ServerError) in
                guard let actor = ctx.session.actor else { throw .domain(.unauthenticated) }
                return try platform.handlingRequest(gate: ctx.gate, optimistic: optimistic) {
                    () throws(ServerError) in
                    var tenantId = actor.tenantId ?? ""
                    if scoped {
                        let requested = ctx.params.optionalString("tenantId")
                        if actor.role == .sysadmin {
                            guard let requested else { throw .invalidParams("/tenantId", "is required for a sysadmin") }
                            tenantId = requested
                        } else if let requested, requested != tenantId {
                            throw .domain(.notFound(entity: "tenant", id: requested))
                        }
                        // The state read here is a temporary: no copy of it may outlive the check, or
                        // the handler's commit would copy every table it changes (copy on write).
                        guard try platform.read().tenant(tenantId) != nil else {
                            throw .domain(.notFound(entity: "tenant", id: tenantId))
                        }
                    }
                    return try body(
                        Call(context: ctx, actor: actor, tenantId: tenantId, platform: platform, method: name))
                }
            }
        }
    }
}
