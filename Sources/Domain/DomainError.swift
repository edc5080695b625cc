import JSONRPC

/// Application errors of contract §3. `ErrorMapping` in the server turns them into wire errors.
public enum DomainError: Error, Sendable, Equatable {
    case unauthenticated
    case forbidden(method: String, role: Role)
    case notFound(entity: String, id: String)
    case conflict(reason: String)
    /// Delete refused; counts per kind (usage key names).
    case modelInUse(references: [(String, Int)])
    case modelUnavailable(reason: String, modelId: String)
    case storeUnavailable(reason: String)
    case migrationBlocked(issues: [JSONValue])
    case confirmationRequired(issues: [JSONValue])
    case stalePlan(planHash: String)
    case revertRefused(reason: String)
    /// A policy plan's preflight no longer matches what was announced (`planHash` is the current one).
    case planChanged(planId: String, planHash: String)

    /// Equal when they are the same error with the same details.
    public static func == (a: DomainError, b: DomainError) -> Bool {
        switch (a, b) {
        case (.unauthenticated, .unauthenticated): return true
        case let (.forbidden(m1, r1), .forbidden(m2, r2)): return m1 == m2 && r1 == r2
        case let (.notFound(e1, i1), .notFound(e2, i2)): return e1 == e2 && i1 == i2
        case let (.conflict(r1), .conflict(r2)): return r1 == r2
        case let (.modelInUse(x), .modelInUse(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.modelUnavailable(r1, m1), .modelUnavailable(r2, m2)): return r1 == r2 && m1 == m2
        case let (.storeUnavailable(r1), .storeUnavailable(r2)): return r1 == r2
        case let (.migrationBlocked(a), .migrationBlocked(b)): return a == b
        case let (.confirmationRequired(a), .confirmationRequired(b)): return a == b
        case let (.stalePlan(a), .stalePlan(b)): return a == b
        case let (.revertRefused(a), .revertRefused(b)): return a == b
        case let (.planChanged(a, x), .planChanged(b, y)): return a == b && x == y
        default: return false
        }
    }
}
