import XCTest
@testable import Server

/// The LSP lifecycle as a table: phase × message → admission.
final class SessionTests: XCTestCase {
    func testAdmissionTable() {
        typealias Row = (phase: String, method: String, request: Bool, expected: Session.Admission)
        let rows: [Row] = [
            ("new", "initialize", true, .handle),
            ("new", "get_data", true, .reject(.notInitialized)),
            ("new", "shutdown", true, .reject(.notInitialized)),
            ("new", "update", false, .drop),
            ("new", "initialized", false, .drop),
            ("new", "exit", false, .handle),
            ("running", "get_data", true, .handle),
            ("running", "initialize", true, .reject(.alreadyInitialized)),
            ("running", "update", false, .handle),
            ("running", "exit", false, .handle),
            ("shutdown", "get_data", true, .reject(.shuttingDown)),
            ("shutdown", "shutdown", true, .reject(.shuttingDown)),
            ("shutdown", "update", false, .drop),
            ("shutdown", "exit", false, .handle),
        ]
        for row in rows {
            var s = Session()
            if row.phase != "new" { s.didInitialize(actor: nil, clientProcessId: nil) }
            if row.phase == "shutdown" { s.didShutDown() }
            XCTAssertEqual(s.admit(method: row.method, isRequest: row.request), row.expected, "\(row)")
        }
    }

    func testExitCodeIsZeroOnlyAfterShutdown() {
        var s = Session()
        XCTAssertEqual(s.exitCode, 1)
        s.didInitialize(actor: nil, clientProcessId: 42)
        XCTAssertEqual(s.exitCode, 1)
        XCTAssertEqual(s.clientProcessId, 42)
        s.didShutDown()
        XCTAssertEqual(s.exitCode, 0)
    }
}
