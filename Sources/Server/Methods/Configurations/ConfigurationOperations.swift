import JSONRPC
import Domain

/// A method of one kind of configuration. `assistants/*`, `apps/*` and `services/*` are the same
/// five operations: each method is declared in its own file (name, access, summary, errors, kind);
/// its params and handler come from the operation's protocol here and act on the declared `kind`.
protocol ConfigurationMethod: MethodDeclaration {
    /// The kind of configuration the method acts on.
    static var kind: ConfigKind { get }
}

/// The summary of `kwargs` on create and update.
private let kwargsSummary = "Model parameters (default {}); reset to {} by a migration."

extension PlatformState {
    /// The tenant's model `id` as the `kind` model of something in `space`, or of a template
    /// when `space` is nil: `not_found` when the tenant has no such model (or it is
    /// soft-deleted), `model_unavailable` when `modelRefusal(of:as:in:canAccess:)` refuses it.
    func usableModel(
        _ id: String, as kind: ModelKind, in space: Space?, tenantId: String, _ platform: Platform
    ) throws(ServerError) -> Model {
        let m = try model(id, in: tenantId)
        let canAccess = Views.lifecycle(m, self, platform).canAccess
        if let why = modelRefusal(of: m, as: kind, in: space, canAccess: canAccess) {
            throw .domain(.modelUnavailable(reason: why, modelId: m.id))
        }
        return m
    }

    /// A configuration's completion model in `space` (see `usableModel`).
    func configurationModel(_ id: String, in space: Space, _ platform: Platform) throws(ServerError) -> Model {
        try usableModel(id, as: .completion, in: space, tenantId: space.tenantId, platform)
    }
}

/// What `lifecyclePinned` says in the params of assistants/*, apps/* and services/*.
let pinnedSummary = "Whether no lifecycle policy may move it (default false); a policy's plans list it as kept."

/// What `transcriptionModelId` says in the params of assistants/*, apps/* and services/*.
let transcriptionSummary = "Apps only (-32602 otherwise): a transcription model the space enables and accepts."

/// `<kind>s/create`: a new configuration in a space, on a model the space enables and accepts.
protocol ConfigurationCreate: ConfigurationMethod
where Params == ConfigurationCreateParams, Result == ConfigView {}

/// The params of `<kind>s/create`.
struct ConfigurationCreateParams: MethodParams {
    /// The space it lives in.
    var spaceId: String
    /// Its display name.
    var name: String
    /// The completion model it uses.
    var completionModelId: String
    /// Its model parameters; `{}` when left out.
    var kwargs: JSONObject
    /// An app's transcription model.
    var transcriptionModelId: String?
    /// Whether no lifecycle policy may move it.
    var lifecyclePinned: Bool

    init(from p: inout ParamsReader) throws(ServerError) {
        spaceId = try p.required("spaceId", .uuid)
        name = try p.required("name", .name())
        completionModelId = try p.required("completionModelId", .uuid)
        kwargs = try p.optional("kwargs", .anyObject, kwargsSummary, default: JSONObject())
        transcriptionModelId = try p.optional("transcriptionModelId", .uuid, transcriptionSummary)
        lifecyclePinned = try p.optional("lifecyclePinned", .boolean, pinnedSummary, default: false)
    }
}

extension ConfigurationCreate {
    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ConfigView {
        try call.platform.write { state throws(ServerError) in
            let space = try state.space(params.spaceId, in: call.tenantId)
            let m = try state.configurationModel(params.completionModelId, in: space, call.platform)
            var c = ConfigItem(
                kind: kind, id: call.platform.newEntityID(), tenantId: call.tenantId, spaceId: space.id,
                name: params.name,
                completionModelId: m.id, kwargs: params.kwargs, createdBy: call.actor.userId,
                createdAt: call.platform.now)
            c.lifecyclePinned = params.lifecyclePinned
            if let tid = params.transcriptionModelId {
                guard kind == .app else { throw .invalidParams("/transcriptionModelId", "only apps transcribe") }
                c.transcriptionModelId = try state.usableModel(
                    tid, as: .transcription, in: space, tenantId: call.tenantId, call.platform
                ).id
            }
            return (Transaction([.putConfig(c)]), ConfigView(c))
        }
    }
}

/// `<kind>s/get`: one configuration of the kind.
protocol ConfigurationGet: ConfigurationMethod where Params == IdParams, Result == ConfigView {}

extension ConfigurationGet {
    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> ConfigView {
        ConfigView(try call.platform.read().config(params.id, kind: kind, in: call.tenantId))
    }
}

/// `<kind>s/list`: the tenant's configurations of the kind, oldest first; optionally of one space
/// or one model.
protocol ConfigurationList: ConfigurationMethod where Params == ConfigurationListParams, Result == Page<ConfigView> {}

/// The params of `<kind>s/list`.
struct ConfigurationListParams: MethodParams {
    /// Only the configurations in this space (which must exist).
    var spaceId: String?
    /// Only the configurations using this model (which must exist, soft-deleted or not, unless
    /// `spaceId` is given too).
    var completionModelId: String?
    /// The page.
    var page: PageRequest

    init(from p: inout ParamsReader) throws(ServerError) {
        spaceId = try p.optional("spaceId", .uuid)
        completionModelId = try p.optional("completionModelId", .uuid)
        page = try PageRequest(from: &p)
    }
}

extension ConfigurationList {
    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> Page<ConfigView> {
        let state = try call.platform.read()
        let items: [ConfigItem]
        if let sid = params.spaceId {
            _ = try state.space(sid, in: call.tenantId)
            items = state.configurationIDs(inSpace: sid).compactMap { state.configuration($0) }.filter {
                $0.kind == kind
            }
        } else if let mid = params.completionModelId {
            _ = try state.model(mid, in: call.tenantId, includeDeleted: true)
            items = state.configurationIDs(using: mid).compactMap { state.configuration($0) }.filter { $0.kind == kind }
        } else {
            items = state.configurations(ofKind: kind, inTenant: call.tenantId)
        }
        let filtered = params.completionModelId.map { mid in items.filter { $0.completionModelId == mid } } ?? items
        return try Pagination.page(
            filtered, key: { .init($0.createdAt, $0.id) }, request: params.page, scope: call.pageScope,
            render: ConfigView.init)
    }
}

/// `<kind>s/update`: changes a configuration; a new space or model passes the checks of create.
protocol ConfigurationUpdate: ConfigurationMethod where Params == ConfigurationUpdateParams, Result == ConfigView {}

/// The params of `<kind>s/update`: the configuration and what changes (members left out stay).
struct ConfigurationUpdateParams: MethodParams {
    /// The configuration's id.
    var id: String
    /// A new display name.
    var name: String?
    /// A new space (its model is then checked against it).
    var spaceId: String?
    /// A new completion model (checked against the space).
    var completionModelId: String?
    /// New model parameters (replacing the old ones).
    var kwargs: JSONObject?
    /// An app's transcription model: set, or cleared with `null`.
    var transcriptionModelId: Patch<String>
    /// Pins it against lifecycle policies, or unpins it.
    var lifecyclePinned: Bool?

    init(from p: inout ParamsReader) throws(ServerError) {
        id = try p.required("id", .uuid)
        name = try p.optional("name", .name())
        spaceId = try p.optional("spaceId", .uuid)
        completionModelId = try p.optional("completionModelId", .uuid)
        kwargs = try p.optional("kwargs", .anyObject, kwargsSummary)
        transcriptionModelId = try p.patch(
            "transcriptionModelId", .nullable(.uuid), transcriptionSummary + " null removes it.")
        lifecyclePinned = try p.optional("lifecyclePinned", .boolean, pinnedSummary)
    }
}

extension ConfigurationUpdate {
    static func handle(_ call: Call, _ params: Params) throws(ServerError) -> ConfigView {
        try call.platform.write { state throws(ServerError) in
            var c = try state.config(params.id, kind: kind, in: call.tenantId)
            let before = c
            if let name = params.name, name != c.name { c.name = name }
            if let kw = params.kwargs { c.kwargs = kw }
            if let pinned = params.lifecyclePinned { c.lifecyclePinned = pinned }
            if params.spaceId != nil || params.completionModelId != nil {
                let space = try state.space(params.spaceId ?? c.spaceId, in: call.tenantId)
                let m = try state.configurationModel(
                    params.completionModelId ?? c.completionModelId, in: space, call.platform)
                c.spaceId = space.id
                c.completionModelId = m.id
            }
            if case .set(let tid) = params.transcriptionModelId {
                guard kind == .app else { throw .invalidParams("/transcriptionModelId", "only apps transcribe") }
                c.transcriptionModelId = tid
            }
            if let tid = c.transcriptionModelId, tid != before.transcriptionModelId || c.spaceId != before.spaceId {
                // A new transcription model, or a new space for the one it has: the space must take it.
                let space = try state.space(c.spaceId, in: call.tenantId)
                c.transcriptionModelId = try state.usableModel(
                    tid, as: .transcription, in: space, tenantId: call.tenantId, call.platform
                ).id
            }
            if c == before { return (Transaction(), ConfigView(c)) }
            c.updatedAt = Formats.nextUpdate(after: c.updatedAt, now: call.platform.now)
            return (Transaction([.putConfig(c)]), ConfigView(c))
        }
    }
}

/// `<kind>s/delete`: deletes a configuration (hard); the questions asked through it stay.
protocol ConfigurationDelete: ConfigurationMethod where Params == IdParams, Result == Deleted {}

extension ConfigurationDelete {
    static func handle(_ call: Call, _ params: IdParams) throws(ServerError) -> Deleted {
        try call.platform.write { state throws(ServerError) in
            let c = try state.config(params.id, kind: kind, in: call.tenantId)
            return (Transaction([.remove(.config, id: c.id)]), Deleted(deleted: true))
        }
    }
}
