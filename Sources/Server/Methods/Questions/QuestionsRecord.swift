import JSONRPC
import Domain

/// `questions/record`: records a question on a model, optionally through an assistant or an app.
enum QuestionsRecord: MethodDeclaration {
    static let name = "questions/record"
    static let access = Access.anyActor
    static let summary =
        "Records a question on a model (the server sets at). Questions are history: never migrated, never repointed."

    /// The model asked, through which assistant or app, and the tokens used.
    struct Params: MethodParams {
        var completionModelId: String
        var assistantId: String?
        var appId: String?
        var tokensIn: Int
        var tokensOut: Int

        init(from p: inout ParamsReader) throws(ServerError) {
            completionModelId = try p.required("completionModelId", .uuid)
            assistantId = try p.optional("assistantId", .uuid)
            appId = try p.optional("appId", .uuid)
            tokensIn = try p.required("tokensIn", .integer(min: 0))
            tokensOut = try p.required("tokensOut", .integer(min: 0))
        }
    }

    /// The question as recorded (the store keeps only its model and time).
    struct Question: ShapedResult {
        /// A fresh id.
        var id: String
        /// The tenant it was asked in.
        var tenantId: String
        /// The model asked.
        var completionModelId: String
        /// The assistant it was asked through, if any.
        var assistantId: String?
        /// The app it was asked through, if any.
        var appId: String?
        /// Tokens in.
        var tokensIn: Int
        /// Tokens out.
        var tokensOut: Int
        /// When the server recorded it.
        var at: Millis

        static let shape = ObjectShape<Self>(
            "Question",
            [
                .member("id", .uuid) { .string($0.id) },
                .member("tenantId", .uuid) { .string($0.tenantId) },
                .member("completionModelId", .uuid) { .string($0.completionModelId) },
                .member("assistantId", .nullable(.uuid)) { .optionalString($0.assistantId) },
                .member("appId", .nullable(.uuid)) { .optionalString($0.appId) },
                .member("tokensIn", .integer()) { .int($0.tokensIn) },
                .member("tokensOut", .integer()) { .int($0.tokensOut) },
                .member("at", .timestamp) { Views.time($0.at) },
            ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Question {
        try call.platform.write { state throws(ServerError) in
            let m = try state.model(params.completionModelId, in: call.tenantId)
            let assistant = try params.assistantId.map { (id: String) throws(ServerError) in
                try state.config(id, kind: .assistant, in: call.tenantId).id
            }
            let app = try params.appId.map { (id: String) throws(ServerError) in
                try state.config(id, kind: .app, in: call.tenantId).id
            }
            let at = call.platform.now
            let question = Question(
                id: call.platform.newEntityID(), tenantId: call.tenantId, completionModelId: m.id,
                assistantId: assistant,
                appId: app, tokensIn: params.tokensIn, tokensOut: params.tokensOut, at: at)
            return (Transaction([.recordQuestion(modelId: m.id, at: at)]), question)
        }
    }
}
