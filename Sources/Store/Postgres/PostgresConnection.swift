#if canImport(Glibc)
import Glibc
#endif

/// One connection to PostgreSQL through libpq: statements with parameters, results read as text or
/// binary, errors typed by what the caller can do about them.
///
/// Threading: one thread at a time (libpq connections are not shared between threads).
public final class PostgresConnection {
    /// A failed statement or connection.
    public enum Failure: Error, CustomStringConvertible {
        /// The connection is gone or was never made: the statement's outcome is unknown when it was
        /// a COMMIT.
        case connection(String)
        /// The server refused the statement (SQLSTATE and message); the connection is still usable.
        case statement(sqlState: String, message: String)

        public var description: String {
            switch self {
            case .connection(let m): m
            case .statement(let state, let m): "\(m) (SQLSTATE \(state))"
            }
        }
    }

    /// A statement parameter: text, or binary bytes (bytea).
    public enum Param {
        case text(String)
        case binary([UInt8])
        case null
    }

    /// The rows of a result, read by row and column; the result is freed with the value.
    public final class Rows {
        private let pq: LibPQ
        private let result: LibPQ.Result

        fileprivate init(pq: LibPQ, result: LibPQ.Result) {
            self.pq = pq
            self.result = result
        }

        deinit { pq.clear(result) }

        /// How many rows.
        public var count: Int { Int(pq.ntuples(result)) }
        /// Whether the value is SQL NULL.
        public func isNull(_ row: Int, _ column: Int) -> Bool { pq.getisnull(result, Int32(row), Int32(column)) != 0 }
        /// A value as text (text results).
        public func text(_ row: Int, _ column: Int) -> String {
            guard let p = pq.getvalue(result, Int32(row), Int32(column)) else { return "" }
            return String(cString: p)
        }
        /// A value as an integer (text results).
        public func int(_ row: Int, _ column: Int) -> Int64? { Int64(text(row, column)) }
        /// A value's bytes (binary results).
        public func bytes(_ row: Int, _ column: Int) -> [UInt8] {
            let n = Int(pq.getlength(result, Int32(row), Int32(column)))
            guard n > 0, let p = pq.getvalue(result, Int32(row), Int32(column)) else { return [] }
            return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
        }
        /// A bytea value of a text result (`\\x` and hex digits).
        public func hexBytes(_ row: Int, _ column: Int) -> [UInt8]? {
            let n = Int(pq.getlength(result, Int32(row), Int32(column)))
            guard n >= 2, n % 2 == 0, let p = pq.getvalue(result, Int32(row), Int32(column)) else { return nil }
            return p.withMemoryRebound(to: UInt8.self, capacity: n) { b -> [UInt8]? in
                guard b[0] == UInt8(ascii: "\\"), b[1] == UInt8(ascii: "x") else { return nil }
                var out: [UInt8] = []
                out.reserveCapacity(n / 2 - 1)
                var i = 2
                while i < n {
                    guard let hi = Self.nibble(b[i]), let lo = Self.nibble(b[i + 1]) else { return nil }
                    out.append(hi << 4 | lo)
                    i += 2
                }
                return out
            }
        }

        private static func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        /// A binary int8 value (big-endian).
        public func binaryInt(_ row: Int, _ column: Int) -> Int64 {
            bytes(row, column).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        }
    }

    /// A connection fault a test injects at one statement.
    enum InjectedFault {
        /// The connection breaks before the statement is sent.
        case lostBeforeSending
        /// The statement runs (and commits, if it does) but its answer is lost with the connection.
        case lostAfterRunning
    }

    /// Called with every statement before it is sent (tests: the store's protocol under a
    /// broken connection at each statement); nil, or a nil answer, runs it normally.
    var inject: ((String) -> InjectedFault?)?

    private let pq: LibPQ
    private var conn: LibPQ.Conn?
    /// Names of the statements prepared on this connection.
    private var prepared: Set<String> = []

    /// Connects with `uri` (any libpq connection string or URI); `defaults` are keywords the URI may
    /// override (connect_timeout, application_name, …).
    public init(uri: String, defaults: [(String, String)]) throws(Failure) {
        switch LibPQ.shared {
        case .failure(let e): throw .connection(e.reason)
        case .success(let lib): pq = lib
        }
        let keywords = defaults.map(\.0) + ["dbname"]
        let values = defaults.map(\.1) + [uri]
        let c = Self.withCStrings(keywords) { k in
            Self.withCStrings(values) { v in pq.connectdbParams(k, v, 1) }
        }
        conn = c
        guard let c, pq.status(c) == LibPQ.connectionOK else {
            let message = Self.trimmed(c.flatMap { pq.errorMessage($0) }.map { String(cString: $0) } ?? "out of memory")
            pq.finish(c)
            conn = nil
            throw .connection(message)
        }
    }

    deinit { close() }

    /// Closes the connection (later statements fail as `.connection`).
    public func close() {
        if let conn { pq.finish(conn) }
        conn = nil
        prepared.removeAll()
    }

    /// The process id of the server backend serving this connection (0 when closed).
    public var backendPID: Int32 { conn.map { pq.backendPID($0) } ?? 0 }

    /// Whether the connection is open and was fine after its last statement.
    public var isOpen: Bool { conn.map { pq.status($0) == LibPQ.connectionOK } ?? false }

    /// Waits up to `timeoutMillis` for notifications of channels this connection LISTENs to;
    /// returns their payloads (none when the time ran out). A broken connection throws.
    public func notifications(waitingMillis timeoutMillis: Int32) throws(Failure) -> [String] {
        guard let conn, pq.status(conn) == LibPQ.connectionOK else { throw .connection("the connection is closed") }
        var payloads = takeNotifications(conn)
        if !payloads.isEmpty { return payloads }
        var fd = pollfd(fd: pq.socket(conn), events: Int16(POLLIN), revents: 0)
        guard fd.fd >= 0 else { throw .connection("the connection has no socket") }
        let ready = poll(&fd, 1, timeoutMillis)
        if ready < 0 && errno != EINTR { throw .connection("poll failed: errno \(errno)") }
        guard ready > 0 else { return [] }
        guard pq.consumeInput(conn) == 1 else {
            throw .connection(pq.errorMessage(conn).map { String(cString: $0) } ?? "the connection was lost")
        }
        payloads = takeNotifications(conn)
        if pq.status(conn) != LibPQ.connectionOK { throw .connection("the connection was lost") }
        return payloads
    }

    /// The payloads of the notifications libpq has read (`PGnotify`: relname, be_pid, extra, next).
    private func takeNotifications(_ conn: LibPQ.Conn) -> [String] {
        var out: [String] = []
        while let n = pq.notifies(conn) {
            let extra = n.load(fromByteOffset: 16, as: UnsafePointer<CChar>?.self)
            out.append(extra.map { String(cString: $0) } ?? "")
            pq.freemem(n)
        }
        return out
    }

    /// Runs one statement; `binaryResults` asks for binary column values.
    @discardableResult
    public func execute(_ sql: String, _ params: [Param] = [], binaryResults: Bool = false) throws(Failure) -> Rows {
        try injecting(sql) { () throws(Failure) in try executeNow(sql, params, binaryResults: binaryResults) }
    }

    /// Runs `body` unless a fault is injected at `sql`.
    private func injecting(_ sql: String, _ body: () throws(Failure) -> Rows) throws(Failure) -> Rows {
        switch inject?(sql) {
        case nil: return try body()
        case .lostBeforeSending?:
            close()
            throw .connection("injected: the connection broke before the statement was sent")
        case .lostAfterRunning?:
            _ = try? body()
            close()
            throw .connection("injected: the connection broke before the answer arrived")
        }
    }

    private func executeNow(_ sql: String, _ params: [Param], binaryResults: Bool) throws(Failure) -> Rows {
        guard let conn else { throw .connection("not connected") }
        let result = Self.withParams(params) { values, lengths, formats in
            pq.execParams(conn, sql, Int32(params.count), nil, values, lengths, formats, binaryResults ? 1 : 0)
        }
        return try check(result, conn)
    }

    private func check(_ result: LibPQ.Result?, _ conn: LibPQ.Conn) throws(Failure) -> Rows {
        guard let result else {
            throw .connection(Self.trimmed(pq.errorMessage(conn).map { String(cString: $0) } ?? "no result"))
        }
        let status = pq.resultStatus(result)
        if status == LibPQ.commandOK || status == LibPQ.tuplesOK { return Rows(pq: pq, result: result) }
        let sqlState = pq.resultErrorField(result, LibPQ.diagSQLState).map { String(cString: $0) }
        let primary = pq.resultErrorField(result, LibPQ.diagMessagePrimary).map { String(cString: $0) }
        let message = Self.trimmed(primary ?? pq.resultErrorMessage(result).map { String(cString: $0) } ?? "failed")
        pq.clear(result)
        // No SQLSTATE, or a connection-class one (08xxx), or the server shutting down (57P0x):
        // the connection cannot be trusted with the next statement.
        guard let sqlState, !sqlState.hasPrefix("08"), !sqlState.hasPrefix("57P"), pq.status(conn) == LibPQ.connectionOK
        else {
            throw .connection(message)
        }
        throw .statement(sqlState: sqlState, message: message)
    }

    /// Runs a statement prepared on this connection under `name` (prepared from `sql` on first
    /// use): parsed and planned once, not on every call.
    public func execute(
        prepared name: String, _ sql: String, _ params: [Param] = [], binaryResults: Bool = false
    ) throws(Failure) -> Rows {
        try injecting(sql) { () throws(Failure) in
            try executePreparedNow(name, sql, params, binaryResults: binaryResults)
        }
    }

    private func executePreparedNow(
        _ name: String, _ sql: String, _ params: [Param], binaryResults: Bool
    ) throws(Failure) -> Rows {
        guard let conn else { throw .connection("not connected") }
        if !prepared.contains(name) {
            _ = try check(pq.prepare(conn, name, sql, Int32(params.count), nil), conn)
            prepared.insert(name)
        }
        let result = Self.withParams(params) { values, lengths, formats in
            pq.execPrepared(conn, name, Int32(params.count), values, lengths, formats, binaryResults ? 1 : 0)
        }
        return try check(result, conn)
    }

    /// Runs several statements in one round trip (the simple query protocol: no parameters, text
    /// results); the rows are the last statement's. The first failing statement ends the run.
    public func executeScript(_ sql: String) throws(Failure) -> Rows {
        try injecting(sql) { () throws(Failure) in
            guard let conn else { throw .connection("not connected") }
            return try check(pq.exec(conn, sql), conn)
        }
    }

    /// Runs a statement whose rows are not needed.
    public func run(_ sql: String, _ params: [Param] = []) throws(Failure) {
        _ = try execute(sql, params)
    }

    private static func trimmed(_ s: String) -> String {
        var out = Substring(s)
        while let last = out.last, last == "\n" || last == " " { out = out.dropLast() }
        return String(out)
    }

    private static func withCStrings<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { buf in
            // Never empty (the nil terminator), so the base address is present.
            guard let base = buf.baseAddress else { preconditionFailure("an empty C string array") }
            return body(base)
        }
    }

    private static func withParams<R>(
        _ params: [Param],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for p in params {
            switch p {
            case .text(let s):
                buffers.append(strdup(s))
                lengths.append(0)
                formats.append(0)
            case .binary(let b):
                let buf = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, b.count))
                b.withUnsafeBytes { raw in
                    if let base = raw.baseAddress {
                        UnsafeMutableRawPointer(buf).copyMemory(from: base, byteCount: b.count)
                    }
                }
                buffers.append(buf)
                lengths.append(Int32(b.count))
                formats.append(1)
            case .null:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            }
        }
        defer {
            for (i, b) in buffers.enumerated() {
                guard let b else { continue }
                if case .binary = params[i] { b.deallocate() } else { free(b) }
            }
        }
        let values: [UnsafePointer<CChar>?] = buffers.map { $0.map { UnsafePointer($0) } }
        return values.withUnsafeBufferPointer { v in
            lengths.withUnsafeBufferPointer { l in
                formats.withUnsafeBufferPointer { f in body(v.baseAddress, l.baseAddress, f.baseAddress) }
            }
        }
    }
}
