import JSONRPC
import Domain

/// `questions/purge`: removes the tenant's questions recorded before a time (data retention).
enum QuestionsPurge: MethodDeclaration {
    static let name = "questions/purge"
    static let access = Access.admin
    static let summary =
        "Removes the tenant's questions recorded before a time (data retention); what eventually frees retired models."

    /// The time: questions recorded strictly before it go.
    struct Params: MethodParams {
        var before: String

        init(from p: inout ParamsReader) throws(ServerError) {
            before = try p.required("before", .timestamp)
        }
    }

    /// `{purged}`.
    struct Purged: ShapedResult {
        /// How many questions were removed.
        var purged: Int
        static let shape = ObjectShape<Self>([.member("purged", .integer(min: 0)) { .int($0.purged) }])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Purged {
        // The schema checked the format.
        let before = Formats.parseTimestamp(params.before)!
        return try call.platform.write { state throws(ServerError) in
            let purged = state.questionsRecorded(ofTenant: call.tenantId, before: before)
            let tx =
                purged == 0 ? Transaction() : Transaction([.purgeQuestions(tenantId: call.tenantId, before: before)])
            return (tx, Purged(purged: purged))
        }
    }
}
