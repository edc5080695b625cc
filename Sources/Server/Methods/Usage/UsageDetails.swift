import JSONRPC
import Domain

/// `usage/details`: one row per entity that uses a model, oldest first.
enum UsageDetails: MethodDeclaration {
    static let name = "usage/details"
    static let access = Access.admin
    static let summary = "What uses a model, one row per entity, oldest first; total counts every matching row."

    /// The entity types a row can be of.
    static let entityTypes = ["assistants", "apps", "services", "assistantTemplates", "appTemplates", "spaces"]

    /// The model, an entity type to keep, and the page.
    struct Params: MethodParams {
        var modelId: String
        var entityType: String?
        var page: PageRequest

        init(from p: inout ParamsReader) throws(ServerError) {
            modelId = try p.required("modelId", .uuid)
            entityType = try p.optional("entityType", .enumeration(UsageDetails.entityTypes))
            page = try PageRequest(from: &p)
        }
    }

    /// One entity that uses the model.
    struct Row: ShapedResult {
        var entityType: String
        var entityId: String
        var name: String
        var spaceId: String?
        var spaceName: String?
        var createdBy: String?
        var createdAt: Millis

        static let shape = ObjectShape<Self>(
            "UsageRow",
            [
                .member("entityType", .enumeration(UsageDetails.entityTypes)) { .string($0.entityType) },
                .member("entityId", .uuid) { .string($0.entityId) },
                .member("name", .string()) { .string($0.name) },
                .member("spaceId", .nullable(.uuid)) { .optionalString($0.spaceId) },
                .member("spaceName", .nullable(.string())) { .optionalString($0.spaceName) },
                .member("createdBy", .nullable(.string())) { .optionalString($0.createdBy) },
                .member("createdAt", .timestamp) { Views.time($0.createdAt) },
            ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<Row> {
        let state = try call.platform.read()
        let m = try state.model(params.modelId, in: call.tenantId, includeDeleted: true)
        let types = params.entityType.map { [$0] } ?? entityTypes
        return try Pagination.page(
            rows(of: m.id, types: types, in: state), key: { .init($0.createdAt, $0.entityId) },
            request: params.page, scope: call.pageScope
        ) { $0 }
    }

    /// What uses a model, for the given entity types: configurations, templates (not deleted),
    /// and spaces that enable it.
    static func rows(of modelId: String, types: [String], in state: PlatformState) -> [Row] {
        var out: [Row] = []
        for id in state.configurationIDs(using: modelId) {
            guard let c = state.configuration(id), types.contains(c.kind.entityType) else { continue }
            out.append(
                Row(
                    entityType: c.kind.entityType, entityId: c.id, name: c.name, spaceId: c.spaceId,
                    spaceName: state.space(c.spaceId)?.name, createdBy: c.createdBy, createdAt: c.createdAt))
        }
        for id in state.templateIDs(using: modelId) {
            guard let t = state.template(id), t.deletedAt == nil, types.contains(t.kind.entityType) else { continue }
            out.append(
                Row(
                    entityType: t.kind.entityType, entityId: t.id, name: t.name, spaceId: nil, spaceName: nil,
                    createdBy: nil, createdAt: t.createdAt))
        }
        if types.contains("spaces") {
            for id in state.spaceIDs(enabling: modelId) {
                guard let s = state.space(id) else { continue }
                out.append(
                    Row(
                        entityType: "spaces", entityId: s.id, name: s.name, spaceId: s.id, spaceName: s.name,
                        createdBy: nil, createdAt: s.createdAt))
            }
        }
        return out
    }
}
