import JSONRPC
import Domain

/// Rendered model views, kept as bytes: a list of 500 models is then a copy, not 500 renderings.
///
/// A view shows the model, its provider's type, its classification and its catalog entry (the
/// date is fixed per process). The cache holds views of one state: it is emptied as soon as the
/// state has another `modelViewRevision` (any model, provider or classification changed), the
/// store was reloaded, or the catalog was. A hit is then one lookup: no model is copied or
/// compared (copying and comparing 500 models cost more than the rendering saved).
///
/// Only for models as they are in the state given (read paths); threading: used only by the
/// worker thread, like the platform that owns it.
final class ModelViewCache {
    /// What a list filters and sorts on, with the rendered view.
    struct Entry {
        var id: String
        var createdAt: Millis
        var isDeleted: Bool
        var kind: ModelKind
        var status: ModelStatus
        var view: SerializedJSON
    }

    private struct Stamp: Equatable {
        var loads: Int
        var revision: UInt64
        var catalogLoadedAt: Millis
    }
    private var stamp: Stamp?
    private var entries: [String: Entry] = [:]
    /// Entries kept at most (also the bound of `Platform.effectiveEntries`).
    static let capacity = 50_000

    /// The entry of model `id` in `state`, or nil when there is no such model.
    func entry(_ id: String, _ state: PlatformState, _ platform: Platform) -> Entry? {
        let now = Stamp(
            loads: platform.store.reloads, revision: state.modelViewRevision, catalogLoadedAt: platform.catalogLoadedAt)
        if now != stamp {
            entries.removeAll(keepingCapacity: true)
            stamp = now
        }
        if let hit = entries[id] { return hit }
        guard let m = state.model(id) else { return nil }
        let e = Entry(
            id: m.id, createdAt: m.createdAt, isDeleted: m.deletedAt != nil, kind: m.kind,
            status: Views.lifecycle(m, state, platform).status,
            view: SerializedJSON(ModelView.render(m, state, platform)))
        if entries.count > Self.capacity { entries.removeAll(keepingCapacity: true) }  // bounded; rebuilt on demand
        entries[id] = e
        return e
    }

    /// The view of a model of `state`.
    func view(_ m: Model, _ state: PlatformState, _ platform: Platform) -> JSONValue {
        if let e = entry(m.id, state, platform) { return .serialized(e.view) }
        return ModelView.render(m, state, platform)
    }
}
