import JSONRPC
import Domain

/// The LSP lifecycle and discovery methods, which the processor implements itself.
enum LifecycleMethods {
    static let actorSchema = Schema.named(
        "Actor",
        .object([
            .required("userId", .name(max: 200), "The acting user's id in the platform."),
            .optional("name", .string(.init(maxLength: 200)), "Display name, kept in history snapshots."),
            .optional("tenantId", .uuid, "The actor's tenant; required for member and admin."),
            .required("role", .enumeration(Role.allCases.map(\.rawValue)), "member, admin or sysadmin."),
        ]))

    static let initializeParams: [Field] = [
        .optional(
            "processId", .nullable(.integer(min: 0)), "The client's process id; the server exits when it is gone."),
        .optional(
            "clientInfo", .nullable(.anyObject),
            "The client's name and version (LSP); accepted with any members, not used."),
        .optional("capabilities", .anyObject, "Client capabilities (accepted, not used)."),
        .optional(
            "initializationOptions",
            .nullable(
                .object([
                    .optional(
                        "actor", .nullable(actorSchema),
                        "Who the session acts for; without it only lifecycle methods work.")
                ]))),
    ]

    static let initializeResult = Schema.object([
        .required(
            "capabilities",
            .object([
                .required("protocolVersion", .enumeration(["1"])),
                .required("methods", .array(.string()), "Every method this server registers."),
            ])),
        .required("serverInfo", .object([.required("name", .string()), .required("version", .string())])),
    ])

    static let specs: [MethodSpec] = [
        MethodSpec(
            "initialize",
            summary: "Starts the session and names its actor. Other members LSP clients send are accepted and ignored.",
            params: .namedOpen(initializeParams), result: initializeResult),
        MethodSpec("initialized", kind: .notification, summary: "The client received the initialize result."),
        MethodSpec(
            "shutdown", summary: "Prepares to exit; afterwards every request is refused with -32600.",
            result: .nullable(.any)),
        MethodSpec(
            "exit", kind: .notification, summary: "Ends the process: exit code 0 after shutdown, 1 otherwise.",
            params: .unchecked),
        MethodSpec(
            "$/cancelRequest", kind: .notification,
            summary: "Cancels a pending request; it is still answered (-32800 when it stopped).",
            params: .named([.required("id", .oneOf([.string(), .number]))])),
        MethodSpec(
            "window/workDoneProgress/cancel", kind: .notification,
            summary:
                "Cancels the pending request that carried this workDoneToken (an editor's cancel button), as $/cancelRequest does.",
            params: .named([.required("token", .oneOf([.string(), .integer()]))])),
        MethodSpec("rpc.discover", summary: "This OpenRPC document.", result: .anyObject),
    ]

    /// What the server sends on its own, besides domain notices.
    static let serverNotifications: [MethodSpec] = [
        MethodSpec(
            "$/progress", kind: .notification,
            summary:
                "Work done progress of a request that carried a workDoneToken: begin first, reports with non-decreasing percentages, end last, all before the response.",
            params: .named([
                .required("token", .oneOf([.string(), .integer()])),
                .required(
                    "value",
                    .object([
                        .required("kind", .enumeration(["begin", "report", "end"])),
                        .optional("title", .string()), .optional("message", .string()),
                        .optional("percentage", .integer(min: 0, max: 100)),
                        .optional("cancellable", .boolean),
                    ])),
            ])),
        MethodSpec(
            "window/logMessage", kind: .notification,
            summary: "A message for the user (1 error, 2 warning, 3 info, 4 log); also written to stderr.",
            params: .named([.required("type", .integer(min: 1, max: 4)), .required("message", .string())])),
    ]

    /// Reads the actor from validated `initialize` params.
    static func actor(from params: Params) -> Result<ActorIdentity?, ParamsError> {
        guard case .object(let a)? = params.optionalObject("initializationOptions")?["actor"] else {
            return .success(nil)
        }
        let role = Role(rawValue: a["role"]?.stringValue ?? "") ?? .member
        let tenantId = a["tenantId"]?.stringValue
        if role != .sysadmin && tenantId == nil {
            return .failure(
                ParamsError("/initializationOptions/actor/tenantId", "is required for role \(role.rawValue)"))
        }
        return .success(
            ActorIdentity(
                userId: a["userId"]?.stringValue ?? "", name: a["name"]?.stringValue,
                tenantId: tenantId, role: role))
    }

    static func initializeResult(methods: [String], info: ServerInfo) -> JSONValue {
        [
            "capabilities": ["protocolVersion": "1", "methods": .array(methods.map { .string($0) })],
            "serverInfo": ["name": .string(info.name), "version": .string(info.version)],
        ]
    }
}
