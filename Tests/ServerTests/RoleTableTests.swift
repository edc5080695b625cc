import XCTest
import Foundation
@testable import Server

/// The roles table of `Protocol/SPEC.md` says what the server's method table does.
final class RoleTableTests: XCTestCase {
    /// `(patterns, member, admin, sysadmin)` per row of the table under `## Roles`.
    private func rows() throws -> [(patterns: [String], access: Access)] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Protocol/SPEC.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = text.components(separatedBy: "## Roles\n")[1].components(separatedBy: "\n## ")[0]
        return section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let patterns = cells[0].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
            }
            let access: Access = cells[1] == "yes" ? .anyActor : cells[2] == "no" ? .sysadmin : .admin
            return (patterns, access)
        }
    }

    func testEveryMethodIsInTheRolesTableWithItsRole() throws {
        let table = try rows()
        XCTAssertGreaterThan(table.count, 3)
        for method in DomainMethods.all() {
            let name = method.spec.name
            let row = table.first { row in
                row.patterns.contains { p in
                    p == name || (p.hasSuffix("/*") && name.hasPrefix(p.dropLast()))
                }
            }
            guard let row else {
                XCTFail("\(name) is not in the roles table of Protocol/SPEC.md")
                continue
            }
            XCTAssertEqual("\(row.access)", "\(method.access)", "\(name): the table and the server disagree")
        }
    }
}
