import Foundation

/// `models/create` in a tenant of 500 models and in one of 50,000 (5,000 with `--quick`), same
/// process, same store (issue 15: a create must not cost more in a big tenant).
extension Bench {
    mutating func modelCreate() throws -> [Row] {
        let store = work + "/model-create-store"
        try? FileManager.default.removeItem(atPath: store)
        let root = try Server(
            binary: binary, store: store, actor: #"{"userId":"bench","name":"Bench","role":"sysadmin"}"#,
            extra: ["--catalog", "none"])
        let (_, tenantBody) = try root.call("tenants/create", #"{"name":"Big"}"#)
        _ = root.stop()
        guard let tenant = Self.member("id", of: tenantBody) else { throw BenchError("no tenant id") }
        let s = try Server(binary: binary, store: store, actor: Self.admin(tenant), extra: ["--catalog", "none"])
        let (_, providerBody) = try s.call("providers/create", #"{"name":"P","providerType":"openai"}"#)
        guard let provider = Self.member("id", of: providerBody) else { throw BenchError("no provider id") }
        var made = 0
        func create(_ n: Int) throws -> Double {
            var total = 0.0
            for _ in 0..<n {
                total += try s.call(
                    "models/create", #"{"kind":"completion","name":"m-\#(made)","providerId":"\#(provider)"}"#
                ).0
                made += 1
            }
            return total / Double(n)
        }
        let window = 200
        _ = try create(500 - made)
        let small = try create(window)
        let bigSize = quick ? 5_000 : 50_000
        _ = try create(bigSize - made)
        let big = try create(window)
        _ = s.stop()
        return [
            Row(
                figure: "models/create at \(bigSize) models vs at 500", value: ms(big),
                baseline: "at 500 models " + ms(small), ratio: big / small, target: "≤ 1.5×", pass: big / small <= 1.5)
        ]
    }

    /// A top-level string member of a JSON-RPC response body's result.
    static func member(_ name: String, of body: [UInt8]) -> String? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let r = o["result"] as? [String: Any]
        else { return nil }
        return r[name] as? String
    }
}
