import Foundation
import XCTest
@testable import Store

/// Fresh PostgreSQL databases for the end-to-end suite's PostgreSQL runs.
///
/// `MODEL_LIFECYCLE_TEST_POSTGRES` is a libpq URI of a server and a database to connect to for
/// administration (e.g. `postgresql://user:password@127.0.0.1:5432/postgres`); every store a test
/// asks for is a new database on that server, dropped when the bundle finishes. Without the
/// variable the suite runs on store directories.
final class TestDatabases: NSObject, XCTestObservation, @unchecked Sendable {
    // @unchecked: `names` is guarded by `lock`.
    static let shared: TestDatabases = {
        let t = TestDatabases()
        XCTestObservationCenter.shared.addTestObserver(t)
        return t
    }()

    /// The administration URI, when this run is on PostgreSQL.
    static let baseURI: String? = {
        guard let s = ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_TEST_POSTGRES"], !s.isEmpty else {
            return nil
        }
        return s
    }()

    /// Whether stores are databases in this run.
    static var isOn: Bool { baseURI != nil }

    private let lock = NSLock()
    private var names: [String] = []

    /// A new, empty database's URI; nil when the run is on directories.
    func fresh() -> String? {
        guard let base = Self.baseURI else { return nil }
        let name = "ml_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        do {
            let c = try PostgresConnection(uri: base, defaults: [("connect_timeout", "10")])
            try c.run("CREATE DATABASE \(name)")
        } catch {
            fatalError("cannot create a test database on \(base): \(error)")
        }
        lock.lock()
        names.append(name)
        lock.unlock()
        return Self.uri(base, database: name)
    }

    /// `base` with its database name replaced by `name` (query parameters kept).
    static func uri(_ base: String, database name: String) -> String {
        let query = base.firstIndex(of: "?").map { String(base[$0...]) } ?? ""
        let head = query.isEmpty ? base : String(base[..<base.firstIndex(of: "?")!])
        let afterScheme = head.range(of: "://").map { head[$0.upperBound...] } ?? head[...]
        let authority = afterScheme.firstIndex(of: "/").map { String(afterScheme[..<$0]) } ?? String(afterScheme)
        let scheme = head.range(of: "://").map { String(head[..<$0.upperBound]) } ?? ""
        return scheme + authority + "/" + name + query
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        guard let base = Self.baseURI else { return }
        lock.lock()
        defer { lock.unlock() }
        guard let c = try? PostgresConnection(uri: base, defaults: [("connect_timeout", "10")]) else { return }
        for n in names { try? c.run("DROP DATABASE IF EXISTS \(n) WITH (FORCE)") }
        names.removeAll()
    }
}

extension XCTestCase {
    /// Skips a test about the files of the file store in the PostgreSQL runs of the suite.
    func skipOnDatabase(_ why: String = "it is about the file store's directory and files") throws {
        try XCTSkipIf(TestDatabases.isOn, "not on PostgreSQL: \(why)")
    }
}
