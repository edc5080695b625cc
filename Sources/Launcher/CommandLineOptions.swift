import Transport
import Domain

/// A command line that cannot be run: printed to stderr with exit code 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, naming the option as the user typed it.
    public let message: String
    /// A usage error saying `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// What the command line asks for.
public enum Command: Equatable {
    case serve(ServeOptions)
    /// Print the OpenRPC document (what `rpc.discover` returns) to stdout.
    case openrpc(conformanceFixtures: Bool)
    /// Check a store's integrity and invariants; exit 0 when sound.
    case verify(store: String)
    /// One cleanup run (for cron or a systemd timer); prints the report as JSON.
    case cleanup(CleanupOptions)
    /// Rewrites the store's snapshot now (what writers do by themselves as the journal grows).
    case compact(store: String?)
    /// One request, for a person or a shell script.
    case call(CallOptions)
    /// A platform's inventory from NDJSON, all or nothing.
    case `import`(ImportOptions)
    /// One evaluation of every tenant's lifecycle policy (for cron).
    case tick(TickOptions)
    /// Seeds a realistic platform and walks through the product over the real protocol.
    case demo(DemoOptions)
    /// The usage text: of one command, or of all (nil).
    case help(command: String?)
    case version
}

/// Options of `serve` (contract §1).
public struct ServeOptions: Equatable, Sendable {
    /// `--store`: the store directory (nil: the default location).
    public var store: String?
    /// `--catalog`: the LiteLLM catalog file (nil: discovered).
    public var catalog: String?
    /// `--lifecycle-source`: the providers' exports, in precedence order (with `$MODEL_LIFECYCLE_SOURCES` after them).
    public var lifecycleSources: [String] = []
    /// `--today` as days since the epoch.
    public var today: Int?
    /// `--retiring-window-days`: how far ahead a deprecation date makes a model retiring.
    public var retiringWindowDays = 90
    /// `--cleanup-schedule`: when this process runs the cleanup by itself.
    public var cleanupSchedule: CleanupSchedule = .default
    /// `--log-level`: the least severe message logged to stderr.
    public var logLevel: Logger.Level = .info
    /// `--max-message-bytes`: the largest accepted message body.
    public var maxMessageBytes = 64 * 1024 * 1024
    /// `--conformance-fixtures`: also register the conformance test methods.
    public var conformanceFixtures = false
    /// The defaults.
    public init() {}
}

/// Options of `call`.
public struct CallOptions: Equatable, Sendable {
    /// The method to call.
    public var method = ""
    /// The params as JSON text (an object), or nil for none.
    public var params: String?
    /// `--as`: member, admin or sysadmin.
    public var role = "sysadmin"
    /// `--tenant`: the tenant to act in.
    public var tenant: String?
    /// `--user`: the acting user's id.
    public var user = "cli"
    /// `--name`: the acting user's display name.
    public var name: String?
    /// The serving options `call` shares (store, catalog, date, window, log level).
    public var serve = ServeOptions()
    /// The defaults.
    public init() {}
}

/// Options of `import`.
public struct ImportOptions: Equatable, Sendable {
    /// The NDJSON file, or `-` for stdin.
    public var file = "-"
    /// `--dry-run`: check every line, write nothing.
    public var dryRun = false
    /// The serving options `import` shares (store, catalog, date, window).
    public var serve = ServeOptions()
    /// The defaults.
    public init() {}
}

/// Options of `tick`.
public struct TickOptions: Equatable, Sendable {
    /// `--dry-run`: report what would be planned, write nothing.
    public var dryRun = false
    /// The serving options `tick` shares (store, catalog, date, window).
    public var serve = ServeOptions()
    /// The defaults.
    public init() {}
}

/// Options of `demo`.
public struct DemoOptions: Equatable, Sendable {
    /// Where to build the demo platform (default: a fresh temporary directory, removed afterwards).
    public var store: String?
    /// `--catalog`: the catalog to build the demo from.
    public var catalog: String?
    /// The defaults.
    public init() {}
}

/// Options of `cleanup`.
public struct CleanupOptions: Equatable, Sendable {
    /// `--store`: the store directory (it must hold a store).
    public var store: String?
    /// `--dry-run`: decide and report, change nothing.
    public var dryRun = false
    /// `--limit`: at most this many candidates.
    public var limit = 500
    /// The defaults.
    public init() {}
}

/// Every command and option, declared once: parsing, the usage text and the errors come from it.
public enum CommandLineParser {
    /// Parses arguments (without the program name) into a command.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        let args = arguments[...]
        guard let first = args.first else { return try serve.parse(args) }
        switch first {
        case "--help", "-h", "help": return .help(command: args.dropFirst().first)
        case "--version": return .version
        default: break
        }
        if let command = commands.first(where: { $0.name == first }) { return try command.parse(args.dropFirst()) }
        if first.hasPrefix("-") { return try serve.parse(args) }
        throw UsageError("unknown command '\(first)'; the commands are \(commands.map(\.name).joined(separator: ", "))")
    }

    /// The usage text of every command, or of the one named.
    public static func usage(of command: String? = nil) -> String {
        if let command, let c = commands.first(where: { $0.name == command }) {
            return "USAGE:\n" + c.usage + "\n\n" + exitCodes
        }
        return """
            model-lifecycle: keeps the lifecycle of the AI models of a multi-tenant platform.
            A JSON-RPC 2.0 server on stdin/stdout with LSP framing (Content-Length: N\\r\\n\\r\\n + JSON).

            USAGE (the command may be left out for serve):
            \(commands.map(\.usage).joined(separator: "\n\n"))
              model-lifecycle --help [COMMAND] | --version

            \(exitCodes)

            Protocol/README.md describes the protocol; Protocol/openrpc.json lists every method.
            """
    }

    static var exitCodes: String {
        "EXIT CODES:\n"
            + ExitCode.allCases.map {
                "  \($0.rawValue)".padding(toLength: 6, withPad: " ", startingAt: 0) + $0.meaning
            }
            .joined(separator: "\n")
    }

    static var commands: [AnyCommandDeclaration] {
        [AnyCommandDeclaration(serve), verify, cleanup, tick, call, importing, demo, compact, openrpc]
    }

    // MARK: the options of serving, shared with call

    static let storeOption = OptionDeclaration<ServeOptions>.value(
        "--store", "STORE",
        "a store directory or a postgresql:// URI (default $MODEL_LIFECYCLE_STORE,\nelse $XDG_DATA_HOME/model-lifecycle, else ~/.local/share/model-lifecycle)"
    ) { (o, v) throws(UsageError) in o.store = v }

    static let catalogOption = OptionDeclaration<ServeOptions>.value(
        "--catalog", "FILE",
        "LiteLLM model cost map, or none (default $MODEL_LIFECYCLE_CATALOG, else an installed\nlitellm package's map, else ../shared/data beside a checkout, else none)"
    ) { (o, v) throws(UsageError) in o.catalog = v }

    static let sourcesOption = OptionDeclaration<ServeOptions>.value(
        "--lifecycle-source", "[KIND:]FILE",
        "a provider's model-list export (bedrock, azure, anthropic, openai, openrouter; the kind is\n"
            + "detected from the shape); repeatable, first wins; also $MODEL_LIFECYCLE_SOURCES (colon-separated)"
    ) { (o, v) throws(UsageError) in o.lifecycleSources.append(v) }

    static let todayOption = OptionDeclaration<ServeOptions>.value(
        "--today", "YYYY-MM-DD", "the date for deprecated/retiring decisions (default: today, UTC)"
    ) { (o, v) throws(UsageError) in
        guard let d = Formats.parseDate(v) else { throw UsageError("--today takes a date YYYY-MM-DD (got '\(v)')") }
        o.today = d
    }

    static let windowOption = OptionDeclaration<ServeOptions>.value(
        "--retiring-window-days", "N", "how far ahead a deprecation date makes a model retiring (default 90)"
    ) { (o, v) throws(UsageError) in o.retiringWindowDays = try integer("--retiring-window-days", v, 0...36_500) }

    static let logLevelOption = OptionDeclaration<ServeOptions>.value(
        "--log-level", "LEVEL", "error, warning, info (default) or debug; logs go to stderr"
    ) { (o, v) throws(UsageError) in
        guard let l = Logger.Level(name: v) else {
            throw UsageError("--log-level takes error, warning, info or debug (got '\(v)')")
        }
        o.logLevel = l
    }

    static let serve = CommandDeclaration<ServeOptions>(
        name: "serve", positionals: "", summary: "serve the protocol on stdin/stdout (the default command)",
        options: [
            storeOption, catalogOption, sourcesOption, todayOption, windowOption,
            .value(
                "--cleanup-schedule", "SPEC",
                "when this process runs the lifecycle cleanup by itself: 'weekly sun 04:00'\n(the default), 'weekly DAY HH:MM', 'daily HH:MM' or 'off' (UTC)"
            ) { (o, v) throws(UsageError) in
                guard let schedule = CleanupSchedule(v) else {
                    throw UsageError(
                        "--cleanup-schedule takes 'weekly DAY HH:MM', 'daily HH:MM' or 'off' (UTC; got '\(v)')")
                }
                o.cleanupSchedule = schedule
            },
            logLevelOption,
            .value("--max-message-bytes", "N", "largest accepted message body (default 67108864)") {
                (o, v) throws(UsageError) in
                o.maxMessageBytes = try integer("--max-message-bytes", v, 1024...(1 << 40))
            },
            .flag("--conformance-fixtures", "also register the conformance test methods") {
                $0.conformanceFixtures = true
            },
        ],
        start: ServeOptions()
    ) { (o, positional) throws(UsageError) in
        try noArguments(positional)
        return .serve(o)
    }

    // MARK: the other commands

    static let verify = AnyCommandDeclaration(
        CommandDeclaration<String?>(
            name: "verify", positionals: "", summary: "check a store's files and invariants (exit 0 when sound)",
            options: [
                .value("--store", "STORE", "the store directory or postgresql:// URI (required)") {
                    (o, v) throws(UsageError) in o = v
                }
            ],
            start: nil
        ) { (store, positional) throws(UsageError) in
            guard let store, positional.isEmpty else { throw UsageError("verify takes --store STORE") }
            return .verify(store: store)
        })

    static let cleanup = AnyCommandDeclaration(
        CommandDeclaration<CleanupOptions>(
            name: "cleanup", positionals: "",
            summary: "one lifecycle cleanup run (for cron or a systemd timer); prints the report as JSON",
            options: [
                .value("--store", "STORE", "the store directory or postgresql:// URI (it must hold a store)") {
                    (o, v) throws(UsageError) in
                    o.store = v
                },
                .flag("--dry-run", "decide and report, change nothing") { $0.dryRun = true },
                .value("--limit", "N", "at most N candidates (1-500, default 500)") { (o, v) throws(UsageError) in
                    o.limit = try integer("--limit", v, 1...500)
                },
            ],
            start: CleanupOptions()
        ) { (o, positional) throws(UsageError) in
            try noArguments(positional)
            return .cleanup(o)
        })

    static let call = AnyCommandDeclaration(
        CommandDeclaration<CallOptions>(
            name: "call", positionals: "METHOD [PARAMS_JSON]",
            summary: "one request: the result on stdout (indented on a terminal), an error on stderr with exit 1",
            options: [
                .value("--as", "ROLE", "member, admin or sysadmin (default sysadmin)") { (o, v) throws(UsageError) in
                    guard ["member", "admin", "sysadmin"].contains(v) else {
                        throw UsageError("--as takes member, admin or sysadmin (got '\(v)')")
                    }
                    o.role = v
                },
                .value("--tenant", "ID", "the tenant to act in (needed with --as member or admin)") {
                    (o, v) throws(UsageError) in o.tenant = v
                },
                .value("--user", "ID", "the acting user's id (default cli)") { (o, v) throws(UsageError) in o.user = v
                },
                .value("--name", "NAME", "the acting user's display name") { (o, v) throws(UsageError) in o.name = v },
            ]
                + [storeOption, catalogOption, sourcesOption, todayOption, windowOption, logLevelOption].map {
                    $0.lifted(\.serve)
                },
            start: CallOptions()
        ) { (o, positional) throws(UsageError) in
            guard let method = positional.first, positional.count <= 2 else {
                throw UsageError("call takes METHOD [PARAMS_JSON] (got \(positional.count) arguments)")
            }
            var options = o
            options.method = method
            options.params = positional.count == 2 ? positional[1] : nil
            if options.role != "sysadmin" && options.tenant == nil {
                throw UsageError("--as \(options.role) needs --tenant ID")
            }
            return .call(options)
        })

    static let tick = AnyCommandDeclaration(
        CommandDeclaration<TickOptions>(
            name: "tick", positionals: "",
            summary: "evaluate every tenant's lifecycle policy once (for cron or a systemd timer); prints the actions",
            options: [
                .flag("--dry-run", "report what would be planned, write nothing") { $0.dryRun = true }
            ] + [storeOption, catalogOption, sourcesOption, todayOption, windowOption].map { $0.lifted(\.serve) },
            start: TickOptions()
        ) { (o, positional) throws(UsageError) in
            try noArguments(positional)
            return .tick(o)
        })

    static let importing = AnyCommandDeclaration(
        CommandDeclaration<ImportOptions>(
            name: "import", positionals: "FILE|-",
            summary: "bring a platform's inventory in from NDJSON (one entity a line), all of it or nothing",
            options: [
                .flag("--dry-run", "check every line against the store, write nothing") { $0.dryRun = true }
            ] + [storeOption, catalogOption, sourcesOption, todayOption, windowOption].map { $0.lifted(\.serve) },
            start: ImportOptions()
        ) { (o, positional) throws(UsageError) in
            guard positional.count == 1, let file = positional.first else {
                throw UsageError("import takes one FILE (or - for stdin; got \(positional.count) arguments)")
            }
            var options = o
            options.file = file
            return .import(options)
        })

    static let demo = AnyCommandDeclaration(
        CommandDeclaration<DemoOptions>(
            name: "demo", positionals: "",
            summary: "seed a realistic platform and walk through the product over the real protocol",
            options: [
                .value("--store", "STORE", "keep the demo platform there (default: a temporary store, removed)") {
                    (o, v) throws(UsageError) in o.store = v
                },
                .value("--catalog", "FILE", "the LiteLLM catalog to build it from") { (o, v) throws(UsageError) in
                    o.catalog = v
                },
            ],
            start: DemoOptions()
        ) { (o, positional) throws(UsageError) in
            try noArguments(positional)
            return .demo(o)
        })

    static let compact = AnyCommandDeclaration(
        CommandDeclaration<String?>(
            name: "compact", positionals: "",
            summary: "rewrite the store's snapshot now (writers also do it as the journal grows); prints the files",
            options: [
                .value("--store", "STORE", "the store directory or postgresql:// URI (it must hold a store)") {
                    (o, v) throws(UsageError) in
                    o = v
                }
            ],
            start: nil
        ) { (store, positional) throws(UsageError) in
            try noArguments(positional)
            return .compact(store: store)
        })

    static let openrpc = AnyCommandDeclaration(
        CommandDeclaration<Bool>(
            name: "openrpc", positionals: "", summary: "print the OpenRPC document of every method",
            options: [.flag("--conformance-fixtures", "include the conformance test methods") { $0 = true }],
            start: false
        ) { (fixtures, positional) throws(UsageError) in
            try noArguments(positional)
            return .openrpc(conformanceFixtures: fixtures)
        })

    /// Refuses positional arguments for a command that takes none.
    static func noArguments(_ positional: [String]) throws(UsageError) {
        if let extra = positional.first { throw UsageError("unexpected argument '\(extra)'") }
    }

    static func integer(_ name: String, _ v: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let n = Int(v), range.contains(n) else {
            throw UsageError(
                "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(v)')")
        }
        return n
    }
}
