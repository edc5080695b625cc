import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every figure of issue 6, each measured side by side with its baseline.
struct Bench {
    let binary: String
    let selfPath: String
    let work: String
    let quick: Bool
    /// `--scale N`: the big-store figures (open, migrate, import) at N times their size.
    var scale = 1
    /// An administration URI of a PostgreSQL server for the PostgreSQL figures (`--postgres`).
    var postgresURI: String?
    var baselines: Baselines { Baselines(work: work) }
    private var bigStore: BenchStore?

    init(binary: String, selfPath: String, work: String, quick: Bool) {
        self.binary = binary
        self.selfPath = selfPath
        self.work = work
        self.quick = quick
    }

    var bulk: Int { (quick ? 5_000 : 50_000) * scale }
    var questions: Int { (quick ? 100_000 : 1_000_000) * scale }

    var figures: [(String, (inout Bench) throws -> [Row])] {
        [
            ("throughput", { try $0.throughput() }), ("list", { try $0.list() }), ("migrate", { try $0.migrate() }),
            ("open", { try $0.open() }), ("write", { try $0.write() }), ("scaling", { try $0.scaling() }),
            ("latency", { try $0.latency() }), ("modelcreate", { try $0.modelCreate() }),
            ("groupcommit", { try $0.groupCommit() }), ("import", { try $0.importing() }),
            ("postgres", { try $0.postgres() }),
        ]
    }

    static func admin(_ tenant: String) -> String {
        #"{"userId":"bench","name":"Bench","tenantId":"\#(tenant)","role":"admin"}"#
    }

    /// The big store (generated once per run), copied for each use that changes it.
    mutating func big() throws -> BenchStore {
        if let bigStore { return bigStore }
        FileHandle.standardError.write(
            Data("  generating the store: \(2 * bulk + 100) assistants, \(questions) questions…\n".utf8))
        let s = try BenchStore.generate(at: work + "/big", bulk: bulk, questions: questions)
        bigStore = s
        return s
    }

    // MARK: figures

    /// Pipes `n` framed requests through a server command; returns requests per second.
    func pipeRequests(_ argv: [String], n: Int, method: String = "get_data") throws -> Double {
        let child = try Child(argv)
        var reader = FrameReader(fd: child.output)
        // Only `initialize` (no `initialized`, so no greeting): the first frame back is its answer
        // (the echo returns the request itself), then exactly one frame per request.
        child.write(
            frame(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"processId":null,"capabilities":{}}}"#))
        _ = reader.next()
        var wire: [UInt8] = []
        wire.reserveCapacity(n * 64)
        for k in 1...n { wire += frame(#"{"jsonrpc":"2.0","id":\#(k),"method":"\#(method)"}"#) }
        let t = now()
        let writer = child.writeInBackground(wire)
        var seen = 0
        while seen < n, reader.skip() { seen += 1 }
        let d = now() - t
        _ = writer
        child.closeInput()
        while reader.next() != nil {}
        _ = child.wait()
        guard seen == n else { throw BenchError("\(argv[0]) answered \(seen) of \(n)") }
        return Double(n) / d
    }

    func throughput() throws -> [Row] {
        let n = quick ? 20_000 : 100_000
        let store = work + "/throughput-store"
        try? FileManager.default.removeItem(atPath: store)
        let python = try baselines.pylspPython()
        let peerScript = try baselines.write("pylsp_server.py", Baselines.pylspServer)
        // Each contender runs three times, interleaved, and keeps its best rate: on a shared
        // 2-core machine a single run of either side varied by ±30% (a neighbour's burst), which
        // made the ratio swing from 3.2 to 7.1 between consecutive runs.
        var ours = 0.0
        var ceiling = 0.0
        var peer = 0.0
        let rounds = 3
        for _ in 0..<rounds {
            ours = max(
                ours,
                try pipeRequests([binary, "--store", store, "--conformance-fixtures", "--log-level", "error"], n: n))
            ceiling = max(ceiling, try pipeRequests([selfPath, "echo-server"], n: n))
            peer = max(peer, try pipeRequests([python, peerScript], n: n))
        }
        func rate(_ r: Double) -> String { String(format: "%.0f req/s", r) }
        return [
            Row(
                figure: "trivial requests/s (\(n) piped, best of \(rounds))", value: rate(ours),
                baseline: "python-lsp-jsonrpc " + rate(peer),
                ratio: ours / peer, target: "≥ 5×", pass: ours / peer >= 5),
            Row(
                figure: "trivial requests/s vs framing ceiling", value: rate(ours),
                baseline: "Content-Length echo " + rate(ceiling),
                ratio: ours / ceiling, target: "≥ 0.5", pass: ours / ceiling >= 0.5),
        ]
    }

    func list() throws -> [Row] {
        let s = try BenchStore.generate(at: work + "/list-store", bulk: 0, questions: 0, extraModels: 495)
        let server = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
        let repeats = quick ? 100 : 500
        var body: [UInt8] = []
        for _ in 0..<10 { body = try server.call("models/list", #"{"limit":500}"#).1 }
        var lines: [UInt8] = []
        for k in 0..<repeats {
            lines += frame(#"{"jsonrpc":"2.0","id":\#(10_000 + k),"method":"models/list","params":{"limit":500}}"#)
        }
        let t = now()
        let writer = server.child.writeInBackground(lines)
        for k in 0..<repeats {
            guard server.reader.response(id: 10_000 + k) != nil else { throw BenchError("models/list unanswered") }
        }
        let ours = (now() - t) / Double(repeats)
        _ = writer
        _ = server.stop()
        // The result member alone, as Python would build and dump it.
        let text = String(decoding: body, as: UTF8.self)
        guard let r = text.range(of: "\"result\":") else { throw BenchError("no result") }
        let result = String(text[r.upperBound...].dropLast())
        let path = work + "/list-result.json"
        try result.write(toFile: path, atomically: true, encoding: .utf8)
        let dumps = try baselines.python(Baselines.jsonDumps, [path, String(repeats)])
        return [
            Row(
                figure: "models/list of 500 models, per request", value: ms(ours),
                baseline: "json.dumps of the result " + ms(dumps),
                ratio: ours / dumps, target: "≤ 0.33", pass: ours / dumps <= 1.0 / 3)
        ]
    }

    mutating func migrate() throws -> [Row] {
        let s = try big().copy(to: work + "/migrate-store")
        let server = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
        let (ours, _) = try server.call(
            "migration/execute",
            #"{"fromModelId":"\#(s.models["a"]!)","toModelId":"\#(s.models["b"]!)","entityTypes":["assistants"]}"#)
        // The answer is durable before the server updates its in-memory tables; the request after
        // it waits for that update. Shown for honesty, with no target of its own.
        let (next, _) = try server.call("models/list", "{}")
        // What the same request takes on an idle server, for the wait's share of its answer.
        var idle = Double.infinity
        for _ in 0..<5 { idle = min(idle, try server.call("models/list", "{}").0) }
        _ = server.stop()
        let sqlite = try baselines.python(
            Baselines.sqliteMigration, [work + "/migrate.sqlite", String(bulk), String(questions), "a"])
        return [
            Row(
                figure: "migrate \(bulk) assistants (store \(2 * bulk + 100), \(questions) questions)", value: ms(ours),
                baseline: "SQLite one-transaction UPDATE " + ms(sqlite), ratio: ours / sqlite, target: "≤ 0.2",
                pass: ours / sqlite <= 0.2),
            Row(
                figure: "  … the next request's answer after it (models/list; idle \(ms(idle)))", value: ms(next),
                baseline: "SQLite one-transaction UPDATE " + ms(sqlite), ratio: next / sqlite,
                target: "≤ 0.25", pass: next / sqlite <= 0.25),
        ]
    }

    mutating func open() throws -> [Row] {
        let s = try big()
        let json = work + "/records.json"
        try s.writeJSON(to: json)
        var best = Double.infinity
        var peak = 0
        for _ in 0..<3 {
            let t = now()
            let server = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
            try server.call("models/list", "{}")
            best = min(best, now() - t)
            peak = max(peak, server.stop())
        }
        let loads = try baselines.python(Baselines.jsonLoads, [json])
        let mb = Double(peak) / 1_048_576
        // Issue 15: 120 MB for the benchmark store, 600 MB at ten times it.
        let limit = scale == 1 ? 120.0 : 60.0 * Double(scale)
        let what = "(\(2 * bulk + 100) assistants, \(questions) questions)"
        return [
            Row(
                figure: "cold open \(what), spawn to first models/list", value: ms(best),
                baseline: "json.loads of the records " + ms(loads),
                ratio: best / loads, target: "≤ 0.15", pass: best / loads <= 0.15),
            Row(
                figure: "cold open peak memory", value: String(format: "%.0f MB", mb), baseline: "-",
                ratio: mb / limit, target: String(format: "≤ %.0f MB", limit), pass: mb <= limit),
        ]
    }

    func write() throws -> [Row] {
        let s = try BenchStore.generate(at: work + "/write-store", bulk: 0, questions: 0)
        let server = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
        let n = quick ? 100 : 500
        var total = 0.0
        for k in 0..<n {
            total += try server.call(
                "assistants/update", #"{"id":"\#(s.assistantsOnD[k % 100])","name":"renamed-\#(k)"}"#
            ).0
        }
        _ = server.stop()
        let ours = total / Double(n)
        let fsyncTime = baselines.fsyncAppend(times: n)
        return [
            Row(
                figure: "one small write (assistants/update), durable", value: ms(ours),
                baseline: "fsync'd 4 KiB append " + ms(fsyncTime),
                ratio: ours / fsyncTime, target: "≤ 3×", pass: ours / fsyncTime <= 3)
        ]
    }

    mutating func scaling() throws -> [Row] {
        func migrate100(_ s: BenchStore) throws -> Double {
            let server = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
            let t = try server.call(
                "migration/execute",
                #"{"fromModelId":"\#(s.models["d"]!)","toModelId":"\#(s.models["e"]!)","entityTypes":["assistants"]}"#
            ).0
            _ = server.stop()
            return t
        }
        let small = try BenchStore.generate(at: work + "/small-store", bulk: 450, questions: 0)
        var inSmall = Double.infinity
        var inBig = Double.infinity
        for k in 0..<3 {
            inSmall = min(inSmall, try migrate100(try small.copy(to: work + "/small-\(k)")))
            inBig = min(inBig, try migrate100(try big().copy(to: work + "/big-\(k)")))
        }
        return [
            Row(
                figure: "migrate 100 assistants: big store vs 1,000", value: ms(inBig),
                baseline: "store of 1,000 " + ms(inSmall),
                ratio: inBig / inSmall, target: "≤ 2×", pass: inBig / inSmall <= 2)
        ]
    }

    mutating func latency() throws -> [Row] {
        let s = try big().copy(to: work + "/latency-store")
        let reader = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
        let get = #"{"id":"\#(s.models["c"]!)"}"#
        var idle: [Double] = []
        for _ in 0..<(quick ? 500 : 2000) { idle.append(try reader.call("models/get", get).0) }
        // Other processes: a 50k migration and, at the same time, a compaction (`model-lifecycle
        // compact`), then a second migration and compaction.
        let writer = try Server(binary: binary, store: s.directory, actor: Self.admin(s.tenant))
        let binary = self.binary
        let compactions = Thread {
            for _ in 0..<2 {
                if let c = try? Child([binary, "compact", "--store", s.directory]) {
                    c.closeInput()
                    var r = FrameReader(fd: c.output)
                    while r.skip() {}
                    _ = c.wait()
                }
            }
        }
        let load = Thread {
            _ = try? writer.call(
                "migration/execute",
                #"{"fromModelId":"\#(s.models["a"]!)","toModelId":"\#(s.models["b"]!)","entityTypes":["assistants"]}"#)
            _ = try? writer.call(
                "migration/execute",
                #"{"fromModelId":"\#(s.models["c"]!)","toModelId":"\#(s.models["e"]!)","entityTypes":["assistants"]}"#)
        }
        var busy: [Double] = []
        let files = { (try? FileManager.default.contentsOfDirectory(atPath: s.directory)) ?? [] }
        let generationBefore = files().filter { $0.hasPrefix("snapshot-") }
        load.start()
        compactions.start()
        let deadline = now() + (quick ? 10 : 30)
        while now() < deadline {
            busy.append(try reader.call("models/get", get).0)
            if load.isFinished && compactions.isFinished && busy.count > 2000 { break }
        }
        while !load.isFinished || !compactions.isFinished { usleep(10_000) }
        _ = writer.stop()
        _ = reader.stop()
        let compacted = files().filter { $0.hasPrefix("snapshot-") } != generationBefore
        let p50 = percentile(idle, 0.5)
        let p99 = percentile(busy, 0.99)
        return [
            Row(
                figure: "models/get p99 under migration\(compacted ? " + compaction" : " (no compaction!)") elsewhere",
                value: ms(p99),
                baseline: "idle p50 " + ms(p50) + " (\(busy.count) requests)", ratio: p99 / p50, target: "≤ 10×",
                pass: p99 / p50 <= 10)
        ]
    }
}
