import JSONRPC
import Domain

/// `catalog/reload`: reloads this process's catalog file; on failure the previous one stays.
enum CatalogReload: MethodDeclaration {
    static let name = "catalog/reload"
    static let access = Access.admin
    static let tenantScoped = false
    /// It reloads the process's catalog: a discarded run would reload it twice.
    static let runsOptimistically = false
    static let summary =
        "Reloads this process's catalog file; on failure the previous catalog stays in use (-32803)."

    /// The catalog now in use: how many model entries it has and when it was loaded.
    struct Result: ShapedResult {
        /// Model entries, aliases not counted.
        var entries: Int
        /// When the catalog was last (re)loaded.
        var loadedAt: Millis
        static let shape = ObjectShape<Self>([
            .member("entries", .integer()) { .int($0.entries) },
            .member("loadedAt", .timestamp) { Views.time($0.loadedAt) },
        ])
    }

    static func handle(_ call: Call, _ params: NoParams) throws(ServerError) -> Result {
        try call.platform.reloadCatalog()
        // Dates may have moved: an admin hears again about retiring and deprecated models in use.
        if let notice = LifecycleNotice.params(for: call.context.session, platform: call.platform) {
            call.context.notify(LifecycleNotice.method, notice)
        }
        return Result(entries: call.platform.catalog.modelCount, loadedAt: call.platform.catalogLoadedAt)
    }
}
