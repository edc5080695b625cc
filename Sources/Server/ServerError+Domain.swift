import JSONRPC
import Domain
import Store

extension ErrorMapping {
    /// Application errors: code, message and `data` with the stable `data.code` string.
    static func responseError(for error: DomainError) -> ResponseError {
        switch error {
        case .unauthenticated:
            return app(
                .unauthenticated, "The session has no actor: pass initializationOptions.actor to initialize", [:])
        case .forbidden(let method, let role):
            return app(
                .forbidden, "Role \(role.rawValue) may not call \(method)",
                ["method": .string(method), "role": .string(role.rawValue)])
        case .notFound(let entity, let id):
            return app(.notFound, "No \(entity) with id \(id)", ["entity": .string(entity), "id": .string(id)])
        case .conflict(let reason):
            return app(.conflict, reason, ["reason": .string(reason)])
        case .modelInUse(let refs):
            let total = refs.reduce(0) { $0 + $1.1 }
            return app(
                .modelInUse, "The model is still referenced (\(total) references)",
                ["references": .object(JSONObject(members: refs.map { .init(key: $0.0, value: .int($0.1)) }))])
        case .modelUnavailable(let reason, let modelId):
            return app(
                .modelUnavailable, "The model cannot be used here: \(reason)",
                ["reason": .string(reason), "modelId": .string(modelId)])
        case .migrationBlocked(let issues):
            return app(.migrationBlocked, "The migration is blocked: " + codes(issues), ["issues": .array(issues)])
        case .confirmationRequired(let issues):
            return app(
                .confirmationRequired, "The migration has warnings and needs confirm: true: " + codes(issues),
                ["issues": .array(issues)])
        case .stalePlan(let hash):
            return app(
                .stalePlan, "The plan changed since it was validated; validate again", ["planHash": .string(hash)])
        case .revertRefused(let reason):
            return app(.revertRefused, "The migration cannot be reverted: \(reason)", ["reason": .string(reason)])
        case .planChanged(let planId, let hash):
            return app(
                .planChanged,
                "The plan's preflight changed since it was announced; the next tick plans again",
                ["planId": .string(planId), "planHash": .string(hash)])
        case .storeUnavailable(let reason):
            return app(.storeUnavailable, "The store cannot serve the request: \(reason)", ["reason": .string(reason)])
        }
    }

    private static func codes(_ issues: [JSONValue]) -> String {
        issues.compactMap { $0["code"]?.stringValue }.joined(separator: ", ")
    }

    private static func app(_ code: ErrorCode, _ message: String, _ details: JSONObject) -> ResponseError {
        var data: JSONObject = ["code": .string(ApplicationErrorNames.name(of: code))]
        for m in details { data.append(m.key, m.value) }
        return ResponseError(code: code, message: message, data: .object(data))
    }
}

extension ServerError {
    /// A store failure while serving: `store_unavailable`.
    static func store(_ e: Error) -> ServerError {
        if let d = e as? ServerError { return d }
        if let s = e as? StoreError { return .domain(.storeUnavailable(reason: s.description)) }
        return .internalError("\(e)")
    }
}
