import XCTest
@testable import Transport

final class LoggerTests: XCTestCase {
    func testLevelNames() {
        XCTAssertEqual(Logger.Level(name: "WARN"), .warning)
        XCTAssertEqual(Logger.Level(name: "debug"), .debug)
        XCTAssertNil(Logger.Level(name: "verbose"))
        XCTAssertTrue(Logger.Level.error < .debug)
    }
}
