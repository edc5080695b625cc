import Foundation
import XCTest
import JSONRPC

/// Runs the examples of `Protocol/` against the real binary, so the documentation cannot drift.
///
/// A transcript is a fenced block marked `transcript`. It runs in a fresh server on a fresh
/// store. Lines:
/// - `# actor {json}`: the session's actor (default: a sysadmin); must come first;
/// - `--> {json}`: a message sent as written, after replacing every string `"$name"` by the value
///   bound earlier;
/// - `<-- {json}`: a pattern for the answer to the last request (or, if it has a `method`, the
///   next notification of that method). Objects match when every listed member matches (others
///   may be present); arrays match element by element; `"$name"` binds the value the first time
///   and must equal it after; `"<uuid>"`, `"<timestamp>"` and `"<any>"` match by kind.
final class TranscriptTests: XCTestCase {
    struct Transcript {
        var file: String
        var line: Int
        var lines: [(Int, String)]
    }

    static var protocolDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol")
            .standardized
    }

    static func transcripts() throws -> [Transcript] {
        var files = [protocolDirectory.appendingPathComponent("README.md")]
        let methods = protocolDirectory.appendingPathComponent("methods")
        for f in try FileManager.default.contentsOfDirectory(atPath: methods.path).sorted() where f.hasSuffix(".md") {
            files.append(methods.appendingPathComponent(f))
        }
        var out: [Transcript] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            var current: Transcript?
            for (k, line) in text.components(separatedBy: "\n").enumerated() {
                if line.hasPrefix("```transcript") {
                    current = Transcript(file: file.lastPathComponent, line: k + 1, lines: [])
                    continue
                }
                if line.hasPrefix("```"), let t = current {
                    out.append(t)
                    current = nil
                    continue
                }
                if current != nil, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    current!.lines.append((k + 1, line))
                }
            }
        }
        return out
    }

    func testEveryMethodPageHasAnExecutedTranscript() throws {
        let pages = Set(try Self.transcripts().map(\.file))
        for page in [
            "registry.md", "configuration.md", "migration.md", "retirement.md", "policies.md", "lifecycle-sources.md",
            "README.md",
        ] {
            XCTAssertTrue(pages.contains(page), "\(page) has no ```transcript block")
        }
    }

    func testTheProtocolTranscriptsRunAsWritten() throws {
        let all = try Self.transcripts()
        XCTAssertGreaterThan(all.count, 4)
        for t in all { try run(t) }
    }

    // MARK: running

    private func run(_ t: Transcript) throws {
        var actor: JSONValue = Actors.sysadmin
        var lines = t.lines[...]
        var args: [String] = []
        while let first = lines.first, first.1.hasPrefix("# actor ") || first.1.hasPrefix("# args ") {
            if first.1.hasPrefix("# actor ") {
                actor = try JSONParser.parse(Array(first.1.dropFirst(8).utf8))
            } else {
                // Command-line arguments of the server; paths are the repository's, from its root.
                args = first.1.dropFirst(7).split(separator: " ").map(String.init)
            }
            lines = lines.dropFirst()
        }
        let root = Self.protocolDirectory.deletingLastPathComponent().path
        let server = try ServerProcess(args, currentDirectory: root)
        defer { server.stop() }
        var bindings: [String: JSONValue] = [:]
        var lastRequestID: JSONValue? = nil
        var opened = false
        for (number, line) in lines {
            let at = "\(t.file):\(number)"
            if line.hasPrefix("--> ") {
                let message = substitute(try parse(line.dropFirst(4), at), bindings)
                if !opened && message["method"] != "initialize" {
                    server.initialize(actor: actor)
                    _ = server.takeMessages()
                }
                opened = true
                if message["method"] == "initialize", case .object(var o) = message,
                    var params = o["params"]?.objectValue,
                    params["initializationOptions"] == nil
                {
                    params["initializationOptions"] = ["actor": actor]
                    o["params"] = .object(params)
                    server.send(.object(o))
                } else {
                    server.send(message)
                }
                lastRequestID = message["id"]
            } else if line.hasPrefix("<-- ") {
                let pattern = try parse(line.dropFirst(4), at)
                let actual: JSONValue
                if let method = pattern["method"] {
                    guard server.waitFor(timeout: 10, { $0["method"] == method }),
                        let n = server.take(where: { $0["method"] == method })
                    else {
                        XCTFail("\(at): no \(method) notification")
                        return
                    }
                    actual = n
                } else {
                    guard let id = lastRequestID, let (r, _) = server.response(to: id) else {
                        XCTFail("\(at): no response")
                        return
                    }
                    actual = r
                }
                if let why = match(pattern, actual, &bindings, path: "") {
                    XCTFail("\(at): \(why)\n  expected \(pattern)\n  actual   \(actual)")
                    return
                }
            } else if !line.hasPrefix("#") {
                XCTFail("\(at): a transcript line starts with -->, <-- or #: \(line)")
            }
        }
    }

    private func parse(_ text: Substring, _ at: String) throws -> JSONValue {
        do { return try JSONParser.parse(Array(text.utf8)) } catch {
            XCTFail("\(at): not JSON: \(error)")
            throw error
        }
    }

    private func substitute(_ v: JSONValue, _ b: [String: JSONValue]) -> JSONValue {
        switch v {
        case .string(let s) where s.hasPrefix("$"): return b[String(s.dropFirst())] ?? v
        case .array(let a): return .array(a.map { substitute($0, b) })
        case .object(let o):
            return .object(JSONObject(members: o.members.map { .init(key: $0.key, value: substitute($0.value, b)) }))
        default: return v
        }
    }

    /// nil when `actual` matches `pattern`; else why not.
    private func match(
        _ pattern: JSONValue, _ actual: JSONValue, _ b: inout [String: JSONValue], path: String
    ) -> String? {
        switch pattern {
        case .string(let s) where s.hasPrefix("$"):
            let name = String(s.dropFirst())
            if let bound = b[name] { return bound == actual ? nil : "\(path): $\(name) is \(bound), got \(actual)" }
            b[name] = actual
            return nil
        case .string("<any>"): return nil
        case .string("<uuid>"): return actual.stringValue.map { $0.count == 36 } == true ? nil : "\(path): not a uuid"
        case .string("<timestamp>"):
            return actual.stringValue?.hasSuffix("Z") == true ? nil : "\(path): not a timestamp"
        case .object(let o):
            guard case .object(let a) = actual else { return "\(path): not an object" }
            for m in o.members {
                guard let v = a[m.key] else { return "\(path)/\(m.key): missing" }
                if let why = match(m.value, v, &b, path: path + "/" + m.key) { return why }
            }
            return nil
        case .array(let p):
            guard case .array(let a) = actual, a.count == p.count else { return "\(path): array of another length" }
            for (k, (x, y)) in zip(p, a).enumerated() {
                if let why = match(x, y, &b, path: path + "/\(k)") { return why }
            }
            return nil
        default:
            return pattern.isSameValue(as: actual) ? nil : "\(path): expected \(pattern), got \(actual)"
        }
    }
}
