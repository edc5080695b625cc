import JSONRPC
import Domain

/// Rendered model views, kept as bytes: a list of 500 models is then a copy, not 500 renderings.
///
/// An entry is reused only while everything the view shows is unchanged: the model record, its
/// provider's type, its classification, the catalog (by load time) — the date is fixed per
/// process. Threading: used only by the worker thread, like the platform that owns it.
final class ModelViewCache {
    private struct Key: Equatable {
        var model: Model
        var providerType: String?
        var classification: Classification?
        var catalogLoadedAt: Millis
    }
    private var entries: [String: (key: Key, view: SerializedJSON)] = [:]

    func view(_ m: Model, _ state: PlatformState, _ platform: Platform) -> JSONValue {
        let key = Key(model: m, providerType: state.providers[m.providerId]?.providerType,
                      classification: m.securityClassificationId.flatMap { state.classifications[$0] },
                      catalogLoadedAt: platform.catalogLoadedAt)
        if let hit = entries[m.id], hit.key == key { return .serialized(hit.view) }
        let view = SerializedJSON(Views.model(m, state, platform))
        if entries.count > 50_000 { entries.removeAll(keepingCapacity: true) }  // bounded; rebuilt on demand
        entries[m.id] = (key, view)
        return .serialized(view)
    }
}
