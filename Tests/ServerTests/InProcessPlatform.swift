import Foundation
import JSONRPC
import Domain
@testable import Server

/// The whole method table in-process on an in-memory store: rule tests run in milliseconds and
/// reach every handler by name, with sessions for any actor. (End-to-end tests keep what crosses
/// the process boundary: framing, the store's files, exit codes.)
final class InProcessPlatform {
    let platform: Platform
    private let table: MethodTable
    private var nextID = 1

    init(today: String = "2026-12-01") {
        platform = Platform(
            store: MemoryPlatformStore(), catalog: Catalog(), catalogSource: CatalogSource(path: nil, origin: "none"),
            calendar: LifecycleCalendar(today: Formats.parseDate(today) ?? 0))
        var t = MethodTable()
        DomainMethods.register(in: &t, platform: platform)
        table = t
    }

    /// A session of `actor` (initialized), checking every result against its published schema.
    func session(_ actor: JSONValue) -> Session {
        let outbox = CollectingOutbox()
        let processor = MessageProcessor(
            table: table, outbox: outbox, actorValidator: DomainMethods.actorValidator(platform: platform),
            checksResults: true)
        let s = Session(processor: processor, outbox: outbox, owner: self)
        s.send("initialize", ["initializationOptions": ["actor": actor]])
        _ = processor.process(IncomingPayload(body: JSONWriter.serialize(["jsonrpc": "2.0", "method": "initialized"])))
        _ = outbox.takeMessages()
        return s
    }

    fileprivate func takeID() -> Int {
        nextID += 1
        return nextID
    }

    /// One actor's session.
    final class Session {
        private let processor: MessageProcessor
        private let outbox: CollectingOutbox
        private unowned let owner: InProcessPlatform

        fileprivate init(processor: MessageProcessor, outbox: CollectingOutbox, owner: InProcessPlatform) {
            self.processor = processor
            self.outbox = outbox
            self.owner = owner
        }

        /// The answer to one request: its `result`, or its whole `error` object.
        @discardableResult
        func send(_ method: String, _ params: JSONValue = [:]) -> JSONValue {
            let id = owner.takeID()
            let request: JSONValue = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params]
            _ = processor.process(IncomingPayload(body: JSONWriter.serialize(request)))
            let answer = outbox.takeMessages().first { $0["id"] == .int(id) } ?? .null
            return answer["result"] ?? ["error": answer["error"] ?? .null]
        }

        /// The id of what a create returned.
        func create(_ method: String, _ params: JSONValue) -> String { send(method, params)["id"]?.stringValue ?? "" }
    }
}

extension JSONValue {
    /// `data.code` of an error answer (`conflict`, `model_in_use`, …), or nil.
    var applicationCode: String? { self["error"]?["data"]?["code"]?.stringValue }
}
