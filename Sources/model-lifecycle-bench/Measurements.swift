import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One line of the results table.
struct Row {
    var figure: String
    var value: String
    var baseline: String
    var ratio: Double
    /// Human form of the target, e.g. `≥ 5×`.
    var target: String
    var pass: Bool
}

/// A `model-lifecycle` process with a session open. `@unchecked Sendable` without a lock: it is
/// used by one thread of the harness at a time.
final class Server: @unchecked Sendable {
    let child: Child
    var reader: FrameReader
    private var nextId = 100

    init(binary: String, store: String, actor: String, extra: [String] = []) throws {
        child = try Child([binary, "--store", store, "--log-level", "error"] + extra)
        reader = FrameReader(fd: child.output)
        let initialize =
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{},"initializationOptions":{"actor":\#(actor)}}}"#
        child.write(frame(initialize) + frame(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#))
        guard reader.response(id: 1) != nil else { throw BenchError("the server did not answer initialize") }
    }

    /// Sends one request and waits for its response; returns (seconds, body).
    @discardableResult
    func call(_ method: String, _ params: String) throws -> (Double, [UInt8]) {
        nextId += 1
        let id = nextId
        let t = now()
        child.write(frame(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#))
        guard let body = reader.response(id: id) else { throw BenchError("no answer to \(method)") }
        let d = now() - t
        if String(decoding: body.prefix(200), as: UTF8.self).contains("\"error\"") {
            throw BenchError("\(method) failed: \(String(decoding: body.prefix(400), as: UTF8.self))")
        }
        return (d, body)
    }

    /// Shuts down; returns peak memory in bytes: the process's own high-water mark (`VmHWM`), read
    /// before it exits. (`wait4`'s `ru_maxrss` would also count the harness: a spawned child keeps
    /// the parent's high-water mark from before its `exec`.)
    func stop() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)) ?? ""
        let hwm =
            status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        child.write(
            frame(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#) + frame(#"{"jsonrpc":"2.0","method":"exit"}"#))
        child.closeInput()
        while reader.next() != nil {}
        _ = child.wait()
        return hwm * 1024
    }
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
}

func ms(_ s: Double) -> String { String(format: s < 0.01 ? "%.3f ms" : "%.1f ms", s * 1000) }
