import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The baselines the harness runs itself, in the same run: Python programs written to a work
/// directory, a throwaway virtual environment for `python-lsp-jsonrpc`, and a framing-only echo.
struct Baselines {
    let work: String

    /// A server built on PyPI's python-lsp-jsonrpc that answers `get_data` with the same bytes as ours.
    static let pylspServer = #"""
        import sys, json
        from pylsp_jsonrpc.streams import JsonRpcStreamReader, JsonRpcStreamWriter
        reader = JsonRpcStreamReader(sys.stdin.buffer)
        writer = JsonRpcStreamWriter(sys.stdout.buffer, separators=(",", ":"))
        def handle(msg):
            if "id" not in msg:
                if msg.get("method") == "exit":
                    sys.exit(0)
                return
            m = msg.get("method")
            if m == "initialize":
                writer.write({"jsonrpc": "2.0", "id": msg["id"], "result": {"capabilities": {}}})
            elif m == "shutdown":
                writer.write({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            else:
                writer.write({"jsonrpc": "2.0", "id": msg["id"], "result": ["hello", 5]})
        reader.listen(handle)
        """#

    /// SQLite (WAL, synchronous=FULL): the same migration as one transaction. Prints seconds.
    static let sqliteMigration = #"""
        import sqlite3, sys, time, os
        path, bulk, questions, moving = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix): os.remove(path + suffix)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE assistants (id TEXT PRIMARY KEY, space TEXT, name TEXT, model TEXT, kwargs TEXT, created_by TEXT, created_at INTEGER, updated_at INTEGER)")
        db.execute("CREATE INDEX assistants_model ON assistants(model)")
        db.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, model TEXT, at INTEGER)")
        db.execute("CREATE INDEX questions_model ON questions(model)")
        db.execute("BEGIN")
        rows = []
        for role in ("a", "c"):
            for k in range(bulk):
                rows.append(("%s-%d" % (role, k), "space-%d" % (k % 100), "assistant-%s-%d" % (role, k), role, '{"temperature":0.7}' if k % 3 == 0 else "{}", "bench", 0, 0))
        for k in range(100):
            rows.append(("d-%d" % k, "space-%d" % k, "assistant-d-%d" % k, "d", "{}", "bench", 0, 0))
        db.executemany("INSERT INTO assistants VALUES (?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO questions (model, at) VALUES (?,?)", (("a" if k % 2 == 0 else "c", k) for k in range(questions)))
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        t = time.perf_counter()
        db.execute("BEGIN")
        db.execute("UPDATE assistants SET model = 'b', kwargs = '{}', updated_at = 1 WHERE model = ?", (moving,))
        db.execute("COMMIT")
        sys.stdout.write(repr(time.perf_counter() - t))
        """#

    /// `json.loads` of the store's records as one JSON file. Prints seconds (best of 3).
    static let jsonLoads = #"""
        import json, sys, time
        data = open(sys.argv[1], "rb").read()
        best = None
        for _ in range(3):
            t = time.perf_counter(); json.loads(data); d = time.perf_counter() - t
            best = d if best is None or d < best else best
        sys.stdout.write(repr(best))
        """#

    /// `json.dumps` of one `models/list` result. Prints seconds per call.
    static let jsonDumps = #"""
        import json, sys, time
        value = json.loads(open(sys.argv[1], "rb").read())
        n = int(sys.argv[2])
        json.dumps(value, separators=(",", ":"))
        t = time.perf_counter()
        for _ in range(n): json.dumps(value, separators=(",", ":"))
        sys.stdout.write(repr((time.perf_counter() - t) / n))
        """#

    func write(_ name: String, _ text: String) throws -> String {
        let path = work + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Python with python-lsp-jsonrpc: a throwaway virtual environment in the work directory.
    func pylspPython() throws -> String {
        let venv = work + "/venv"
        if !FileManager.default.fileExists(atPath: venv + "/bin/python") {
            try shell("python3 -m venv '\(venv)' && '\(venv)/bin/pip' install -q python-lsp-jsonrpc >&2")
        }
        return venv + "/bin/python"
    }

    func python(_ script: String, _ args: [String]) throws -> Double {
        let path = try write("script-\(abs(script.hashValue)).py", script)
        defer { unlink(path) }  // the name is per process: do not leave one behind per run
        let out = try shell("python3 '\(path)' " + args.map { "'\($0)'" }.joined(separator: " "))
        guard let v = Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("python printed \(out)")
        }
        return v
    }

    /// Mean seconds of an fsync'd 4 KiB append.
    func fsyncAppend(times: Int) -> Double {
        let path = work + "/fsync-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0o600)
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0x61, count: 4096)
        let t = now()
        for _ in 0..<times {
            _ = block.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, 4096) }
            fsync(fd)
        }
        return (now() - t) / Double(times)
    }
}

/// The framing ceiling: reads `Content-Length` frames and writes the body straight back, no JSON.
enum EchoServer {
    static func run() -> Int32 {
        var buffer = [UInt8]()
        var start = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var out = [UInt8]()
        out.reserveCapacity(1 << 16)
        func flush() {
            var o = 0
            while o < out.count {
                let n = out.withUnsafeBytes { write(1, $0.baseAddress! + o, out.count - o) }
                if n <= 0 { return }
                o += n
            }
            out.removeAll(keepingCapacity: true)
        }
        while true {
            // Parse every whole frame in the buffer.
            while true {
                var i = start
                var headerEnd = -1
                while i + 3 < buffer.count {
                    if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                        headerEnd = i
                        break
                    }
                    i += 1
                }
                guard headerEnd >= 0 else { break }
                var length = 0
                for b in buffer[(start + 16)..<headerEnd] where b >= 48 && b <= 57 {
                    length = length * 10 + Int(b - 48)
                }
                guard buffer.count >= headerEnd + 4 + length else { break }
                out += buffer[start..<(headerEnd + 4 + length)]
                start = headerEnd + 4 + length
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            if !out.isEmpty { flush() }
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n <= 0 { return 0 }
            buffer += chunk[0..<n]
        }
    }
}
