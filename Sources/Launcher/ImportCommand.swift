import Foundation
import JSONRPC
import Server
import Domain
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `model-lifecycle import [--store STORE] [--dry-run] FILE|-`: a platform's inventory brought in
/// from NDJSON, one entity a line, through the same handlers and rules as the protocol (as a
/// sysadmin), all of it committed at once or none of it. See `Protocol/import.md`.
enum ImportCommand {
    /// The methods a line may name, in the order a file usually needs them.
    static let methods = [
        "tenants/create", "providers/create", "classifications/create", "models/create", "spaces/create",
        "spaces/enableModel", "assistants/create", "apps/create", "services/create", "templates/create",
        "questions/record",
    ]
    /// The methods that create nothing that could take an `id`.
    static let methodsWithoutID: Set<String> = ["spaces/enableModel"]
    /// The members a line may have.
    static let lineMembers: Set<String> = ["method", "params", "id", "at"]

    /// Why a line was refused: where, and what the rules said.
    struct Refusal: Error {
        var line: Int
        var method: String?
        /// A JSON pointer into the line (`/params/name`), or nil when the line as a whole is refused.
        var member: String?
        /// The error code (`conflict`, `not_found`, …, or `invalid_params`, `invalid_line`).
        var code: String
        var reason: String
        /// The error's `data`, as the protocol would have answered it.
        var data: JSONValue?

        var json: JSONValue {
            [
                "imported": false, "line": .int(line), "method": method.map { .string($0) } ?? .null,
                "member": member.map { .string($0) } ?? .null, "code": .string(code), "reason": .string(reason),
                "data": data ?? .null,
            ]
        }
    }

    static func run(_ o: ImportOptions) -> Int32 {
        let input: Int32
        if o.file == "-" {
            input = 0
        } else {
            input = open(o.file, O_RDONLY | O_CLOEXEC)
            guard input >= 0 else {
                Launcher.writeStderr(
                    "model-lifecycle: import: cannot read \(o.file): \(String(cString: strerror(errno)))\n")
                return ExitCode.usage.rawValue
            }
        }
        defer { if input != 0 { close(input) } }
        let platform: Platform
        switch openTarget(o) {
        case .success(let p): platform = p
        case .failure(let f):
            Launcher.writeStderr(f.message)
            return f.exitCode
        }
        let processor = Launcher.sysadminSession(platform: platform, userId: "import", name: "model-lifecycle import")

        platform.discardsResults = true
        let progress = isatty(2) == 1 ? Progress() : nil
        var counts: [String: Int] = [:]
        var lines = 0
        var seenIDs: Set<String> = []
        platform.beginGroup(asGeneration: true)
        // The group takes the store's write lock now, before the first line reads the state: the
        // ids a line may take are checked against the state no other writer can change meanwhile.
        do throws(ServerError) { try platform.write { _ throws(ServerError) in (Transaction(), ()) } } catch {
            platform.abandonGroup()
            let e = ErrorMapping.responseError(for: error)
            Launcher.writeStderr("model-lifecycle: import: the store cannot be written: \(e.message)\n")
            return ExitCode.storeUnavailable.rawValue
        }
        do throws(Refusal) {
            try forEachLine(of: input, path: o.file) { (number, bytes) throws(Refusal) in
                lines = number
                guard let method = try runLine(number, bytes, platform: platform, processor: processor, ids: &seenIDs)
                else { return }
                counts[method, default: 0] += 1
                progress?.tick(number)
            }
        } catch {
            progress?.clear()
            platform.abandonGroup()
            Launcher.writeStdout(JSONWriter.string(error.json) + "\n")
            if error.code == "store_unavailable" {
                Launcher.writeStderr(
                    "model-lifecycle: import: the store failed at line \(error.line): \(error.reason); nothing was imported\n"
                )
                return ExitCode.storeUnavailable.rawValue
            }
            Launcher.writeStderr(
                "model-lifecycle: import refused line \(error.line)"
                    + (error.member.map { " at \($0)" } ?? "")
                    + ": \(error.reason) (\(error.code)); nothing was imported\n")
            return 1
        }
        progress?.clear()
        if o.dryRun {
            platform.abandonGroup()
        } else {
            switch platform.endGroup() {
            case .committed: break
            case .notCommitted(let error):
                let e = ErrorMapping.responseError(for: error)
                Launcher.writeStderr(
                    "model-lifecycle: import: the store refused the commit: \(e.message); nothing was imported\n")
                return ExitCode.storeUnavailable.rawValue
            case .unknown(let error):
                let e = ErrorMapping.responseError(for: error)
                Launcher.writeStderr(
                    "model-lifecycle: import: whether the commit happened is unknown: \(e.message); "
                        + "look at the store before importing again\n")
                return ExitCode.storeUnavailable.rawValue
            }
        }
        let summary: JSONValue = [
            "imported": .bool(!o.dryRun), "dryRun": .bool(o.dryRun), "store": .string(platform.store.location),
            "lines": .int(lines), "entities": .int(counts.values.reduce(0, +)),
            "counts": .object(
                JSONObject(
                    members: methods.compactMap { m in counts[m].map { JSONObject.Member(key: m, value: .int($0)) } })),
        ]
        Launcher.writeStdout(JSONWriter.string(summary) + "\n")
        return 0
    }

    /// The platform to import into: the store (created if missing, as serving does); with
    /// `--dry-run`, an existing store, or an empty one in memory where there is none yet (nothing
    /// is created).
    static func openTarget(_ o: ImportOptions) -> Result<Platform, StartupFailure> {
        guard o.dryRun else { return Launcher.openPlatform(o.serve, mode: .serve) }
        // Checked against a copy in memory: a dry run takes no lock and writes nothing.
        let env = ProcessInfo.processInfo.environment
        let location = Launcher.storeDirectory(flag: o.serve.store, environment: env)
        let copy: MemoryPlatformStore
        do throws(StoreError) {
            let store = try Launcher.openPlatformStore(location, mode: .existing, environment: env)
            do throws(ServerError) { copy = MemoryPlatformStore(state: try store.read()) } catch {
                return .failure(
                    StartupFailure(
                        exitCode: ExitCode.storeUnavailable.rawValue,
                        message: "model-lifecycle: import: \(ErrorMapping.responseError(for: error).message)\n"))
            }
        } catch {
            guard case .noStore = error else {
                return .failure(
                    StartupFailure(exitCode: ExitCode.storeUnavailable.rawValue, message: Launcher.storeFailure(error)))
            }
            copy = MemoryPlatformStore()
        }
        return Launcher.openPlatform(o.serve, store: copy)
    }

    /// Runs one line; the method it ran, or nil for a blank line.
    static func runLine(
        _ number: Int, _ bytes: ArraySlice<UInt8>, platform: Platform, processor: MessageProcessor,
        ids: inout Set<String>
    ) throws(Refusal) -> String? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        func refuse(_ member: String?, _ code: String, _ reason: String, method: String? = nil) -> Refusal {
            Refusal(line: number, method: method, member: member, code: code, reason: reason, data: nil)
        }
        let value: JSONValue
        do { value = try JSONParser.parse(Array(bytes)) } catch {
            throw refuse(nil, "invalid_line", "the line is not JSON: \(error)")
        }
        guard let line = value.objectValue else {
            throw refuse(nil, "invalid_line", "a line is a JSON object {method, params, id?, at?}")
        }
        for key in line.members.map(\.key) where !lineMembers.contains(key) {
            throw refuse(
                "/" + JSONPointer.escape(key), "invalid_line",
                "unknown member: a line has method, params, and optionally id and at")
        }
        guard let method = line["method"]?.stringValue else {
            throw refuse("/method", "invalid_line", "is required: one of " + methods.joined(separator: ", "))
        }
        guard methods.contains(method) else {
            throw refuse(
                "/method", "invalid_line", "\"\(method)\" cannot be imported: one of " + methods.joined(separator: ", ")
            )
        }
        let params = line["params"] ?? [:]
        guard params.objectValue != nil else {
            throw refuse("/params", "invalid_params", "must be an object", method: method)
        }
        var id: String?
        if let given = line["id"] {
            guard !methodsWithoutID.contains(method) else {
                throw refuse("/id", "invalid_line", "\(method) creates nothing that takes an id", method: method)
            }
            guard let s = given.stringValue, Formats.isLowercaseUUID(s) else {
                throw refuse("/id", "invalid_line", "must be a lowercase UUID", method: method)
            }
            guard !ids.contains(s), !((try? platform.read())?.holdsEntity(id: s) ?? false) else {
                throw refuse("/id", "conflict", "\(s) is already the id of another entity", method: method)
            }
            id = s
        }
        var at: Millis?
        if let given = line["at"] {
            guard method == "questions/record" else {
                throw refuse("/at", "invalid_line", "only questions/record takes at", method: method)
            }
            guard let s = given.stringValue, let t = Formats.parseRFC3339(s) else {
                throw refuse(
                    "/at", "invalid_line", "must be an RFC 3339 date-time (2026-01-31T09:30:00Z)", method: method)
            }
            at = t
        }
        platform.requestedEntityID = id
        platform.pinnedNow = at
        defer {
            platform.requestedEntityID = nil
            platform.pinnedNow = nil
        }
        switch processor.call(Request(id: .number(JSONNumber(number)), method: method, params: params)) {
        case .success:
            if let id { ids.insert(id) }
            return method
        case .failure(let error):
            let e = ErrorMapping.responseError(for: error)
            let field = e.data?["field"]?.stringValue
            let code = e.data?["code"]?.stringValue ?? (e.code == .invalidParams ? "invalid_params" : "\(e.code)")
            // Params errors say what is wrong in `data.reason`; the rules say it in the message.
            let reason = e.code == .invalidParams ? (e.data?["reason"]?.stringValue ?? e.message) : e.message
            var refusal = refuse(field.map { "/params" + $0 }, code, reason, method: method)
            refusal.data = e.data
            throw refusal
        }
    }

    /// Calls `body` with each line (1-based number, bytes without the newline), read in chunks.
    static func forEachLine(
        of fd: Int32, path: String, _ body: (Int, ArraySlice<UInt8>) throws(Refusal) -> Void
    ) throws(Refusal) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var number = 0
        var start = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                throw Refusal(
                    line: number + 1, method: nil, member: nil, code: "unreadable",
                    reason: "\(path) could not be read: \(String(cString: strerror(errno)))", data: nil)
            }
            if n == 0 { break }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer.append(contentsOf: chunk[0..<n])
            while let newline = buffer[start...].firstIndex(of: 0x0A) {
                number += 1
                try body(number, buffer[start..<newline])
                start = newline + 1
            }
        }
        if start < buffer.count {
            number += 1
            try body(number, buffer[start...])
        }
    }

    /// "importing: N lines" on a terminal, at most a few times a second.
    final class Progress {
        private var last = 0.0
        func tick(_ lines: Int) {
            let t = Date().timeIntervalSince1970
            guard t - last >= 0.25 else { return }
            last = t
            Launcher.writeStderr("\rimporting: \(lines) lines")
        }
        func clear() { Launcher.writeStderr("\r\u{1B}[K") }
    }
}
