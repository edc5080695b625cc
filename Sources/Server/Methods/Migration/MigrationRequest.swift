import JSONRPC
import Domain

/// What `migration/validate` and `migration/execute` both take: the model to move from, the one
/// to move to, and what to move.
struct MigrationRequest: MethodParams {
    /// The source model.
    var fromModelId: String
    /// The target model.
    var toModelId: String
    /// The entity types as sent, or nil when left out (all).
    var entityTypes: [MigrationEntityType]?

    /// `entityTypes`: names of `MigrationEntityType`; `questions` is refused with its reason.
    static let entityTypesSchema = Schema.array(
        .string(
            .init(
                allowed: MigrationEntityType.allCases.map(\.rawValue),
                refused: ["questions": "questions are history and are never migrated"])), maxItems: 6)

    /// A request for these models (the fleet migration's, once it found them in a tenant).
    init(fromModelId: String, toModelId: String, entityTypes: [MigrationEntityType]?) {
        self.fromModelId = fromModelId
        self.toModelId = toModelId
        self.entityTypes = entityTypes
    }

    init(from p: inout ParamsReader) throws(ServerError) {
        fromModelId = try p.required("fromModelId", .uuid)
        toModelId = try p.required("toModelId", .uuid)
        entityTypes = try p.optional(
            "entityTypes", Self.entityTypesSchema,
            "What to move (default: all). questions is refused: questions are history.")
    }

    /// The entity types as the request named them, in its order (all six when it named none):
    /// what the history entry records.
    var requested: [String] { (entityTypes ?? MigrationEntityType.allCases).map(\.rawValue) }

    /// The selected entity types in `MigrationEntityType.allCases` order (default all); an empty
    /// list is -32602.
    func selectedTypes() throws(ServerError) -> [MigrationEntityType] {
        guard let entityTypes else { return MigrationEntityType.allCases }
        if entityTypes.isEmpty { throw .invalidParams("/entityTypes", "must name at least one entity type") }
        let chosen = Set(entityTypes)
        return MigrationEntityType.allCases.filter { chosen.contains($0) }
    }

    /// The plan of this migration in `state`: both models of the call's tenant and not deleted
    /// (the source looked up first), then the selected types.
    func plan(_ call: Call, _ state: PlatformState, keepingPinned: Bool = false) throws(ServerError) -> MigrationPlan {
        let from = try state.model(fromModelId, in: call.tenantId)
        let to = try state.model(toModelId, in: call.tenantId)
        return MigrationPlanner.plan(
            state: state, source: ModelFacts(from, state, call.platform), target: ModelFacts(to, state, call.platform),
            entityTypes: try selectedTypes(), keepingPinned: keepingPinned)
    }
}
