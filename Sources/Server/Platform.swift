import Foundation
import JSONRPC
import Domain
import Store
import Transport

/// Where the catalog came from (for `catalog/info`).
public struct CatalogSource: Sendable, Equatable {
    /// The file, or nil when no catalog is in use.
    public var path: String?
    /// `flag`, `environment`, `litellm-package`, `development-checkout`, `built-in-sample` (the
    /// demo's) or `none`.
    public var origin: String
    /// A source: the file, and how it was found.
    public init(path: String?, origin: String) {
        self.path = path
        self.origin = origin
    }

    /// No catalog.
    public static let none = CatalogSource(path: nil, origin: "none")
}

/// The services domain handlers use: the store, the catalog, the calendar, the clock and ids.
///
/// Threading: used only by the worker thread. It is `@unchecked Sendable`, without a lock, because
/// handlers are `@Sendable` so the method table can be built on the main thread and handed to the
/// worker once; from then on only the worker calls them, and so only the worker touches the
/// platform (`StdioRuntime` runs every handler on that one thread).
public final class Platform: @unchecked Sendable {
    /// The store, whichever backend keeps it (handlers go through `read` and `write`).
    public let store: any PlatformStore
    /// The LiteLLM catalog in use (empty when none was found).
    public private(set) var catalog: Catalog
    /// Where the catalog came from.
    public private(set) var catalogSource: CatalogSource
    /// When the catalog was last (re)loaded.
    public private(set) var catalogLoadedAt: Millis
    /// The providers' own exports (`--lifecycle-source`), in precedence order, as last read.
    public private(set) var lifecycleSources: [ProviderSource] = []
    /// Where they are read from (again by `catalog/reload`).
    public private(set) var lifecycleSourceSpecs: [LifecycleSourceSpec] = []
    /// The effective catalog entries of the names asked for, while the sources stay as they are
    /// (every model view and rule asks: the combining is done once a name).
    var effectiveEntries: [String: CatalogEntry?] = [:]
    /// Today and the retiring window, for every deprecated/retiring decision.
    public let calendar: LifecycleCalendar
    /// Rendered model views (see `ModelViewCache`).
    let modelViews = ModelViewCache()
    /// When this process runs the cleanup by itself (`--cleanup-schedule`).
    public var cleanupSchedule: CleanupSchedule = .default
    let clock: @Sendable () -> Millis
    private var rng = PooledSystemRandom()

    /// The services over `store` and `catalog`; `clock` is injectable for tests.
    public init(
        store: any PlatformStore, catalog: Catalog, catalogSource: CatalogSource, calendar: LifecycleCalendar,
        clock: @escaping @Sendable () -> Millis = Platform.systemClock,
        lifecycleSources: [(LifecycleSourceSpec, ProviderSource)] = []
    ) {
        self.lifecycleSourceSpecs = lifecycleSources.map(\.0)
        self.lifecycleSources = lifecycleSources.map(\.1)
        self.store = store
        self.optimisticStore = store as? any OptimisticPlatformStore
        self.catalog = catalog
        self.catalogSource = catalogSource
        self.calendar = calendar
        self.clock = clock
        self.catalogLoadedAt = clock()
    }

    /// Real UTC time in milliseconds.
    public static let systemClock: @Sendable () -> Millis = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Millis(ts.tv_sec) * 1000 + Millis(ts.tv_nsec / 1_000_000)
    }

    /// The current time in milliseconds since the epoch (UTC), or the time `import` pins for a line.
    public var now: Millis { pinnedNow ?? clock() }

    /// When this process last evaluated the tenants' lifecycle policies on its schedule.
    public var policiesEvaluatedAt: Millis?
    /// Set by `import`, which reads no result: handlers' results are not encoded (`.null` instead).
    public var discardsResults = false
    /// Set by `import` for one line: the time it happened (a question's `at`).
    public var pinnedNow: Millis?
    /// Set by `import` for one line: the id the entity it creates takes (the platform's own id).
    public var requestedEntityID: String?

    /// The id of an entity being created: the one `import` asked for, else a new one.
    public func newEntityID() -> String {
        if let id = requestedEntityID {
            requestedEntityID = nil
            return id
        }
        return newID()
    }

    /// A new lowercase random (version 4) UUID.
    public func newID() -> String {
        var a = rng.next()
        var b = rng.next()
        a = (a & ~0xF000) | 0x4000
        b = (b & ~(0xC << 60)) | (0x8 << 60)
        return String(unsafeUninitializedCapacity: 36) { out in
            let hex: StaticString = "0123456789abcdef"
            var k = 0
            for n in 0..<32 {
                if n == 8 || n == 12 || n == 16 || n == 20 {
                    out[k] = UInt8(ascii: "-")
                    k += 1
                }
                let word = n < 16 ? a : b
                out[k] = hex.utf8Start[Int((word >> UInt64(60 - (n % 16) * 4)) & 0xF)]
                k += 1
            }
            return k
        }
    }

    /// The state with every commit of every process so far (as of the start of the request being
    /// handled: one request reads the store once, however many times its handler asks). In an
    /// optimistic run, the state as last seen (see `OptimisticPlatformStore`).
    public func read() throws(ServerError) -> PlatformState {
        switch optimism {
        case .running: if let store = optimisticStore { return store.lastSeen.state }
        case .abandoned: throw .superseded
        case .off: break
        }
        if let requestState { return requestState }
        let state = try store.read()
        if inRequest { requestState = state }
        return state
    }

    private var inRequest = false
    private var requestState: PlatformState?
    /// The store, when it can run requests optimistically.
    private let optimisticStore: (any OptimisticPlatformStore)?

    /// Where the request being handled stands with optimism.
    private enum Optimism {
        /// Ordinary: reads catch up first (or nothing is being handled).
        case off
        /// Running on the state as last seen, at this version; not yet confirmed.
        case running(version: Int64)
        /// Found out of date: nothing more is read, written or sent; the request runs again.
        case abandoned
    }
    private var optimism = Optimism.off

    /// Runs one request's handler: reads within it share one refresh of the store, and a write
    /// drops what was read. On a store that allows it (and when the last contact found no other
    /// writer), the handler first runs optimistically and, if that run cannot be confirmed
    /// current, runs again the ordinary way (see `OptimisticPlatformStore` for the rules).
    func handlingRequest<R>(
        gate: EmissionGate, optimistic: Bool = true, _ body: () throws(ServerError) -> R
    ) throws(ServerError) -> R {
        inRequest = true
        defer {
            inRequest = false
            requestState = nil
            optimism = .off
            gate.confirm = nil
        }
        if optimistic, let store = optimisticStore, store.optimismPays {
            let version = store.lastSeen.version
            optimism = .running(version: version)
            gate.confirm = { [unowned self] in self.confirmOptimism() }
            let outcome: Swift.Result<R, ServerError>
            do { outcome = .success(try body()) } catch { outcome = .failure(error) }
            gate.confirm = nil
            switch optimism {
            case .off:
                return try outcome.get()  // confirmed by its commit or before it sent anything
            case .running(let version):
                if (try? store.moved(since: version)) == false {
                    optimism = .off
                    return try outcome.get()
                }
            case .abandoned:
                break
            }
            optimism = .off
            requestState = nil
        }
        return try body()
    }

    /// Confirms an optimistic run before it sends anything: current, it goes on the ordinary way
    /// (its reads were of the newest state); out of date, it is abandoned.
    private func confirmOptimism() -> Bool {
        switch optimism {
        case .off: return true
        case .abandoned: return false
        case .running(let version):
            guard let store = optimisticStore, (try? store.moved(since: version)) == false else {
                optimism = .abandoned
                return false
            }
            optimism = .off
            requestState = store.lastSeen.state
            return true
        }
    }

    /// One atomic, durable transaction. `body` sees the latest state, serialized with every other
    /// writer, and returns the changes and a result, or throws and nothing is written. A
    /// transaction that would break referential integrity is refused, whatever the backend.
    public func write<R>(_ body: (PlatformState) throws(ServerError) -> (Transaction, R)) throws(ServerError) -> R {
        if let why = refusingWrites { throw .domain(.storeUnavailable(reason: why)) }
        requestState = nil
        defer { requestState = nil }
        var bodyThrew = false
        func checked(_ state: PlatformState) throws(ServerError) -> (Transaction, R) {
            bodyThrew = true
            let (tx, result) = try body(state)
            if let v = state.violation(of: tx) { throw .internalError("refused by the store's integrity rules: \(v)") }
            bodyThrew = false
            return (tx, result)
        }
        switch optimism {
        case .abandoned:
            throw .superseded
        case .running(let version):
            guard let store = optimisticStore else { break }
            let outcome: OptimisticCommit<R>
            do {
                outcome = try store.commit(at: version, checked)
            } catch {
                // The body's refusal may come of an old state: the run is confirmed or run again
                // at its end. The store's own failure is the answer as it is (a second run could
                // write twice).
                if !bodyThrew { optimism = .off }
                throw error
            }
            switch outcome {
            case .committed(let result):
                optimism = .off
                store.compactIfDue()
                return result
            case .nothingToCommit(let result):
                return result
            case .superseded:
                optimism = .abandoned
                throw .superseded
            }
        case .off:
            break
        }
        let result = try store.commit(checked)
        store.compactIfDue()
        return result
    }

    /// Starts a group commit of the requests handled until `endGroup` (see `PlatformStore.beginGroup`).
    public func beginGroup(asGeneration: Bool = false) { store.beginGroup(asGeneration: asGeneration) }

    /// Drops the open group's writes: nothing of them is written (`import --dry-run`, a refused line).
    public func abandonGroup() { store.abandonGroup() }

    /// Makes the group's writes durable together, then compacts if that is due.
    public func endGroup() -> GroupOutcome {
        let outcome = store.endGroup()
        if case .committed = outcome { store.compactIfDue() }
        return outcome
    }

    /// Set while the requests of a group whose outcome is unknown are answered again: their
    /// writes are refused with this reason (they may have happened), their reads are answered.
    public var refusingWrites: String?

    /// Reloads the catalog and the lifecycle sources from their files. On failure the old ones
    /// stay in use. A model that a complete export listed before and lists no more is retired
    /// ("vanished from a complete listing").
    public func reloadCatalog() throws(ServerError) {
        var reloaded: [ProviderSource] = []
        for (k, spec) in lifecycleSourceSpecs.enumerated() {
            do throws(ProviderSourceError) {
                var s = try spec.load()
                if k < lifecycleSources.count { s.follow(lifecycleSources[k]) }
                reloaded.append(s)
            } catch {
                throw .requestFailed("\(error.description); the previous sources and catalog stay in use")
            }
        }
        if let path = catalogSource.path {
            switch CatalogLoader.load(path: path) {
            case .success(let c): catalog = c
            case .failure(let e):
                throw .requestFailed(
                    "the catalog \(path) cannot be loaded: \(e.description); the previous catalog stays in use")
            }
        }
        lifecycleSources = reloaded
        effectiveEntries = [:]
        catalogLoadedAt = clock()
    }

    /// The catalog entry of a model, with what the provider exports say laid over it (see
    /// `effectiveEntry`): what every rule that reads deprecation reads.
    public func catalogEntry(for m: Model, in state: PlatformState) -> CatalogEntry? {
        effectiveEntry(providerType: state.provider(m.providerId)?.providerType, name: m.name)
    }
}

/// Finds and reads catalog files.
public enum CatalogLoader {
    /// Why `path` cannot be read, in the system's words ("No such file or directory", …).
    static func whyUnreadable(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "it is a directory"
        }
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            close(fd)
            return "it could not be read whole"
        }
        return String(cString: strerror(errno))
    }

    /// Reads and parses the catalog file at `path`.
    public static func load(path: String) -> Result<Catalog, CatalogError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(CatalogError("cannot read the file (\(whyUnreadable(path)))"))
        }
        do { return .success(try Catalog(bytes: [UInt8](data))) } catch { return .failure(error) }
    }

    /// The one discovery order of every command: `--catalog`, else `$MODEL_LIFECYCLE_CATALOG`,
    /// else the map of an installed `litellm` Python package (found by looking in the usual
    /// site-packages folders, without running Python), else the copy beside a development
    /// checkout (`../shared/data/litellm_model_prices.json` from the working directory), else
    /// none. `none` as the flag or the variable asks for no catalog.
    public static func discover(flag: String?, environment: [String: String]) -> CatalogSource {
        if let flag { return flag == "none" ? .none : CatalogSource(path: flag, origin: "flag") }
        if let env = environment["MODEL_LIFECYCLE_CATALOG"], !env.isEmpty {
            return env == "none" ? .none : CatalogSource(path: env, origin: "environment")
        }
        var roots: [String] = []
        if let venv = environment["VIRTUAL_ENV"] { roots.append(venv + "/lib") }
        if let home = environment["HOME"] { roots.append(home + "/.local/lib") }
        roots += ["/usr/local/lib", "/usr/lib", "/opt/conda/lib"]
        if let pyenv = environment["PYENV_ROOT"] ?? environment["HOME"].map({ $0 + "/.pyenv" }) {
            if let versions = try? FileManager.default.contentsOfDirectory(atPath: pyenv + "/versions") {
                roots += versions.sorted().map { pyenv + "/versions/" + $0 + "/lib" }
            }
        }
        for root in roots {
            guard let pythons = try? FileManager.default.contentsOfDirectory(atPath: root) else { continue }
            for py in pythons.sorted().reversed() where py.hasPrefix("python3") {
                for site in ["site-packages", "dist-packages"] {
                    for file in ["model_prices_and_context_window_backup.json", "model_prices_and_context_window.json"]
                    {
                        let path = "\(root)/\(py)/\(site)/litellm/\(file)"
                        if FileManager.default.fileExists(atPath: path) {
                            return CatalogSource(path: path, origin: "litellm-package")
                        }
                    }
                }
            }
        }
        if FileManager.default.fileExists(atPath: developmentCopy) {
            return CatalogSource(path: developmentCopy, origin: "development-checkout")
        }
        return .none
    }

    /// Where a development checkout keeps the shared copy of LiteLLM's map, from its root.
    public static let developmentCopy = "../shared/data/litellm_model_prices.json"
}
