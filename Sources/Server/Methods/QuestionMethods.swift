import JSONRPC
import Domain

/// `questions/*`: historical usage records, counted per model and purged by age; never migrated.
enum QuestionMethods {
    static func all() -> [DomainMethod] {
        [
            DomainMethod(
                "questions/record", .anyActor,
                summary:
                    "Records a question on a model (the server sets at). Questions are history: never migrated, never repointed.",
                params: [
                    .required("completionModelId", .uuid), .optional("assistantId", .uuid), .optional("appId", .uuid),
                    .required("tokensIn", .integer(min: 0)), .required("tokensOut", .integer(min: 0)),
                ],
                result: .named(
                    "Question",
                    .object([
                        .required("id", .uuid), .required("tenantId", .uuid), .required("completionModelId", .uuid),
                        .required("assistantId", .nullable(.uuid)), .required("appId", .nullable(.uuid)),
                        .required("tokensIn", .integer()), .required("tokensOut", .integer()),
                        .required("at", .timestamp),
                    ]))
            ) { call throws(ServerError) in
                try call.platform.write { state throws(ServerError) in
                    let m = try state.model(try call.params.string("completionModelId"), in: call.tenantId)
                    let assistant = try call.params.optionalString("assistantId").map {
                        (id: String) throws(ServerError) in
                        try state.config(id, kind: .assistant, in: call.tenantId).id
                    }
                    let app = try call.params.optionalString("appId").map { (id: String) throws(ServerError) in
                        try state.config(id, kind: .app, in: call.tenantId).id
                    }
                    let at = call.platform.now
                    let result: JSONValue = [
                        "id": .string(call.platform.newID()), "tenantId": .string(call.tenantId),
                        "completionModelId": .string(m.id), "assistantId": .optionalString(assistant),
                        "appId": .optionalString(app), "tokensIn": .int(try call.params.int("tokensIn")),
                        "tokensOut": .int(try call.params.int("tokensOut")), "at": Views.time(at),
                    ]
                    return (Transaction([.recordQuestion(modelId: m.id, at: at)]), result)
                }
            },
            DomainMethod(
                "questions/count", .anyActor,
                summary: "How many questions are recorded on a model (soft-deleted models included).",
                params: [.required("modelId", .uuid)], result: .object([.required("count", .integer(min: 0))])
            ) { call throws(ServerError) in
                let state = try call.platform.read()
                let m = try state.model(try call.params.string("modelId"), in: call.tenantId, includeDeleted: true)
                return ["count": .int(state.questionTimes(of: m.id).count)]
            },
            DomainMethod(
                "questions/purge", .admin,
                summary:
                    "Removes the tenant's questions recorded before a time (data retention); what eventually frees retired models.",
                params: [.required("before", .timestamp)], result: .object([.required("purged", .integer(min: 0))])
            ) { call throws(ServerError) in
                let before = Formats.parseTimestamp(try call.params.string("before"))!
                return try call.platform.write { state throws(ServerError) in
                    var purged = 0
                    for m in state.modelIDs(ofTenant: call.tenantId) {
                        purged += state.questionTimes(of: m).reduce(0) { $0 + ($1 < before ? 1 : 0) }
                    }
                    let tx =
                        purged == 0
                        ? Transaction() : Transaction([.purgeQuestions(tenantId: call.tenantId, before: before)])
                    return (tx, ["purged": .int(purged)])
                }
            },
        ]
    }
}
