import JSONRPC
import Domain

/// `questions/count`: how many questions are recorded on a model.
enum QuestionsCount: MethodDeclaration {
    static let name = "questions/count"
    static let access = Access.anyActor
    static let summary = "How many questions are recorded on a model (soft-deleted models included)."

    /// The model.
    struct Params: MethodParams {
        var modelId: String

        init(from p: inout ParamsReader) throws(ServerError) {
            modelId = try p.required("modelId", .uuid)
        }
    }

    /// `{count}`.
    struct Count: ShapedResult {
        /// The questions recorded on the model.
        var count: Int
        static let shape = ObjectShape<Self>([.member("count", .integer(min: 0)) { .int($0.count) }])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Count {
        let state = try call.platform.read()
        let m = try state.model(params.modelId, in: call.tenantId, includeDeleted: true)
        return Count(count: state.questionTimes(of: m.id).count)
    }
}
