import JSONRPC
import Domain

/// The params of a method that names one entity by `id` (gets and deletes).
struct IdParams: MethodParams {
    /// The entity's id.
    var id: String

    init(from p: inout ParamsReader) throws(ServerError) {
        id = try p.required("id", .uuid)
    }
}

/// `{deleted: true}`: what a hard delete answers.
struct Deleted: ShapedResult {
    /// Always true: the thing is gone.
    var deleted: Bool
    static let shape = ObjectShape<Self>([.member("deleted", .boolean) { .bool($0.deleted) }])
}
