import XCTest
import Domain
@testable import Launcher

/// The command line reads like contract §1.
final class CommandLineTests: XCTestCase {
    func testServeIsTheDefault() throws {
        XCTAssertEqual(try CommandLineParser.parse([]), .serve(ServeOptions()))
        XCTAssertEqual(try CommandLineParser.parse(["serve"]), .serve(ServeOptions()))
    }

    func testEveryServeOption() throws {
        var expected = ServeOptions()
        expected.store = "/tmp/s"
        expected.catalog = "c.json"
        expected.today = Formats.parseDate("2026-01-31")
        expected.retiringWindowDays = 30
        expected.cleanupSchedule = .off
        expected.logLevel = .debug
        expected.maxMessageBytes = 2048
        expected.conformanceFixtures = true
        let args = [
            "serve", "--store", "/tmp/s", "--catalog=c.json", "--today", "2026-01-31", "--retiring-window-days", "30",
            "--cleanup-schedule", "off", "--log-level", "debug", "--max-message-bytes", "2048",
            "--conformance-fixtures",
        ]
        XCTAssertEqual(try CommandLineParser.parse(args), .serve(expected))
    }

    func testUsageErrors() {
        let bad: [([String], String)] = [
            (
                ["--bogus"],
                "serve has no option '--bogus'; it takes --store STORE, --catalog FILE, --lifecycle-source [KIND:]FILE, --today YYYY-MM-DD, "
                    + "--retiring-window-days N, --cleanup-schedule SPEC, --log-level LEVEL, --max-message-bytes N, "
                    + "--conformance-fixtures"
            ),
            (
                ["frobnicate"],
                "unknown command 'frobnicate'; the commands are serve, verify, cleanup, tick, call, import, demo, compact, openrpc"
            ),
            (["--conformance-fixtures=yes"], "--conformance-fixtures takes no value"),
            (["verify"], "verify takes --store STORE"),
            (["call"], "call takes METHOD [PARAMS_JSON] (got 0 arguments)"),
            (["call", "tenants/list", "--as", "admin"], "--as admin needs --tenant ID"),
            (["--store"], "--store needs a value"),
            (["--today", "2026-13-01"], "--today takes a date YYYY-MM-DD (got '2026-13-01')"),
            (
                ["--retiring-window-days", "-1"],
                "--retiring-window-days takes a whole number from 0 to 36500 (got '-1')"
            ),
            (["--log-level", "loud"], "--log-level takes error, warning, info or debug (got 'loud')"),
            (
                ["--max-message-bytes", "12"],
                "--max-message-bytes takes a whole number from 1024 to 1099511627776 (got '12')"
            ),
            (
                ["--cleanup-schedule", "monthly"],
                "--cleanup-schedule takes 'weekly DAY HH:MM', 'daily HH:MM' or 'off' (UTC; got 'monthly')"
            ),
            (
                ["--cleanup-schedule", "daily 24:00"],
                "--cleanup-schedule takes 'weekly DAY HH:MM', 'daily HH:MM' or 'off' (UTC; got 'daily 24:00')"
            ),
            (["cleanup", "--limit", "0"], "--limit takes a whole number from 1 to 500 (got '0')"),
            (
                ["cleanup", "--force"],
                "cleanup has no option '--force'; it takes --store STORE, --dry-run, --limit N"
            ),
        ]
        for (args, message) in bad {
            XCTAssertThrowsError(try CommandLineParser.parse(args)) {
                XCTAssertEqual(($0 as? UsageError)?.message, message)
            }
        }
    }

    func testCleanupSchedules() throws {
        var expected = ServeOptions()
        expected.cleanupSchedule = .daily(minuteOfDay: 150)
        XCTAssertEqual(try CommandLineParser.parse(["--cleanup-schedule", "daily 02:30"]), .serve(expected))
        expected.cleanupSchedule = .weekly(weekday: 3, minuteOfDay: 0)
        XCTAssertEqual(try CommandLineParser.parse(["--cleanup-schedule=weekly Wednesday 00:00"]), .serve(expected))
        XCTAssertEqual(ServeOptions().cleanupSchedule.description, "weekly sun 04:00")
    }

    func testTheCleanupCommand() throws {
        var o = CleanupOptions()
        XCTAssertEqual(try CommandLineParser.parse(["cleanup"]), .cleanup(o))
        o.store = "/s"
        o.dryRun = true
        o.limit = 20
        XCTAssertEqual(
            try CommandLineParser.parse(["cleanup", "--store", "/s", "--dry-run", "--limit=20"]), .cleanup(o))
        XCTAssertEqual(try CommandLineParser.parse(["compact", "--store", "/s"]), .compact(store: "/s"))
        XCTAssertThrowsError(try CommandLineParser.parse(["compact", "--force"]))
    }

    func testHelpAndVersion() throws {
        XCTAssertEqual(try CommandLineParser.parse(["--help"]), .help(command: nil))
        XCTAssertEqual(try CommandLineParser.parse(["call", "--help"]), .help(command: "call"))
        XCTAssertEqual(try CommandLineParser.parse(["demo", "-h"]), .help(command: "demo"))
        XCTAssertEqual(try CommandLineParser.parse(["help", "cleanup"]), .help(command: "cleanup"))
        XCTAssertEqual(try CommandLineParser.parse(["--version"]), .version)
        XCTAssertEqual(try CommandLineParser.parse(["openrpc"]), .openrpc(conformanceFixtures: false))
    }

    /// The usage text comes from the same declarations the parser reads: every option every
    /// command accepts is in it, and so is every exit code.
    func testTheUsageTextListsWhatTheParserAccepts() throws {
        let text = CommandLineParser.usage()
        for command in CommandLineParser.commands {
            XCTAssertTrue(text.contains("model-lifecycle \(command.name)"), command.name)
        }
        for option in CommandLineParser.serve.options { XCTAssertTrue(text.contains(option.synopsis), option.name) }
        for code in ExitCode.allCases {
            XCTAssertTrue(text.contains("  \(code.rawValue) "), "exit code \(code.rawValue)")
        }
        for (command, option) in [("demo", "--catalog FILE"), ("call", "--today YYYY-MM-DD"), ("call", "--name NAME")] {
            XCTAssertTrue(CommandLineParser.usage(of: command).contains(option), "\(command) \(option)")
        }
        var call = CallOptions()
        call.method = "models/list"
        call.role = "admin"
        call.tenant = "t"
        call.serve.today = Formats.parseDate("2026-01-31")
        call.serve.catalog = "c.json"
        XCTAssertEqual(
            try CommandLineParser.parse([
                "call", "models/list", "--as", "admin", "--tenant", "t", "--today=2026-01-31", "--catalog", "c.json",
            ]), .call(call))
    }
}
