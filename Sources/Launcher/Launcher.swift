import JSONRPC
import Transport
import Server
#if canImport(Glibc)
import Glibc
#endif

/// Wires the process: parses the command line, protects stdout, and runs the chosen command.
public enum Launcher {
    /// Runs the program and returns its exit code.
    public static func main(_ argv: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let command: Command
        do {
            command = try CommandLineParser.parse(Array(argv.dropFirst()))
        } catch {
            writeStderr("model-lifecycle: \(error.message)\nRun 'model-lifecycle --help' for usage.\n")
            return 64
        }
        switch command {
        case .help:
            writeStdout(CommandLineParser.usage + "\n")
            return 0
        case .version:
            writeStdout("\(ServerInfo.current.name) \(ServerInfo.current.version)\n")
            return 0
        case .openrpc(let fixtures):
            let doc = MessageProcessor(table: methodTable(conformanceFixtures: fixtures), outbox: CollectingOutbox()).openRPCDocument
            writeStdout(JSONWriter.string(doc, pretty: true) + "\n")
            return 0
        case .serve(let options):
            return serve(options)
        }
    }

    /// Every method of this build.
    public static func methodTable(conformanceFixtures: Bool) -> MethodTable {
        var table = MethodTable()
        if conformanceFixtures { ConformanceFixtures.register(in: &table) }
        return table
    }

    static func serve(_ options: ServeOptions) -> Int32 {
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
            limits: .init(maxHeaderBytes: 8 * 1024, maxBodyBytes: options.maxMessageBytes), log: log)
        return StdioRuntime.run(table: methodTable(conformanceFixtures: options.conformanceFixtures), configuration: config)
    }

    static func writeStdout(_ s: String) { FileOutput.writeAll(1, s) }
    static func writeStderr(_ s: String) { FileOutput.writeAll(2, s) }
}
