#if canImport(Glibc)
import Glibc
#endif

/// The handful of libpq functions the PostgreSQL store uses, loaded at run time with `dlopen`.
///
/// Nothing of PostgreSQL is needed to build or to run the default tests: the library is looked for
/// only when a `postgresql://` store is opened, and its absence is a `StoreError.cannotOpen` that
/// names the Debian package.
struct LibPQ: @unchecked Sendable {
    // @unchecked: only immutable C function pointers, loaded once; libpq's functions are thread-safe
    // for distinct connections, and each connection is used by one thread.
    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer

    let connectdbParams:
        @convention(c) (
            UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32
        ) -> Conn?
    let status: @convention(c) (Conn?) -> Int32
    let errorMessage: @convention(c) (Conn?) -> UnsafePointer<CChar>?
    let finish: @convention(c) (Conn?) -> Void
    let execParams:
        @convention(c) (
            Conn?, UnsafePointer<CChar>?, Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
            UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
        ) -> Result?
    let exec: @convention(c) (Conn?, UnsafePointer<CChar>?) -> Result?
    let prepare:
        @convention(c) (Conn?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32, UnsafePointer<UInt32>?) -> Result?
    let execPrepared:
        @convention(c) (
            Conn?, UnsafePointer<CChar>?, Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?, Int32
        ) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorField: @convention(c) (Result?, Int32) -> UnsafePointer<CChar>?
    let resultErrorMessage: @convention(c) (Result?) -> UnsafePointer<CChar>?
    let ntuples: @convention(c) (Result?) -> Int32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafePointer<CChar>?
    let getlength: @convention(c) (Result?, Int32, Int32) -> Int32
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let clear: @convention(c) (Result?) -> Void
    let backendPID: @convention(c) (Conn?) -> Int32
    // For LISTEN (the wake of idle processes): the socket to poll, reading what arrived, and the
    // notifications it held (`PGnotify *`, freed with `PQfreemem`).
    let socket: @convention(c) (Conn?) -> Int32
    let consumeInput: @convention(c) (Conn?) -> Int32
    let notifies: @convention(c) (Conn?) -> UnsafeMutableRawPointer?
    let freemem: @convention(c) (UnsafeMutableRawPointer?) -> Void

    // libpq's enum values (libpq-fe.h), stable across releases.
    static let connectionOK: Int32 = 0
    static let commandOK: Int32 = 1
    static let tuplesOK: Int32 = 2
    /// PG_DIAG_SQLSTATE.
    static let diagSQLState: Int32 = 0x43
    /// PG_DIAG_MESSAGE_PRIMARY.
    static let diagMessagePrimary: Int32 = 0x4D

    /// The library, loaded on first use; nil with the reason when it cannot be.
    static let shared: Swift.Result<LibPQ, LoadError> = load()

    /// Why libpq could not be loaded.
    struct LoadError: Error, Sendable {
        var reason: String
    }

    private static func load() -> Swift.Result<LibPQ, LoadError> {
        var handle: UnsafeMutableRawPointer?
        var lastError = ""
        // MODEL_LIFECYCLE_LIBPQ names another library file (tests use it to stand for a machine without libpq).
        let override = getenv("MODEL_LIFECYCLE_LIBPQ").map { String(cString: $0) }
        for name in override.map({ [$0] }) ?? ["libpq.so.5", "libpq.so"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
            lastError = dlerror().map { String(cString: $0) } ?? "not found"
        }
        guard let handle else {
            return .failure(
                LoadError(
                    reason:
                        "libpq is not installed (\(lastError)); install Debian's libpq5 package (apt-get install libpq5)"
                ))
        }
        let names = [
            "PQconnectdbParams", "PQstatus", "PQerrorMessage", "PQfinish", "PQexecParams", "PQexec", "PQprepare",
            "PQexecPrepared", "PQresultStatus",
            "PQresultErrorField", "PQresultErrorMessage", "PQntuples", "PQgetvalue", "PQgetlength", "PQgetisnull",
            "PQclear", "PQbackendPID", "PQsocket", "PQconsumeInput", "PQnotifies", "PQfreemem",
        ]
        let missing = names.filter { dlsym(handle, $0) == nil }
        guard missing.isEmpty else {
            return .failure(LoadError(reason: "the libpq found lacks \(missing.joined(separator: ", "))"))
        }
        // Every symbol is present (checked above), so no function pointer below is null.
        func symbol<F>(_ name: String) -> F { unsafeBitCast(dlsym(handle, name), to: F.self) }
        let lib = LibPQ(
            connectdbParams: symbol("PQconnectdbParams"), status: symbol("PQstatus"),
            errorMessage: symbol("PQerrorMessage"), finish: symbol("PQfinish"), execParams: symbol("PQexecParams"),
            exec: symbol("PQexec"), prepare: symbol("PQprepare"),
            execPrepared: symbol("PQexecPrepared"),
            resultStatus: symbol("PQresultStatus"), resultErrorField: symbol("PQresultErrorField"),
            resultErrorMessage: symbol("PQresultErrorMessage"), ntuples: symbol("PQntuples"),
            getvalue: symbol("PQgetvalue"), getlength: symbol("PQgetlength"), getisnull: symbol("PQgetisnull"),
            clear: symbol("PQclear"), backendPID: symbol("PQbackendPID"), socket: symbol("PQsocket"),
            consumeInput: symbol("PQconsumeInput"), notifies: symbol("PQnotifies"), freemem: symbol("PQfreemem"))
        return .success(lib)
    }
}
