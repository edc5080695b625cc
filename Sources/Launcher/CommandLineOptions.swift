import Transport
import Domain

/// A command line that cannot be run: printed to stderr with exit code 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
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
    /// Seeds a realistic platform and walks through the product over the real protocol.
    case demo(DemoOptions)
    case help
    case version
}

/// Options of `serve` (contract §1).
public struct ServeOptions: Equatable, Sendable {
    public var store: String?
    public var catalog: String?
    /// `--today` as days since the epoch.
    public var today: Int?
    public var retiringWindowDays = 90
    public var cleanupSchedule: CleanupSchedule = .default
    public var logLevel: Logger.Level = .info
    public var maxMessageBytes = 64 * 1024 * 1024
    public var conformanceFixtures = false
    public init() {}
}

/// Options of `call`.
public struct CallOptions: Equatable, Sendable {
    public var method = ""
    /// The params as JSON text (an object), or nil for none.
    public var params: String?
    public var role = "sysadmin"
    public var tenant: String?
    public var user = "cli"
    public var name: String?
    public var serve = ServeOptions()
    public init() {}
}

/// Options of `demo`.
public struct DemoOptions: Equatable, Sendable {
    /// Where to build the demo platform (default: a fresh temporary directory, removed afterwards).
    public var store: String?
    public var catalog: String?
    public init() {}
}

/// Options of `cleanup`.
public struct CleanupOptions: Equatable, Sendable {
    public var store: String?
    public var dryRun = false
    public var limit = 500
    public init() {}
}

/// Walks `--name value` and `--name=value` options.
struct OptionReader {
    private var args: ArraySlice<String>
    init(_ args: ArraySlice<String>) { self.args = args }

    /// The next argument as written, its option name, and a value given inline after `=`.
    mutating func next() -> (arg: String, name: String, inline: String?)? {
        guard let arg = args.popFirst() else { return nil }
        if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
            return (arg, String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
        }
        return (arg, arg, nil)
    }

    /// The option's value: the inline one, else the next argument.
    mutating func value(of name: String, inline: String?) throws(UsageError) -> String {
        if let inline { return inline }
        guard let v = args.popFirst() else { throw UsageError("\(name) needs a value") }
        return v
    }
}

/// Parses arguments (without the program name) into a command.
public enum CommandLineParser {
    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        var args = arguments[...]
        if let first = args.first {
            switch first {
            case "--help", "-h", "help": return .help
            case "--version": return .version
            case "serve": args = args.dropFirst()
            case "verify":
                let rest = Array(args.dropFirst())
                if rest.count == 2, rest[0] == "--store" { return .verify(store: rest[1]) }
                if rest.count == 1, rest[0].hasPrefix("--store=") {
                    return .verify(store: String(rest[0].dropFirst(8)))
                }
                throw UsageError("verify takes --store DIR")
            case "cleanup":
                return .cleanup(try parseCleanup(args.dropFirst()))
            case "call":
                return .call(try parseCall(args.dropFirst()))
            case "demo":
                var d = DemoOptions()
                var rest = args.dropFirst()
                while let a = rest.popFirst() {
                    switch a {
                    case "--store":
                        guard let v = rest.popFirst() else { throw UsageError("--store needs a value") }
                        d.store = v
                    case "--catalog":
                        guard let v = rest.popFirst() else { throw UsageError("--catalog needs a value") }
                        d.catalog = v
                    default: throw UsageError("demo takes --store DIR and --catalog FILE (got '\(a)')")
                    }
                }
                return .demo(d)
            case "compact":
                let rest = Array(args.dropFirst())
                if rest.isEmpty { return .compact(store: nil) }
                if rest.count == 2, rest[0] == "--store" { return .compact(store: rest[1]) }
                if rest.count == 1, rest[0].hasPrefix("--store=") {
                    return .compact(store: String(rest[0].dropFirst(8)))
                }
                throw UsageError("compact takes --store DIR")
            case "openrpc":
                let rest = Array(args.dropFirst())
                if rest.isEmpty { return .openrpc(conformanceFixtures: false) }
                if rest == ["--conformance-fixtures"] { return .openrpc(conformanceFixtures: true) }
                throw UsageError(
                    "openrpc takes no arguments but --conformance-fixtures (got \(rest.joined(separator: " ")))")
            default:
                if !first.hasPrefix("-") { throw UsageError("unknown command '\(first)'") }
            }
        }
        var o = ServeOptions()
        var options = OptionReader(args)
        while let (arg, name, inline) = options.next() {
            func value() throws(UsageError) -> String { try options.value(of: name, inline: inline) }
            func integer(_ range: ClosedRange<Int>) throws(UsageError) -> Int {
                let v = try value()
                guard let n = Int(v), range.contains(n) else {
                    throw UsageError(
                        "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(v)')")
                }
                return n
            }
            switch name {
            case "--store": o.store = try value()
            case "--catalog": o.catalog = try value()
            case "--today":
                let v = try value()
                guard let d = Formats.parseDate(v) else {
                    throw UsageError("--today takes a date YYYY-MM-DD (got '\(v)')")
                }
                o.today = d
            case "--retiring-window-days": o.retiringWindowDays = try integer(0...36_500)
            case "--cleanup-schedule":
                let v = try value()
                guard let schedule = CleanupSchedule(v) else {
                    throw UsageError(
                        "--cleanup-schedule takes 'weekly DAY HH:MM', 'daily HH:MM' or 'off' (UTC; got '\(v)')")
                }
                o.cleanupSchedule = schedule
            case "--log-level":
                let v = try value()
                guard let l = Logger.Level(name: v) else {
                    throw UsageError("--log-level takes error, warning, info or debug (got '\(v)')")
                }
                o.logLevel = l
            case "--max-message-bytes": o.maxMessageBytes = try integer(1024...(1 << 40))
            case "--conformance-fixtures":
                if inline != nil { throw UsageError("--conformance-fixtures takes no value") }
                o.conformanceFixtures = true
            case "--help", "-h": return .help
            case "--version": return .version
            default:
                throw UsageError(arg.hasPrefix("-") ? "unknown option '\(arg)'" : "unexpected argument '\(arg)'")
            }
        }
        return .serve(o)
    }

    static func parseCall(_ rest: ArraySlice<String>) throws(UsageError) -> CallOptions {
        var o = CallOptions()
        var positional: [String] = []
        var serveArgs: [String] = []
        var args = rest
        while let arg = args.popFirst() {
            func value() throws(UsageError) -> String {
                guard let v = args.popFirst() else { throw UsageError("\(arg) needs a value") }
                return v
            }
            switch arg {
            case "--as":
                let r = try value()
                guard ["member", "admin", "sysadmin"].contains(r) else {
                    throw UsageError("--as takes member, admin or sysadmin (got '\(r)')")
                }
                o.role = r
            case "--tenant": o.tenant = try value()
            case "--user": o.user = try value()
            case "--name": o.name = try value()
            case "--store", "--catalog", "--today", "--retiring-window-days", "--log-level":
                serveArgs += [arg, try value()]
            default:
                if arg.hasPrefix("--") {
                    throw UsageError(
                        "call takes METHOD [PARAMS_JSON] --as ROLE --tenant ID --user ID [--store DIR] (got '\(arg)')")
                }
                positional.append(arg)
            }
        }
        guard let method = positional.first, positional.count <= 2 else {
            throw UsageError("call takes METHOD [PARAMS_JSON] (got \(positional.count) arguments)")
        }
        o.method = method
        o.params = positional.count == 2 ? positional[1] : nil
        if o.role != "sysadmin" && o.tenant == nil { throw UsageError("--as \(o.role) needs --tenant ID") }
        guard case .serve(let serve) = try parse(serveArgs) else { throw UsageError("bad options") }
        o.serve = serve
        return o
    }

    static func parseCleanup(_ rest: ArraySlice<String>) throws(UsageError) -> CleanupOptions {
        var o = CleanupOptions()
        var options = OptionReader(rest)
        while let (arg, name, inline) = options.next() {
            func value() throws(UsageError) -> String { try options.value(of: name, inline: inline) }
            switch name {
            case "--store": o.store = try value()
            case "--dry-run":
                if inline != nil { throw UsageError("--dry-run takes no value") }
                o.dryRun = true
            case "--limit":
                let v = try value()
                guard let n = Int(v), (1...500).contains(n) else {
                    throw UsageError("--limit takes a whole number from 1 to 500 (got '\(v)')")
                }
                o.limit = n
            default:
                throw UsageError("cleanup takes --store DIR, --dry-run and --limit N (got '\(arg)')")
            }
        }
        return o
    }

    public static let usage = """
        model-lifecycle: keeps the lifecycle of the AI models of a multi-tenant platform.
        A JSON-RPC 2.0 server on stdin/stdout with LSP framing (Content-Length: N\\r\\n\\r\\n + JSON).

        USAGE:
          model-lifecycle [serve] [options]     serve the protocol on stdin/stdout (the default)
          model-lifecycle verify --store DIR    check a store's integrity and invariants (exit 0 when sound)
          model-lifecycle cleanup [--store DIR] [--dry-run] [--limit N]
                                                one lifecycle cleanup run (for cron or a systemd timer);
                                                prints the report as JSON (exit 0, 3 store, 4 run failed)
          model-lifecycle call METHOD [PARAMS_JSON] [--as ROLE] [--tenant ID] [--user ID] [--store DIR]
                                                one request (default --as sysadmin); the result on stdout
                                                (pretty on a terminal), an error on stderr with exit 1
          model-lifecycle demo [--store DIR]    seed a realistic platform and walk through the product
          model-lifecycle compact [--store DIR] rewrite the store's snapshot now (writers also do it as
                                                the journal grows); prints the files as JSON
          model-lifecycle openrpc               print the OpenRPC document of every method
          model-lifecycle --help | --version

        SERVE OPTIONS:
          --store DIR                 store directory (default $MODEL_LIFECYCLE_STORE, else
                                      $XDG_DATA_HOME/model-lifecycle, else ~/.local/share/model-lifecycle)
          --catalog FILE              LiteLLM model cost map (default $MODEL_LIFECYCLE_CATALOG, else the
                                      map of an installed litellm Python package, else none)
          --today YYYY-MM-DD          the date for deprecated/retiring decisions (default: today, UTC)
          --retiring-window-days N    how far ahead a deprecation date makes a model retiring (default 90)
          --cleanup-schedule SPEC     when this process runs the lifecycle cleanup by itself: 'weekly sun
                                      04:00' (the default), 'weekly DAY HH:MM', 'daily HH:MM' or 'off' (UTC)
          --log-level LEVEL           error, warning, info (default) or debug; logs go to stderr
          --max-message-bytes N       largest accepted message body (default 67108864)
          --conformance-fixtures      also register the conformance test methods

        EXIT CODES:
          0 exit or end of input after shutdown    1 exit or end of input without shutdown
          2 unrecoverable framing error            3 store cannot be opened    64 usage error

        Protocol/README.md describes the protocol; Protocol/openrpc.json lists every method.
        """
}
