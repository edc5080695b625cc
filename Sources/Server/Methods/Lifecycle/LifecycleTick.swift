import JSONRPC
import Domain

/// `lifecycle/tick`: evaluates every tenant's lifecycle policy now (what the scheduled job does).
enum LifecycleTick: MethodDeclaration {
    static let name = "lifecycle/tick"
    static let access = Access.sysadmin
    static let tenantScoped = false
    static let summary =
        "Evaluates every tenant's lifecycle policy now: plans announced or superseded, due plans run; dryRun writes nothing."
    static let runsOptimistically = false

    struct Params: MethodParams {
        var dryRun: Bool
        init(from p: inout ParamsReader) throws(ServerError) {
            dryRun = try p.optional(
                "dryRun", .boolean, "Report what would be planned; write nothing, run nothing.", default: false)
        }
    }

    /// `{dryRun, actions}`.
    struct Tick: ShapedResult {
        var dryRun: Bool
        var actions: [PolicyEngine.Action]
        static let shape = ObjectShape<Self>([
            .member("dryRun", .boolean) { .bool($0.dryRun) },
            .member("actions", .array(PolicyEngine.Action.schema)) { .array($0.actions.map(\.json)) },
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Tick {
        Tick(
            dryRun: params.dryRun,
            actions: try PolicyEngine.tick(platform: call.platform, context: call.context, dryRun: params.dryRun))
    }
}
