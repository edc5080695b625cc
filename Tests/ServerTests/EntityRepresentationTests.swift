import XCTest
import JSONRPC
import Domain
@testable import Server

/// Each entity has three representations: its journal form (`record`, Domain), its wire view and
/// the view's published schema (one `ObjectShape`, Server). The view and the schema come from the
/// same member list; these tests prove the journal form agrees with them: every stored field is
/// shown under its own name with the same value (timestamps as ISO 8601), or is in the short,
/// explained list of fields the view shows another way; and every view member is stored or is
/// in the list of fields derived at read time. A field added to one form only fails here.
final class EntityRepresentationTests: XCTestCase {
    private let t0: Millis = 1_764_000_000_000
    private let tenantID = "00000000-0000-4000-8000-000000000001"
    private let classificationID = "00000000-0000-4000-8000-000000000002"
    private let providerID = "00000000-0000-4000-8000-000000000003"
    private let spaceID = "00000000-0000-4000-8000-000000000004"
    private let modelID = "00000000-0000-4000-8000-000000000005"
    private let targetID = "00000000-0000-4000-8000-000000000006"
    private let assistantID = "00000000-0000-4000-8000-000000000007"
    private let templateID = "00000000-0000-4000-8000-000000000008"

    /// Compares one entity's journal form with its view.
    private func assertAgree(
        _ entity: String, record: JSONObject, view: JSONValue, schema: Schema,
        shownOtherwise: [String: String] = [:], derived: [String: String] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        guard case .object(let v) = view.resolved else {
            XCTFail("\(entity): the view is not an object", file: file, line: line)
            return
        }
        XCTAssertNil(schema.validate(view), "\(entity): the view does not match its schema", file: file, line: line)
        for member in record.members where shownOtherwise[member.key] == nil {
            guard let shown = v[member.key] else {
                XCTFail("\(entity).\(member.key) is stored but not shown (nor listed)", file: file, line: line)
                continue
            }
            let expected: JSONValue
            if member.key.hasSuffix("At"), let ms = member.value.numberValue?.int64Value {
                expected = .string(Formats.formatTimestamp(ms))
            } else {
                expected = member.value
            }
            XCTAssertEqual(shown, expected, "\(entity).\(member.key): stored and shown differ", file: file, line: line)
        }
        for member in v.members where record[member.key] == nil && derived[member.key] == nil {
            // Absent optionals are left out of the journal and shown as null.
            if case .null = member.value { continue }
            XCTFail("\(entity).\(member.key) is shown but neither stored nor listed as derived", file: file, line: line)
        }
    }

    private func state() -> (PlatformState, Platform) {
        let p = Platform(
            store: MemoryPlatformStore(), catalog: Catalog(), catalogSource: CatalogSource(path: nil, origin: "none"),
            calendar: LifecycleCalendar(today: 20_000))
        return (PlatformState(), p)
    }

    func testTenantClassificationProviderAndSpace() {
        let tenant = Tenant(id: tenantID, name: "Acme", securityEnabled: true, createdAt: t0)
        assertAgree("tenant", record: tenant.record, view: TenantView(tenant).json, schema: TenantView.schema)
        let c = Classification(id: classificationID, tenantId: tenantID, name: "Secret", level: 3)
        assertAgree(
            "classification", record: c.record, view: ClassificationView(c).json, schema: ClassificationView.schema)
        let p = Provider(id: providerID, tenantId: tenantID, name: "OpenAI", providerType: "openai")
        assertAgree("provider", record: p.record, view: ProviderView(p).json, schema: ProviderView.schema)
        let s = Space(
            id: spaceID, tenantId: tenantID, name: "S", securityClassificationId: classificationID, modelIds: [modelID],
            createdAt: t0)
        assertAgree("space", record: s.record, view: SpaceView(s).json, schema: SpaceView.schema)
    }

    func testConfigurationAndTemplate() {
        var c = ConfigItem(
            kind: .assistant, id: assistantID, tenantId: tenantID, spaceId: spaceID, name: "A",
            completionModelId: modelID,
            kwargs: ["temperature": 0.5], createdBy: "ada", createdAt: t0)
        c.updatedAt = t0 + 5
        c.lifecyclePinned = true
        assertAgree(
            "configuration", record: c.record, view: ConfigView(c).json, schema: ConfigView.schema,
            shownOtherwise: ["kind": "the kind is the method group (assistants/…, apps/…, services/…)"])
        var tpl = Template(
            id: templateID, tenantId: tenantID, kind: .app, name: "T", completionModelId: modelID, kwargs: ["k": 1],
            createdAt: t0)
        tpl.deletedAt = t0 + 9
        assertAgree("template", record: tpl.record, view: TemplateView(tpl).json, schema: TemplateView.schema)
    }

    func testModelWithEveryStoredFieldSet() {
        var (s, platform) = state()
        s.apply(
            Transaction([
                .putProvider(Provider(id: providerID, tenantId: tenantID, name: "OpenAI", providerType: "openai")),
                .putClassification(Classification(id: classificationID, tenantId: tenantID, name: "Secret", level: 3)),
            ]))
        var m = Model(
            id: modelID, tenantId: tenantID, kind: .completion, name: "gpt-x", providerId: providerID, createdAt: t0)
        m.nickname = "X"
        m.family = "gpt"
        m.maxInputTokens = 8192
        m.maxOutputTokens = 1024
        m.vision = true
        m.reasoning = true
        m.toolCalling = true
        m.hosting = "cloud"
        m.openSource = true
        m.securityClassificationId = classificationID
        m.isDefault = true
        m.manualDeprecated = true
        m.migratedToModelId = targetID
        m.migratedAt = t0 + 1
        m.deletedAt = t0 + 2
        m.updatedAt = t0 + 3
        assertAgree(
            "model", record: m.record, view: ModelView(m, s, platform).json, schema: ModelView.schema,
            shownOtherwise: [
                "manualDeprecated": "shown folded into the effective isDeprecated (manual flag or catalog date)",
                "securityClassificationId": "shown as securityClassification {id, name, level}",
                "migratedAt": "kept for history and audit; the view shows migratedToModelId",
            ],
            derived: [
                "providerType": "the provider's", "securityClassification": "the classification's",
                "isDeprecated": "effective, at read time", "deprecationDate": "the catalog's",
                "deprecationSource": "the catalog's", "successorModel": "the catalog's",
                "status": "from the flag, the catalog date and the calendar", "canAccess": "likewise",
                "lifecycle": "from the flag, the providers' exports and the catalog",
            ])
        guard case .object(let v) = ModelView(m, s, platform).json.resolved else { return XCTFail("not an object") }
        XCTAssertEqual(v["securityClassification"]?["id"], .string(classificationID))
        XCTAssertEqual(v["isDeprecated"], true, "the manual flag shows as deprecated")
    }
}
