import JSONRPC
import Domain

/// The capability members `models/create` and `models/update` take. Each is left alone when
/// absent; the nullable ones are cleared by `null`.
struct ModelCapabilities: MethodParams {
    /// A display name.
    var nickname: Patch<String>
    /// The model family (same-family replacements rank higher).
    var family: Patch<String>
    /// The input token limit.
    var maxInputTokens: Patch<Int>
    /// The output token limit.
    var maxOutputTokens: Patch<Int>
    /// Whether the model reads images.
    var vision: Bool?
    /// Whether the model reasons.
    var reasoning: Bool?
    /// Whether the model calls tools.
    var toolCalling: Bool?
    /// Where the model is hosted.
    var hosting: Patch<String>
    /// Whether the model is open source.
    var openSource: Bool?
    /// The id of the model's security classification (of the same tenant).
    var securityClassificationId: Patch<String>
    /// Whether the model is enabled.
    var isEnabled: Bool?
    /// Whether the model is its kind's default of the tenant.
    var isDefault: Bool?
    /// The manual deprecation flag.
    var isDeprecated: Bool?

    init(from p: inout ParamsReader) throws(ServerError) {
        nickname = try p.patch("nickname", .nullable(.string(.init(maxLength: 200))))
        family = try p.patch("family", .nullable(.string(.init(maxLength: 100))))
        maxInputTokens = try p.patch("maxInputTokens", .nullable(.integer(min: 0)))
        maxOutputTokens = try p.patch("maxOutputTokens", .nullable(.integer(min: 0)))
        vision = try p.optional("vision", .boolean)
        reasoning = try p.optional("reasoning", .boolean)
        toolCalling = try p.optional("toolCalling", .boolean)
        hosting = try p.patch("hosting", .nullable(.string(.init(maxLength: 100))))
        openSource = try p.optional("openSource", .boolean)
        securityClassificationId = try p.patch("securityClassificationId", .nullable(.uuid))
        isEnabled = try p.optional("isEnabled", .boolean)
        isDefault = try p.optional("isDefault", .boolean)
        isDeprecated = try p.optional(
            "isDeprecated", .boolean, "Sets the manual deprecation flag (output shows the effective value).")
    }

    /// Applies the members given to `m`. The classification must be one of the model's tenant;
    /// `isDefault: true` takes the flag from the tenant's previous default of the same kind (those
    /// models are put in `tx`).
    func apply(to m: inout Model, state: PlatformState, tx: inout Transaction) throws(ServerError) {
        nickname.apply(to: &m.nickname)
        family.apply(to: &m.family)
        maxInputTokens.apply(to: &m.maxInputTokens)
        maxOutputTokens.apply(to: &m.maxOutputTokens)
        if let vision { m.vision = vision }
        if let reasoning { m.reasoning = reasoning }
        if let toolCalling { m.toolCalling = toolCalling }
        hosting.apply(to: &m.hosting)
        if let openSource { m.openSource = openSource }
        if case .set(let cid) = securityClassificationId {
            if let cid {
                m.securityClassificationId = try state.classification(cid, in: m.tenantId).id
            } else {
                m.securityClassificationId = nil
            }
        }
        if let isEnabled { m.isEnabled = isEnabled }
        if let isDeprecated { m.manualDeprecated = isDeprecated }
        if let isDefault {
            for other in state.defaultsTaken(settingDefault: isDefault, on: m) { tx.add(.putModel(other)) }
            if isDefault, !m.isDefault, let regained = state.defaultRegained(m.kind, inTenant: m.tenantId) {
                tx.add(regained)
            }
            m.isDefault = isDefault
        }
    }
}
