import JSONRPC
import Domain

/// One domain method, declared in one place: its name, who may call it, its typed params and result,
/// and its handler.
///
/// Validation, the OpenRPC entry, the role check and the method table all come from this one
/// declaration: the params' fields are read off `Params` (see `ParamsReader`), the result's schema off
/// `Result`. Adding a method is one file with one declaration, listed in `DomainMethods.declarations`.
protocol MethodDeclaration: SendableMetatype {
    /// The params the handler receives, decoded from the request after validation.
    associatedtype Params: MethodParams
    /// What the handler returns, encoded to JSON with its published schema.
    associatedtype Result: MethodResult

    /// The method name, e.g. `migration/execute`.
    static var name: String { get }
    /// Who may call it.
    static var access: Access { get }
    /// Whether it acts in one tenant (then it also accepts `tenantId`, required for a sysadmin).
    static var tenantScoped: Bool { get }
    /// What it does, for the OpenRPC document.
    static var summary: String { get }
    /// Application errors it may return besides the ones every domain method may.
    static var errors: [ErrorCode] { get }
    /// Whether a call may run optimistically (see `OptimisticPlatformStore`): false for a method
    /// with a side effect outside the store that a discarded run would repeat.
    static var runsOptimistically: Bool { get }

    /// Serves one call: the actor and tenant are resolved, the params validated and decoded.
    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Result
}

extension MethodDeclaration {
    static var tenantScoped: Bool { true }
    static var errors: [ErrorCode] { [] }
    static var runsOptimistically: Bool { true }

    /// The method as the table registers it.
    static var method: DomainMethod {
        DomainMethod(
            name, access, tenantScoped: tenantScoped, summary: summary, params: Params.fields, result: Result.schema,
            errors: errors, runsOptimistically: runsOptimistically
        ) { call throws(ServerError) in
            let result = try handle(call, try Params(decoding: call.params.object))
            return call.platform.discardsResults ? .null : result.json
        }
    }
}

extension MethodDeclaration {
    /// The members decoding `params` read, in order (the describing pass must read the same: a
    /// test holds every declaration to it).
    static func membersRead(decoding params: JSONObject) throws(ServerError) -> [String] {
        var reader = ParamsReader(decoding: params, recordingNames: true)
        _ = try Params(from: &reader)
        return reader.namesRead
    }
}
