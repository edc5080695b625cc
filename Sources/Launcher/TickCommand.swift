import Foundation
import JSONRPC
import Server
import Domain

/// `model-lifecycle tick [--store STORE] [--dry-run]`: one evaluation of every tenant's lifecycle
/// policy, for cron or a systemd timer (what `lifecycle/tick` does); prints `{dryRun, actions}`.
enum TickCommand {
    static func run(_ o: TickOptions) -> Int32 {
        let platform: Platform
        switch Launcher.openPlatform(o.serve, mode: .existing) {
        case .success(let p): platform = p
        case .failure(let f):
            Launcher.writeStderr(f.message)
            return f.exitCode
        }
        let processor = Launcher.sysadminSession(platform: platform, userId: "cli", name: "model-lifecycle tick")
        switch processor.call(
            Request(id: .number(JSONNumber(1)), method: "lifecycle/tick", params: ["dryRun": .bool(o.dryRun)]))
        {
        case .success(let result):
            Launcher.writeStdout(JSONWriter.string(result) + "\n")
            return 0
        case .failure(let error):
            let e = ErrorMapping.responseError(for: error)
            Launcher.writeStderr("model-lifecycle: tick failed: \(e.message)\n")
            return e.code == .storeUnavailable ? ExitCode.storeUnavailable.rawValue : ExitCode.runFailed.rawValue
        }
    }
}

extension Launcher {
    /// A processor of every method of `platform` with a sysadmin session open (initialize and
    /// initialized), for the commands that drive the handlers in-process (`import`, `tick`).
    static func sysadminSession(platform: Platform, userId: String, name: String) -> MessageProcessor {
        let processor = MessageProcessor(
            table: methodTable(platform: platform, conformanceFixtures: false), outbox: CollectingOutbox())
        _ = processor.call(
            Request(
                id: .number(JSONNumber(0)), method: "initialize",
                params: [
                    "processId": .null, "capabilities": [:],
                    "initializationOptions": [
                        "actor": ["userId": .string(userId), "name": .string(name), "role": "sysadmin"]
                    ],
                ]))
        _ = processor.process(.single(.notification(Notification(method: "initialized", params: [:]))))
        return processor
    }
}
