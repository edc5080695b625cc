import JSONRPC
import Domain

/// `migration/validate`: the preflight of a migration; changes nothing.
enum MigrationValidate: MethodDeclaration {
    static let name = "migration/validate"
    static let access = Access.admin
    static let summary = "Preflight of a migration: issues (blockers first), impact and a plan hash. Changes nothing."

    /// `{canMigrate, requiresConfirmation, issues, impact, planHash}` of a plan.
    struct Preflight: ShapedResult {
        /// The plan validated.
        var plan: MigrationPlan

        /// What would move per entity type, the spaces that would newly get the target, and the
        /// questions that stay on the source.
        static let impactSchema = Schema.object(
            MigrationEntityType.allCases.map { .required($0.rawValue, .integer(min: 0)) }
                + [.required("spacesGainingTarget", .integer(min: 0)), .required("questionsKept", .integer(min: 0))])

        static let shape = ObjectShape<Self>([
            .member("canMigrate", .boolean) { .bool($0.plan.canMigrate) },
            .member("requiresConfirmation", .boolean) { .bool($0.plan.requiresConfirmation) },
            .member("issues", .array(MigrationIssue.schema)) { .array($0.plan.issues.map(\.json)) },
            .member("impact", impactSchema) { $0.plan.impact },
            .member("planHash", .string()) { .string($0.plan.planHash) },
        ])
    }

    static func handle(_ call: Call, _ params: MigrationRequest) throws(ServerError) -> Preflight {
        Preflight(plan: try params.plan(call, try call.platform.read()))
    }
}
