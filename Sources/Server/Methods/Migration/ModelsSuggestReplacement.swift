import JSONRPC
import Domain

/// `models/suggestReplacement`: the tenant's other models ranked as replacements of one, each
/// with the preflight of migrating to it.
enum ModelsSuggestReplacement: MethodDeclaration {
    static let name = "models/suggestReplacement"
    static let access = Access.admin
    static let summary =
        "Ranked replacement candidates: the catalog's successorModel first, then no blockers and fewest warnings; "
        + "blocked last."

    /// The model to replace, and how many candidates to return.
    struct Params: MethodParams {
        var id: String
        var limit: Int

        init(from p: inout ParamsReader) throws(ServerError) {
            id = try p.required("id", .uuid)
            limit = try p.optional("limit", .integer(min: 1, max: 100), default: 10)
        }
    }

    /// One candidate: why it ranks where it does, and its preflight in brief.
    struct Candidate: ShapedResult {
        var modelId: String
        var name: String
        /// Why it ranks where it does, for people.
        var reasons: [String]
        var canMigrate: Bool
        var requiresConfirmation: Bool
        /// The codes of the preflight's issues, in order.
        var issueCodes: [String]

        static let shape = ObjectShape<Self>([
            .member("modelId", .uuid) { .string($0.modelId) },
            .member("name", .string()) { .string($0.name) },
            .member("reasons", .array(.string())) { .array($0.reasons.map { .string($0) }) },
            .member("canMigrate", .boolean) { .bool($0.canMigrate) },
            .member("requiresConfirmation", .boolean) { .bool($0.requiresConfirmation) },
            .member("issueCodes", .array(.string())) { .array($0.issueCodes.map { .string($0) }) },
        ])
    }

    /// `{items}`: the best candidates first.
    struct Suggestions: ShapedResult {
        /// The candidates, best first.
        var items: [Candidate]

        static let shape = ObjectShape<Self>([
            .member("items", .array(Candidate.schema)) { .array($0.items.map(\.json)) }
        ])
    }

    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Suggestions {
        let state = try call.platform.read()
        let source = try state.model(params.id, in: call.tenantId)
        return Suggestions(items: ranked(source, in: state, call.platform).prefix(params.limit).map(\.candidate))
    }

    /// Every candidate replacement of `source` in its tenant, best first (what `target: best`
    /// of a lifecycle policy takes the first of).
    static func ranked(
        _ source: Model, in state: PlatformState, _ platform: Platform
    ) -> [(
        model: Model, candidate: Candidate
    )] {
        let sourceFacts = ModelFacts(source, state, platform)
        let successor = platform.catalogEntry(for: source, in: state)?.successorModel
        var ranked: [(rank: ReplacementRank, model: Model, candidate: Candidate)] = []
        for id in state.modelIDs(ofTenant: source.tenantId) where id != source.id {
            guard let m = state.model(id), m.deletedAt == nil else { continue }
            let p = MigrationPlanner.plan(
                state: state, source: sourceFacts, target: ModelFacts(m, state, platform),
                entityTypes: MigrationEntityType.allCases)
            let warnings = p.warnings.count
            let isSuccessor = m.isCatalogSuccessor(successor, providerType: state.provider(m.providerId)?.providerType)
            var reasons: [String] = []
            if isSuccessor { reasons.append("catalog successor of \(source.name)") }
            if let f = m.family, f == source.family { reasons.append("same family (\(f))") }
            if !p.canMigrate {
                reasons.append("blocked: " + p.blockers.map(\.code).joined(separator: ", "))
            } else if warnings == 0 {
                reasons.append("no warnings")
            } else {
                reasons.append("\(warnings) warning(s)")
            }
            let candidate = Candidate(
                modelId: m.id, name: m.name, reasons: reasons, canMigrate: p.canMigrate,
                requiresConfirmation: p.requiresConfirmation, issueCodes: p.issues.map(\.code))
            ranked.append((ReplacementRank(m, isSuccessor: isSuccessor, plan: p), m, candidate))
        }
        ranked.sort { $0.rank < $1.rank }
        return ranked.map { ($0.model, $0.candidate) }
    }
}
