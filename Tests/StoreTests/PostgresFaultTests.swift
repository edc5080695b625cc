import XCTest
import Foundation
@testable import Store

/// The PostgreSQL store's write, refresh and compaction protocols with the connection broken at
/// every statement, before it is sent and after it ran: an answered write is there exactly once,
/// a refused one is not there, and only a write answered "could not be learnt" may be either.
///
/// Needs `MODEL_LIFECYCLE_TEST_POSTGRES` (an administration URI); each case gets a new database.
final class PostgresFaultTests: XCTestCase {
    private var admin: String!
    private var databases: [String] = []

    override func setUpWithError() throws {
        guard let base = ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_TEST_POSTGRES"], !base.isEmpty else {
            throw XCTSkip("set MODEL_LIFECYCLE_TEST_POSTGRES to a PostgreSQL URI to run the PostgreSQL fault tests")
        }
        admin = base
    }

    override func tearDown() {
        guard let admin, let c = try? PostgresConnection(uri: admin, defaults: []) else { return }
        for d in databases { try? c.run("DROP DATABASE IF EXISTS \(d) WITH (FORCE)") }
    }

    /// A new empty database's URI.
    private func freshDatabase() throws -> String {
        let name = "ml_fault_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresConnection(uri: admin, defaults: []).run("CREATE DATABASE \(name)")
        databases.append(name)
        let head = admin.prefix { $0 != "?" }
        let query = admin.dropFirst(head.count)
        guard let slash = head.lastIndex(of: "/"), head[..<slash].hasSuffix(":/") == false else {
            return String(head) + "/" + name + query
        }
        return String(head[..<slash]) + "/" + name + query
    }

    /// Counts statements and breaks the connection at one of them.
    private final class Injector: @unchecked Sendable {
        // @unchecked: used by the one thread running the store.
        var count = 0
        var at: Int?
        var fault = PostgresConnection.InjectedFault.lostBeforeSending
        var fired = false
        func callAsFunction(_ sql: String) -> PostgresConnection.InjectedFault? {
            defer { count += 1 }
            guard count == at else { return nil }
            fired = true
            return fault
        }
    }

    private func append(_ store: PostgresStore<EntryLog>, _ entry: String) throws {
        try store.write {
            (_: EntryLog) throws(Refused) -> (record: [UInt8], apply: ((inout EntryLog) -> Void)?, result: Void) in
            (Array(entry.utf8), nil, ())
        }
    }

    private func entries(_ uri: String) throws -> [String] {
        try PostgresStore<EntryLog>(uri: uri, mode: .verify).state.entries
    }

    /// Runs `operation` on a store prepared by `prepare`, once per statement it sends and fault
    /// kind, with the fault at that statement; `check` judges each outcome.
    private func everyFault(
        prepare: (PostgresStore<EntryLog>, String) throws -> Void,
        operation: (PostgresStore<EntryLog>) throws -> Void,
        check: (_ uri: String, _ error: Error?, _ store: PostgresStore<EntryLog>, _ label: String) throws -> Void
    ) throws {
        // A dry run counts the statements of the operation.
        let dryURI = try freshDatabase()
        let dry = try PostgresStore<EntryLog>(uri: dryURI, timeoutSeconds: 3)
        try prepare(dry, dryURI)
        let counter = Injector()
        dry.injectFault = { counter($0) }
        try operation(dry)
        let statements = counter.count
        XCTAssertGreaterThan(statements, 0)
        for at in 0..<statements {
            for fault in [PostgresConnection.InjectedFault.lostBeforeSending, .lostAfterRunning] {
                let uri = try freshDatabase()
                let store = try PostgresStore<EntryLog>(uri: uri, timeoutSeconds: 3)
                try prepare(store, uri)
                let injector = Injector()
                injector.at = at
                injector.fault = fault
                store.injectFault = { injector($0) }
                var failure: Error?
                do { try operation(store) } catch { failure = error }
                store.injectFault = nil
                try check(uri, failure, store, "fault \(fault) at statement \(at) of \(statements)")
            }
        }
    }

    /// What every outcome must satisfy for a write of `entry` after `before`.
    private func judgeWrite(
        _ entry: String, after before: [String], uri: String, error: Error?, store: PostgresStore<EntryLog>,
        label: String
    ) throws {
        let seen = try entries(uri)
        let count = seen.filter { $0 == entry }.count
        switch error {
        case nil:
            XCTAssertEqual(count, 1, "\(label): an answered write is there exactly once (\(seen))")
        case let e as StoreError where "\(e)".contains("could not be learnt"):
            XCTAssertLessThanOrEqual(count, 1, "\(label): an unknown outcome is there at most once")
        case let e?:
            XCTAssertEqual(count, 0, "\(label): a write answered \(e) is not there (\(seen))")
        }
        XCTAssertEqual(Array(seen.prefix(before.count)), before, "\(label): nothing before it changed")
        // The same process goes on: it reconnects, sees what is there and writes after it.
        try store.refresh()
        XCTAssertEqual(store.state.entries, seen, "\(label): the process reads what the database has")
        try append(store, "after")
        XCTAssertEqual(try entries(uri), seen + ["after"], "\(label): the next write lands after it, once")
    }

    func testAWriteWithNoOneInBetweenUnderEveryConnectionFault() throws {
        try everyFault(
            prepare: { store, _ in try append(store, "a") },
            operation: { store in try append(store, "b") },
            check: { uri, error, store, label in
                try judgeWrite("b", after: ["a"], uri: uri, error: error, store: store, label: label)
            })
    }

    func testAWriteAfterAnotherProcessWroteUnderEveryConnectionFault() throws {
        try everyFault(
            prepare: { store, uri in
                try append(store, "a")
                try append(try PostgresStore<EntryLog>(uri: uri), "other")  // the locking path
            },
            operation: { store in try append(store, "b") },
            check: { uri, error, store, label in
                try judgeWrite("b", after: ["a", "other"], uri: uri, error: error, store: store, label: label)
            })
    }

    func testAGroupCommitUnderEveryConnectionFaultIsAllOrNothing() throws {
        for otherWriterFirst in [false, true] {
            var staged: [String] = []
            try everyFault(
                prepare: { store, uri in
                    try append(store, "a")
                    if otherWriterFirst { try append(try PostgresStore<EntryLog>(uri: uri), "other") }
                },
                operation: { store in
                    staged = []
                    store.beginGroup()
                    for entry in ["g1", "!refused", "g2"] {
                        do {
                            try store.write {
                                (
                                    _: EntryLog
                                ) throws(Refused) -> (
                                    record: [UInt8], apply: ((inout EntryLog) -> Void)?, result: Void
                                ) in
                                if entry.hasPrefix("!") { throw Refused() }
                                return (Array(entry.utf8), nil, ())
                            }
                            staged.append(entry)
                        } catch {}
                    }
                    try store.endGroup()
                },
                check: { uri, error, store, label in
                    let before = otherWriterFirst ? ["a", "other"] : ["a"]
                    let seen = try entries(uri)
                    let label = label + (otherWriterFirst ? ", another writer first" : "")
                    XCTAssertEqual(Array(seen.prefix(before.count)), before, "\(label): nothing before it changed")
                    let landed = Array(seen.dropFirst(before.count))
                    switch error {
                    case nil:
                        XCTAssertEqual(landed, staged, "\(label): an answered group is there, each write once")
                    case let e as StoreError where "\(e)".contains("could not be learnt"):
                        XCTAssertTrue(landed == [] || landed == staged, "\(label): all or nothing (\(landed))")
                    case let e?:
                        XCTAssertEqual(landed, [], "\(label): a group answered \(e) is not there")
                    }
                    XCTAssertFalse(seen.contains("refused"), label)
                    try store.refresh()
                    XCTAssertEqual(store.state.entries, seen, "\(label): the process reads what the database has")
                    try append(store, "after")
                    XCTAssertEqual(try entries(uri), seen + ["after"], "\(label): the next write lands after it, once")
                })
        }
    }

    func testACompactionUnderEveryConnectionFaultLosesNothing() throws {
        try everyFault(
            prepare: { store, _ in for e in ["a", "b", "c"] { try append(store, e) } },
            operation: { store in try store.compact() },
            check: { uri, _, store, label in
                XCTAssertEqual(try entries(uri), ["a", "b", "c"], label)
                try store.refresh()
                try append(store, "d")
                XCTAssertEqual(try entries(uri), ["a", "b", "c", "d"], label)
                try store.compact()
                XCTAssertEqual(try entries(uri), ["a", "b", "c", "d"], label)
            })
    }

    func testARefreshUnderEveryConnectionFaultReadsEverythingOnTheNextRequest() throws {
        try everyFault(
            prepare: { store, uri in
                try append(store, "a")
                try append(try PostgresStore<EntryLog>(uri: uri), "other")
            },
            operation: { store in try store.refresh() },
            check: { uri, _, store, label in
                try store.refresh()
                XCTAssertEqual(store.state.entries, ["a", "other"], label)
            })
    }
}

/// Store locations as messages show them.
final class PostgresLocationTests: XCTestCase {
    func testPasswordsNeverAppearInTheLocationShown() {
        XCTAssertEqual(
            PostgresStore<EntryLog>.redacted("postgresql://ada:s3cret@db.example:5432/platform"),
            "postgresql://ada:***@db.example:5432/platform")
        XCTAssertEqual(
            PostgresStore<EntryLog>.redacted("postgres://db/platform?sslmode=require&password=s3cret"),
            "postgres://db/platform?sslmode=require&password=***")
        XCTAssertEqual(PostgresStore<EntryLog>.redacted("postgresql://ada@db/platform"), "postgresql://ada@db/platform")
        XCTAssertEqual(PostgresStore<EntryLog>.redacted("postgresql:///platform"), "postgresql:///platform")
    }

    func testOnlyURIsOfPostgreSQLNameADatabase() {
        XCTAssertTrue(PostgresStore<EntryLog>.isDatabaseURI("postgresql://db/x"))
        XCTAssertTrue(PostgresStore<EntryLog>.isDatabaseURI("postgres://db/x"))
        XCTAssertFalse(PostgresStore<EntryLog>.isDatabaseURI("/var/lib/model-lifecycle"))
        XCTAssertFalse(PostgresStore<EntryLog>.isDatabaseURI("postgresql:/db/x"))
    }
}
