/// One option of a command, declared once: how it parses, what it says in the usage text, and the
/// message when its value is wrong all come from here.
struct OptionDeclaration<Options>: Sendable {
    /// `--store`.
    let name: String
    /// What the value is called in the usage (`DIR`), or nil for a flag.
    let valueName: String?
    /// One line, or lines joined by `\n`, for the usage text.
    let summary: String
    /// Applies the value (nil for a flag) to the options.
    let apply: @Sendable (inout Options, String?) throws(UsageError) -> Void

    /// An option with a value.
    static func value(
        _ name: String, _ valueName: String, _ summary: String,
        _ apply: @escaping @Sendable (inout Options, String) throws(UsageError) -> Void
    ) -> Self {
        Self(name: name, valueName: valueName, summary: summary) { (options, value) throws(UsageError) in
            try apply(&options, value ?? "")
        }
    }

    /// A flag (no value; `--flag=x` is refused).
    static func flag(_ name: String, _ summary: String, _ apply: @escaping @Sendable (inout Options) -> Void) -> Self {
        Self(name: name, valueName: nil, summary: summary) { (options, _) throws(UsageError) in apply(&options) }
    }

    /// The same option applied to a part of larger options (`call` takes some of `serve`'s).
    func lifted<Outer>(_ path: WritableKeyPath<Outer, Options> & Sendable) -> OptionDeclaration<Outer> {
        let apply = self.apply
        return OptionDeclaration<Outer>(name: name, valueName: valueName, summary: summary) {
            (outer, value) throws(UsageError) in
            try apply(&outer[keyPath: path], value)
        }
    }

    /// `--store DIR`.
    var synopsis: String { valueName.map { "\(name) \($0)" } ?? name }
}

/// One command: its name, what it does, its options and positional arguments, and how the
/// parsed options become a `Command`.
struct CommandDeclaration<Options: Sendable>: Sendable {
    let name: String
    /// The positional arguments in the synopsis (`METHOD [PARAMS_JSON]`), or "".
    let positionals: String
    let summary: String
    let options: [OptionDeclaration<Options>]
    let start: Options
    /// Builds the command from the options and the positional arguments (refusing wrong ones).
    let finish: @Sendable (Options, [String]) throws(UsageError) -> Command

    /// `model-lifecycle call METHOD [PARAMS_JSON] [OPTIONS]`; the options are listed below it.
    var synopsis: String {
        (["model-lifecycle", name, positionals, options.isEmpty ? "" : "[OPTIONS]"].filter { !$0.isEmpty })
            .joined(separator: " ")
    }

    /// Parses the arguments after the command's name.
    func parse(_ arguments: ArraySlice<String>) throws(UsageError) -> Command {
        var options = start
        var positional: [String] = []
        var args = arguments
        while let arg = args.popFirst() {
            if arg == "--help" || arg == "-h" { return .help(command: name) }
            guard arg.hasPrefix("-"), arg != "-" else {
                positional.append(arg)
                continue
            }
            var optionName = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "=") {
                optionName = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let option = self.options.first(where: { $0.name == optionName }) else {
                throw UsageError("\(name) has no option '\(optionName)'; it takes \(optionList)")
            }
            if option.valueName == nil {
                if inline != nil { throw UsageError("\(optionName) takes no value") }
                try option.apply(&options, nil)
            } else {
                guard let value = inline ?? args.popFirst() else { throw UsageError("\(optionName) needs a value") }
                try option.apply(&options, value)
            }
        }
        return try finish(options, positional)
    }

    private var optionList: String {
        options.isEmpty ? "no options" : options.map(\.synopsis).joined(separator: ", ")
    }

    /// The command's section of the usage text.
    var usage: String {
        var lines = ["  \(synopsis)", "      \(summary)"]
        for o in options {
            let parts = o.summary.split(separator: "\n", omittingEmptySubsequences: false)
            let head = "      " + o.synopsis.padding(toLength: max(o.synopsis.count, 26), withPad: " ", startingAt: 0)
            lines.append(head + "  " + (parts.first.map(String.init) ?? ""))
            for more in parts.dropFirst() { lines.append(String(repeating: " ", count: head.count + 2) + more) }
        }
        return lines.joined(separator: "\n")
    }
}

/// A command of any options type, as the parser and the usage text see it.
struct AnyCommandDeclaration: Sendable {
    let name: String
    let parse: @Sendable (ArraySlice<String>) throws(UsageError) -> Command
    let usage: String

    init<Options>(_ c: CommandDeclaration<Options>) {
        name = c.name
        parse = { (args) throws(UsageError) in try c.parse(args) }
        usage = c.usage
    }
}

/// The process's exit codes, one table for the whole command line.
public enum ExitCode: Int32, CaseIterable, Sendable {
    case success = 0
    case exitWithoutShutdown = 1
    case framingError = 2
    case storeUnavailable = 3
    case runFailed = 4
    case usage = 64

    var meaning: String {
        switch self {
        case .success: "done; for a server, exit or end of input after shutdown"
        case .exitWithoutShutdown:
            "a server's exit or end of input without shutdown; `call`'s request failed; a `demo` step misbehaved; "
                + "an `import` line was refused"
        case .framingError: "unrecoverable framing error on stdin (the message says which)"
        case .storeUnavailable: "the store cannot be opened, is not a store, or could not be written"
        case .runFailed: "`cleanup` or `tick` ran and failed (nothing was changed)"
        case .usage: "a command line, a catalog file or a lifecycle source that cannot be used"
        }
    }
}
