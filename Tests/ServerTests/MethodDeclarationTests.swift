import XCTest
import JSONRPC
@testable import Server

/// Every method is one declaration whose params type both publishes and decodes its members.
final class MethodDeclarationTests: XCTestCase {
    /// A value `schema` accepts (the first allowed string, the minimum integer, every member).
    private func example(_ schema: Schema, required onlyRequired: Bool = false) -> JSONValue {
        switch schema {
        case .string(let rule):
            if let first = rule.allowed?.first(where: { rule.refused[$0] == nil }) { return .string(first) }
            switch rule.format {
            case .uuid?: return "0b7c1f4e-8a3d-4c2b-9e6f-1a2b3c4d5e6f"
            case .date?: return "2026-12-01"
            case .timestamp?: return "2026-12-01T00:00:00Z"
            case nil: return .string(String(repeating: "a", count: max(1, rule.minLength)))
            }
        case .integer(let min, _): return .int(min ?? 1)
        case .number: return .int(1)
        case .boolean: return true
        case .array(let element, _): return [example(element)]
        case .object(let fields):
            var o = JSONObject()
            for f in fields where f.required || !onlyRequired { o.append(f.name, example(f.schema)) }
            return .object(o)
        case .anyObject: return .object(JSONObject())
        case .any: return .null
        case .nullable(let inner): return example(inner)
        case .oneOf(let options): return options.first.map { example($0) } ?? .null
        case .named(_, let inner): return example(inner, required: onlyRequired)
        }
    }

    func testEveryMethodIsDeclaredOnceAndTheTableHasExactlyTheDeclarations() {
        let names = DomainMethods.declarations.map { $0.name }
        XCTAssertEqual(Set(names).count, names.count, "a method is declared twice")
        XCTAssertEqual(Set(DomainMethods.all().map(\.spec.name)), Set(names))
    }

    func testDecodingReadsExactlyThePublishedMembersInOrder() throws {
        for declaration in DomainMethods.declarations {
            let published = declaration.method.spec
            guard case .named(let fields) = published.params else {
                XCTFail("\(declaration.name): domain methods take named params")
                continue
            }
            let own = fields.filter { !(declaration.tenantScoped && $0.name == "tenantId") }
            for onlyRequired in [false, true] {
                guard case .object(let sample) = example(.object(own), required: onlyRequired) else { continue }
                XCTAssertNil(
                    published.validate(.object(sample)).failure,
                    "\(declaration.name): the example params do not validate")
                let read = try declaration.membersRead(decoding: sample)
                XCTAssertEqual(
                    read, own.map(\.name),
                    "\(declaration.name): decoding reads other members than the declaration publishes")
            }
        }
    }

    func testTenantScopedMethodsPublishTenantIdLast() {
        for declaration in DomainMethods.declarations where declaration.tenantScoped {
            guard case .named(let fields) = declaration.method.spec.params else { continue }
            XCTAssertEqual(fields.last?.name, "tenantId", declaration.name)
        }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
