import JSONRPC
import Transport
import Server
import Domain
import Store
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wires the process: parses the command line, protects stdout, and runs the chosen command.
public enum Launcher {
    /// Runs the program and returns its exit code.
    public static func main(_ argv: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        // A file-size limit (disk full in tests, quotas) must fail the write, not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        let command: Command
        do {
            command = try CommandLineParser.parse(Array(argv.dropFirst()))
        } catch {
            writeStderr("model-lifecycle: \(error.message)\nRun 'model-lifecycle --help' for usage.\n")
            return ExitCode.usage.rawValue
        }
        switch command {
        case .help(let command):
            writeStdout(CommandLineParser.usage(of: command) + "\n")
            return 0
        case .version:
            writeStdout("\(ServerInfo.current.name) \(ServerInfo.current.version)\n")
            return 0
        case .openrpc(let fixtures):
            let doc = MessageProcessor(
                table: methodTable(platform: nil, conformanceFixtures: fixtures), outbox: CollectingOutbox()
            ).openRPCDocument
            writeStdout(JSONWriter.string(doc, pretty: true) + "\n")
            return 0
        case .serve(let options):
            return serve(options)
        case .verify(let dir):
            return verify(dir)
        case .cleanup(let options):
            return cleanup(options)
        case .compact(let store):
            return compact(store)
        case .call(let options):
            return CallCommand.run(options)
        case .import(let options):
            return ImportCommand.run(options)
        case .tick(let options):
            return TickCommand.run(options)
        case .demo(let options):
            return Demo.run(options)
        }
    }

    /// Every method of this build. Without a platform (printing the OpenRPC document) the domain
    /// methods are registered against an empty in-memory store so the document lists them all.
    public static func methodTable(platform: Platform?, conformanceFixtures: Bool) -> MethodTable {
        var table = MethodTable()
        DomainMethods.register(in: &table, platform: platform ?? documentationPlatform())
        if conformanceFixtures { ConformanceFixtures.register(in: &table) }
        return table
    }

    private static func documentationPlatform() -> Platform {
        Platform(
            store: MemoryPlatformStore(), catalog: Catalog(), catalogSource: CatalogSource(path: nil, origin: "none"),
            calendar: LifecycleCalendar(today: 0))
    }

    /// The store directory: `--store`, `$MODEL_LIFECYCLE_STORE`, `$XDG_DATA_HOME/model-lifecycle`,
    /// else `~/.local/share/model-lifecycle`.
    static func storeDirectory(flag: String?, environment: [String: String]) -> String {
        if let flag { return flag }
        if let s = environment["MODEL_LIFECYCLE_STORE"], !s.isEmpty { return s }
        if let x = environment["XDG_DATA_HOME"], !x.isEmpty { return x + "/model-lifecycle" }
        return (environment["HOME"] ?? ".") + "/.local/share/model-lifecycle"
    }

    /// Opens the store and catalog of a serving process; a diagnostic and exit code on failure.
    static func openPlatform(
        _ options: ServeOptions, mode: JournalStore<PlatformState>.Mode = .serve
    )
        -> Result<Platform, StartupFailure>
    {
        let env = ProcessInfo.processInfo.environment
        let location = storeDirectory(flag: options.store, environment: env)
        let store: any PlatformStore
        do { store = try openPlatformStore(location, mode: mode, environment: env) } catch {
            return .failure(StartupFailure(exitCode: ExitCode.storeUnavailable.rawValue, message: storeFailure(error)))
        }
        return openPlatform(options, store: store)
    }

    /// The platform of a serving process over `store`: the catalog found and the calendar set.
    static func openPlatform(_ options: ServeOptions, store: any PlatformStore) -> Result<Platform, StartupFailure> {
        let env = ProcessInfo.processInfo.environment
        let source = CatalogLoader.discover(flag: options.catalog, environment: env)
        var catalog = Catalog()
        if let path = source.path {
            switch CatalogLoader.load(path: path) {
            case .success(let c): catalog = c
            case .failure(let e):
                return .failure(
                    StartupFailure(
                        exitCode: ExitCode.usage.rawValue,
                        message: "model-lifecycle: catalog \(path): \(e.description)\n"))
            }
        }
        let today = options.today ?? Int(Platform.systemClock() / 86_400_000)
        var sources: [(LifecycleSourceSpec, ProviderSource)] = []
        do throws(ProviderSourceError) {
            var specs = options.lifecycleSources.map(LifecycleSourceSpec.init)
            if let env = env["MODEL_LIFECYCLE_SOURCES"], !env.isEmpty { specs += try LifecycleSourceSpec.list(env) }
            for spec in specs { sources.append((spec, try spec.load())) }
        } catch {
            return .failure(
                StartupFailure(exitCode: ExitCode.usage.rawValue, message: "model-lifecycle: \(error.description)\n"))
        }
        let platform = Platform(
            store: store, catalog: catalog, catalogSource: source,
            calendar: LifecycleCalendar(today: today, retiringWindowDays: options.retiringWindowDays),
            lifecycleSources: sources)
        platform.cleanupSchedule = options.cleanupSchedule
        return .success(platform)
    }

    /// Opens the store at `location`: a PostgreSQL database for a `postgresql://` or `postgres://`
    /// URI, else the directory of the file store. `$MODEL_LIFECYCLE_COMPACTION_BYTES` sets when
    /// it compacts.
    static func openPlatformStore(
        _ location: String, mode: JournalStore<PlatformState>.Mode, environment env: [String: String]
    ) throws(StoreError) -> any PlatformStore {
        let floor = env["MODEL_LIFECYCLE_COMPACTION_BYTES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        if !PostgresStore<PlatformState>.isDatabaseURI(location),
            location.hasPrefix("postgres:") || location.hasPrefix("postgresql:")
        {
            // A mistyped URI must not become a directory named "postgresql:".
            throw .cannotOpen(
                path: PostgresStore<PlatformState>.redacted(location),
                reason: "a PostgreSQL store is named by a URI starting postgresql:// or postgres://")
        }
        if PostgresStore<PlatformState>.isDatabaseURI(location) {
            let store = PostgresPlatformStore(try openDatabase(location, mode: mode, environment: env))
            if let floor { store.compactionFloor = floor }
            return store
        }
        let store = FilePlatformStore(try openStore(location, mode: mode, environment: env))
        if let floor { store.compactionFloor = floor }
        return store
    }

    /// The bound on every wait for the store, from `$MODEL_LIFECYCLE_LOCK_TIMEOUT_MS` (default 10 s).
    static func storeTimeoutMillis(_ env: [String: String]) -> Int {
        env["MODEL_LIFECYCLE_LOCK_TIMEOUT_MS"].flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil } ?? 10_000
    }

    /// Opens a store directory for serving or writing, with the lock timeout applied from the
    /// start (opening a new store takes the lock too).
    static func openStore(
        _ dir: String, mode: JournalStore<PlatformState>.Mode,
        environment env: [String: String]
    ) throws(StoreError) -> JournalStore<PlatformState> {
        try JournalStore<PlatformState>(directory: dir, mode: mode, lockTimeoutMillis: storeTimeoutMillis(env))
    }

    /// Opens a store database; the lock timeout (in whole seconds, at least one) bounds connecting,
    /// statements and lock waits.
    static func openDatabase(
        _ uri: String, mode: JournalStore<PlatformState>.Mode, environment env: [String: String]
    ) throws(StoreError) -> PostgresStore<PlatformState> {
        let databaseMode: PostgresStore<PlatformState>.Mode
        switch mode {
        case .serve: databaseMode = .serve
        case .existing: databaseMode = .existing
        case .verify: databaseMode = .verify
        }
        return try PostgresStore<PlatformState>(
            uri: uri, mode: databaseMode, timeoutSeconds: (storeTimeoutMillis(env) + 999) / 1000)
    }

    /// Compacts the store now; prints `{store, files, snapshotBytes}`. Exit 0, or 3 when the store
    /// cannot be opened or written.
    static func compact(_ store: String?) -> Int32 {
        let env = ProcessInfo.processInfo.environment
        let location = storeDirectory(flag: store, environment: env)
        do {
            if PostgresStore<PlatformState>.isDatabaseURI(location) {
                let db = try openDatabase(location, mode: .existing, environment: env)
                try db.compact()
                writeStdout(
                    JSONWriter.string(
                        [
                            "store": .string(db.location), "generation": .int(Int(db.generation)),
                            "snapshotBytes": .int(db.snapshotBytes),
                        ], pretty: true) + "\n")
                return 0
            }
            let s = try openStore(location, mode: .existing, environment: env)
            try s.compact()
            writeStdout(
                JSONWriter.string(
                    [
                        "store": .string(location), "files": .array(s.files.map { .string($0) }),
                        "snapshotBytes": .int(s.snapshotBytes),
                    ], pretty: true) + "\n")
            return 0
        } catch {
            writeStderr(storeFailure(error))
            return ExitCode.storeUnavailable.rawValue
        }
    }

    /// The diagnostic of a command that cannot use its store: what happened, then what to do.
    static func storeFailure(_ error: StoreError) -> String {
        "model-lifecycle: \(error)\nmodel-lifecycle: \(error.remedy)\n"
    }

    /// One cleanup run from the command line: prints the report; exit 0, 3 when the store cannot
    /// be opened, 4 when the run failed (nothing was changed then).
    static func cleanup(_ options: CleanupOptions) -> Int32 {
        var serve = ServeOptions()
        serve.store = options.store
        let platform: Platform
        switch openPlatform(serve, mode: .existing) {
        case .success(let p): platform = p
        case .failure(let f):
            writeStderr(f.message)
            return f.exitCode
        }
        do throws(ServerError) {
            try CleanupService.ensureMeta(platform: platform)
            let terminal = isatty(2) == 1
            let report = try CleanupService.run(
                platform: platform, actor: Initiator(userId: "cli", name: "model-lifecycle cleanup"),
                dryRun: options.dryRun, limit: options.limit
            ) { (done, total) throws(ServerError) in
                if terminal { writeStderr("\r\u{1B}[2Kcleanup: \(done) of \(total) candidates decided") }
            }
            if terminal { writeStderr("\r\u{1B}[2K") }
            writeStdout(JSONWriter.string(.object(report), pretty: true) + "\n")
            return 0
        } catch {
            writeStderr(
                "model-lifecycle: cleanup failed, nothing was changed: \(ErrorMapping.responseError(for: error).message)\n"
            )
            return ExitCode.runFailed.rawValue
        }
    }

    /// Opens the store without repairing anything, checks every invariant and prints a JSON
    /// report (a torn tail is reported; it is what recovery cuts off). Exit 0 when sound, 1 on
    /// invariant violations, 3 when the files are damaged.
    static func verify(_ dir: String) -> Int32 {
        if PostgresStore<PlatformState>.isDatabaseURI(dir) { return verifyDatabase(dir) }
        let store: JournalStore<PlatformState>
        do { store = try JournalStore<PlatformState>(directory: dir, mode: .verify) } catch {
            return verifyRefused(store: dir, error)
        }
        let violations = store.state.invariantViolations()
        let torn = (try? store.tornTailBytes()) ?? 0
        let s = store.state
        let report: JSONValue = [
            "sound": .bool(violations.isEmpty), "store": .string(dir), "files": .array(store.files.map { .string($0) }),
            "tornTailBytes": .int(torn), "generation": .int(store.manifest.generation),
            "leftoverFiles": .array(store.leftovers.map { .string($0) }),
            "layout": .string(
                store.foundEarlierLayout ? "earlier: no CURRENT file; the next serving process writes one" : "current"),
            "counts": counts(s),
            "violations": .array(violations.map { .string($0) }),
        ]
        writeStdout(JSONWriter.string(report, pretty: true) + "\n")
        return violations.isEmpty ? 0 : 1
    }

    /// The report of a store verify could not open: damage, no store, or another problem.
    static func verifyRefused(store: String, _ error: StoreError) -> Int32 {
        let kind: String
        switch error {
        case .damaged, .invalidRecord: kind = "damage"
        case .noStore: kind = "noStore"
        default: kind = "problem"
        }
        var report: JSONObject = ["sound": false, "store": .string(store)]
        report.append(kind, .string("\(error)"))
        writeStdout(JSONWriter.string(.object(report), pretty: true) + "\n")
        writeStderr(storeFailure(error))
        return ExitCode.storeUnavailable.rawValue
    }

    /// `verify` of a store database: reads the head, the snapshot and the log in one consistent
    /// read (every record's checksum checked), writes nothing, and checks every invariant.
    static func verifyDatabase(_ uri: String) -> Int32 {
        let env = ProcessInfo.processInfo.environment
        let db: PostgresStore<PlatformState>
        do { db = try openDatabase(uri, mode: .verify, environment: env) } catch {
            return verifyRefused(store: PostgresStore<PlatformState>.redacted(uri), error)
        }
        let violations = db.state.invariantViolations()
        let report: JSONValue = [
            "sound": .bool(violations.isEmpty), "store": .string(db.location), "generation": .int(Int(db.generation)),
            "position": .int(Int(db.position)), "layout": "postgresql", "counts": counts(db.state),
            "violations": .array(violations.map { .string($0) }),
        ]
        writeStdout(JSONWriter.string(report, pretty: true) + "\n")
        return violations.isEmpty ? 0 : 1
    }

    /// How many of each entity a state holds (verify's report).
    static func counts(_ s: PlatformState) -> JSONValue {
        let c = s.counts
        return [
            "tenants": .int(c.tenants), "models": .int(c.models), "spaces": .int(c.spaces),
            "configurations": .int(c.configurations), "templates": .int(c.templates),
            "questions": .int(s.questionCount),
        ]
    }

    static func serve(_ options: ServeOptions) -> Int32 {
        let platform: Platform
        switch openPlatform(options) {
        case .success(let p): platform = p
        case .failure(let f):
            writeStderr(f.message)
            return f.exitCode
        }
        // The protocol gets a private copy of stdout; fd 1 then points at stderr so that a stray
        // print can never corrupt a frame.
        let protocolFD = dup(1)
        guard protocolFD >= 0 else {
            writeStderr("model-lifecycle: cannot duplicate stdout\n")
            return 1
        }
        dup2(2, 1)
        let log = Logger(level: options.logLevel)
        let config = StdioRuntime.Configuration(
            inputFD: 0, outputFD: protocolFD,
            limits: .init(maxHeaderBytes: 8 * 1024, maxBodyBytes: options.maxMessageBytes), log: log,
            checksResults: ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_CHECK_RESULTS"] == "1")
        for notice in platform.store.openingNotices { log.info(notice) }
        if platform.catalog.skippedCount > 0, let first = platform.catalog.skipped.first {
            log.warning(
                "catalog \(platform.catalogSource.path ?? "?"): \(platform.catalog.skippedCount) broken entries "
                    + "skipped (first: \"\(first.key)\": \(first.reason)); catalog/info lists them")
        }
        log.info("store \(platform.store.location)")
        if let path = platform.catalogSource.path {
            log.info("catalog \(path) (\(platform.catalogSource.origin), \(platform.catalog.modelCount) models)")
        } else {
            log.info(
                "no catalog (none given or found: --catalog, $MODEL_LIFECYCLE_CATALOG, an installed litellm, "
                    + "\(CatalogLoader.developmentCopy)): models have no catalog dates")
        }
        do throws(ServerError) { try CleanupService.ensureMeta(platform: platform) } catch {
            log.warning("cannot record the store's creation time: \(ErrorMapping.responseError(for: error).message)")
        }
        let notices: @Sendable (Session) -> [(String, JSONValue)] = { session in
            guard let params = LifecycleNotice.params(for: session, platform: platform) else { return [] }
            return [(LifecycleNotice.method, params)]
        }
        // The worker's tick: the cleanup schedule's check and the renewal of notices
        // ($MODEL_LIFECYCLE_TICK_SECONDS shortens it, for tests).
        let tickSeconds = Double(ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_TICK_SECONDS"] ?? "") ?? 30
        let scheduledCleanup: @Sendable () -> Void = {
            do throws(ServerError) {
                guard let report = try CleanupService.runIfDue(platform: platform) else { return }
                let count = { (key: String) -> Int in report[key]?.arrayValue?.count ?? 0 }
                log.info(
                    "scheduled cleanup: \(count("removed")) removed, \(count("skipped")) skipped, \(count("errors")) errors"
                )
            } catch {
                log.warning("scheduled cleanup failed, will retry: \(ErrorMapping.responseError(for: error).message)")
            }
        }
        // The tenants' lifecycle policies, evaluated hourly ($MODEL_LIFECYCLE_POLICY_SECONDS).
        let policySeconds = Int(ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_POLICY_SECONDS"] ?? "") ?? 3600
        let scheduledPolicies: @Sendable () -> Void = {
            do throws(ServerError) {
                if let n = try ScheduledPolicies.runIfDue(platform: platform, everySeconds: policySeconds), n > 0 {
                    log.info("lifecycle policies: \(n) plan actions")
                }
            } catch {
                log.warning("lifecycle policies failed, will retry: \(ErrorMapping.responseError(for: error).message)")
            }
        }
        let cleanupScheduled = platform.cleanupSchedule != .off
        let watchStore = (platform.store as? PostgresPlatformStore)?.commitWatch(log: log)
        let extensions = StdioRuntime.Extensions(
            actorValidator: DomainMethods.actorValidator(platform: platform), afterInitialized: notices,
            periodic: {
                if cleanupScheduled { scheduledCleanup() }
                scheduledPolicies()
            },
            periodicInterval: tickSeconds,
            idle: { platform.store.settle() },
            watchStore: watchStore,
            commitGroups: Self.commitGroups(platform: platform))
        let code = StdioRuntime.run(
            table: methodTable(platform: platform, conformanceFixtures: options.conformanceFixtures),
            configuration: config,
            extensions: extensions)
        // The in-memory state is not freed one entity at a time on the way out: the process is
        // ending and the OS reclaims it at once (freeing 100k entities took ~80 ms).
        _ = Unmanaged.passRetained(platform)
        return code
    }

    /// Group commit of queued requests, unless `$MODEL_LIFECYCLE_GROUP_COMMIT` is `off` (the
    /// benchmark's baseline); `$MODEL_LIFECYCLE_GROUP_MILLIS` sets how long a group takes messages.
    static func commitGroups(platform: Platform) -> CommitGroups? {
        let env = ProcessInfo.processInfo.environment
        if env["MODEL_LIFECYCLE_GROUP_COMMIT"] == "off" { return nil }
        var groups = CommitGroups(
            begin: { platform.beginGroup() },
            end: {
                switch platform.endGroup() {
                case .committed: return .committed
                case .notCommitted(let e): return .notCommitted(ErrorMapping.responseError(for: e).message)
                case .unknown(let e): return .unknown(ErrorMapping.responseError(for: e).message)
                }
            },
            refuseWrites: { platform.refusingWrites = $0 })
        if let ms = env["MODEL_LIFECYCLE_GROUP_MILLIS"].flatMap(Int64.init), ms > 0 { groups.maxMillis = ms }
        return groups
    }

    static func writeStdout(_ s: String) { FileOutput.writeAll(1, s) }
    static func writeStderr(_ s: String) { FileOutput.writeAll(2, s) }
}

/// Why a serving process could not start: the diagnostic and the exit code.
struct StartupFailure: Error {
    var exitCode: Int32
    var message: String
}
