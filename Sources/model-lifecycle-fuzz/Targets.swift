import Foundation
import JSONRPC
import Transport
import Domain
import Store
import Server

/// The fuzz targets: each takes arbitrary bytes and checks properties that must hold for every
/// input (a violated property is a crash, which the fuzzer reports with the input).
enum FuzzTargets {
    /// Frames: parsing the stream whole and in chunks (sizes taken from the input) gives the same
    /// events; every message body has the length its header announced; nothing traps.
    static func frames(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let stream = Array(data.dropFirst())
        let limits = FrameParser.Limits(maxHeaderBytes: 256, maxBodyBytes: 1024)
        func events(chunk: Int) -> ([FrameEvent], FramingError?) {
            var p = FrameParser(limits: limits)
            var out: [FrameEvent] = []
            var i = 0
            while i < stream.count {
                let end = min(stream.count, i + chunk)
                p.append(stream[i..<end])
                i = end
                while let e = p.next() {
                    out.append(e)
                    if case .fatal = e { return (out, nil) }
                }
            }
            return (out, p.finish())
        }
        let whole = events(chunk: max(1, stream.count))
        let chunked = events(chunk: Int(first % 7) + 1)
        precondition(whole.0 == chunked.0, "chunking changed the events")
        precondition(whole.1 == chunked.1, "chunking changed the end-of-stream verdict")
        for e in whole.0 { if case .message(let body) = e { precondition(body.count <= limits.maxBodyBytes) } }
    }

    /// JSON: whatever parses serializes to text that parses back to the same value; the writer's
    /// output is valid UTF-8; nothing traps (deep nesting included).
    static func json(_ data: [UInt8]) {
        guard let value = try? JSONParser.parse(data) else { return }
        let text = JSONWriter.serialize(value)
        precondition(String(validating: text, as: UTF8.self) != nil, "the writer produced invalid UTF-8")
        guard let again = try? JSONParser.parse(text) else { preconditionFailure("the writer's output does not parse") }
        precondition(again == value, "round trip changed the value")
        let pretty = Array(JSONWriter.string(value, pretty: true).utf8)
        precondition((try? JSONParser.parse(pretty)) == value, "pretty output differs")
    }

    /// Dispatch: any message body, after a sysadmin session is open on a fixture store, is answered
    /// by well-formed JSON-RPC (or nothing, for a notification) and leaves a store that passes
    /// every invariant.
    static func dispatch(_ data: [UInt8]) {
        let f = Fixture.shared
        let outbox = CollectingOutbox()
        let processor = MessageProcessor(
            table: f.table, outbox: outbox, actorValidator: DomainMethods.actorValidator(platform: f.platform))
        _ = processor.process(
            IncomingPayload(
                body: Array(
                    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"initializationOptions":{"actor":{"userId":"fuzz","role":"sysadmin"}}}}"#
                        .utf8)))
        _ = processor.process(
            IncomingPayload(body: Array(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.utf8)))
        _ = outbox.takeMessages()
        _ = processor.process(IncomingPayload(body: data))
        for m in outbox.takeMessages() {
            for one in m.arrayValue ?? [m] {
                precondition(one["jsonrpc"] == "2.0", "an answer without jsonrpc 2.0")
                precondition(one["method"] != nil || one["id"] != nil, "an answer without id")
                precondition(
                    (one["result"] != nil) != (one["error"] != nil) || one["method"] != nil, "result xor error")
                if let code = one["error"]?["code"] {
                    precondition(code.numberValue != nil, "a non-numeric error code")
                }
            }
        }
        f.checks += 1
        if f.checks % 512 == 0 {
            let violations = (try? f.platform.read())?.invariantViolations() ?? ["unreadable store"]
            precondition(violations.isEmpty, "store invariants broken: \(violations)")
        }
    }

    /// A store with a tenant, a provider, models and a space, shared by all dispatch runs.
    /// `@unchecked Sendable` without a lock: libFuzzer and the replay call targets on one thread.
    final class Fixture: @unchecked Sendable {
        static let shared = Fixture()
        let platform: Platform
        let table: MethodTable
        var checks = 0

        init() {
            let dir = NSTemporaryDirectory() + "model-lifecycle-fuzz-" + String(getpid())
            try? FileManager.default.removeItem(atPath: dir)
            let store = FilePlatformStore(try! JournalStore<PlatformState>(directory: dir))
            store.compactionFloor = 1 << 20
            platform = Platform(
                store: store, catalog: Catalog(), catalogSource: CatalogSource(path: nil, origin: "none"),
                calendar: LifecycleCalendar(today: 20_000))
            var table = MethodTable()
            DomainMethods.register(in: &table, platform: platform)
            ConformanceFixtures.register(in: &table)
            self.table = table
            let t = "00000000-0000-4000-8000-000000000001"
            let p = "00000000-0000-4000-8000-000000000002"
            var changes: [Change] = [
                .putTenant(Tenant(id: t, name: "Fuzz", securityEnabled: true, createdAt: 0)),
                .putProvider(Provider(id: p, tenantId: t, name: "P", providerType: "openai")),
                .putClassification(
                    Classification(id: "00000000-0000-4000-8000-000000000003", tenantId: t, name: "C", level: 2)),
            ]
            for k in 0..<3 {
                changes.append(
                    .putModel(
                        Model(
                            id: "00000000-0000-4000-8000-00000000001\(k)", tenantId: t, kind: .completion,
                            name: "m\(k)", providerId: p, createdAt: 0)))
            }
            changes.append(
                .putSpace(
                    Space(
                        id: "00000000-0000-4000-8000-000000000020", tenantId: t, name: "S",
                        securityClassificationId: nil,
                        modelIds: ["00000000-0000-4000-8000-000000000010"], createdAt: 0)))
            try! platform.write { _ throws(ServerError) in (Transaction(changes), ()) }
        }
    }

    static func named(_ name: String) -> (([UInt8]) -> Void)? {
        switch name {
        case "frames": return frames
        case "json": return json
        case "dispatch": return dispatch
        default: return nil
        }
    }
}
