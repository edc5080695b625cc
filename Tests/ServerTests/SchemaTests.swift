import XCTest
import JSONRPC
@testable import Server

/// Params are checked member by member; errors point at the offending member.
final class SchemaTests: XCTestCase {
    let spec = MethodSpec(
        "things/create", summary: "test",
        params: .named([
            .required("name", .name(max: 5)),
            .optional("id", .uuid),
            .optional("count", .integer(min: 1, max: 500)),
            .optional("kind", .enumeration(["a", "b"])),
            .optional("on", .date),
            .optional("at", .timestamp),
            .optional("tags", .array(.string(), maxItems: 2)),
            .optional("nested", .object([.required("flag", .boolean)])),
            .optional("kwargs", .anyObject),
            .optional("maybe", .nullable(.integer())),
        ]))

    private func error(_ params: JSONValue?) -> ParamsError? {
        if case .failure(let e) = spec.validate(params) { return e }
        return nil
    }

    func testValidParamsPass() {
        XCTAssertNil(
            error([
                "name": "abc", "id": "0f8fad5b-d9cb-469f-a165-70867728950e", "count": 500, "kind": "b",
                "on": "2024-02-29", "at": "2026-11-25T06:30:00.123Z", "tags": ["x"], "nested": ["flag": true],
                "kwargs": ["temperature": 0.2], "maybe": nil,
            ]))
    }

    func testEachViolationNamesItsField() {
        let cases: [(JSONValue?, String, String)] = [
            ([:], "/name", "is required"),
            (nil, "/name", "is required"),
            (["name": ""], "/name", "must not be empty"),
            (["name": "toolong"], "/name", "must have at most 5 characters"),
            (["name": 5], "/name", "must be a string, not number"),
            (["name": "a", "confirmMigration": true], "/confirmMigration", "unknown member"),
            (["name": "a", "id": "0F8FAD5B-D9CB-469F-A165-70867728950E"], "/id", "must be a lowercase UUID"),
            (["name": "a", "count": 0], "/count", "must be at least 1"),
            (["name": "a", "count": 501], "/count", "must be at most 500"),
            (["name": "a", "count": 1.5], "/count", "must be an integer"),
            (["name": "a", "count": true], "/count", "must be an integer, not boolean"),
            (["name": "a", "kind": "c"], "/kind", "must be one of \"a\", \"b\""),
            (["name": "a", "on": "2023-02-29"], "/on", "must be a date YYYY-MM-DD"),
            (["name": "a", "at": "2026-11-25 06:30:00"], "/at", "must be an ISO 8601 UTC timestamp ending in Z"),
            (["name": "a", "tags": ["x", "y", "z"]], "/tags", "must have at most 2 elements"),
            (["name": "a", "tags": ["x", 1]], "/tags/1", "must be a string, not number"),
            (["name": "a", "nested": [:]], "/nested/flag", "is required"),
            (["name": "a", "nested": ["flag": true, "x/y": 1]], "/nested/x~1y", "unknown member"),
            (["name": "a", "kwargs": []], "/kwargs", "must be an object, not array"),
            ([1, 2], "", "params must be an object of named members"),
        ]
        for (params, field, reason) in cases {
            XCTAssertEqual(error(params), ParamsError(field, reason), "\(String(describing: params))")
        }
    }
}
