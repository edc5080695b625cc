// swift-tools-version: 6.0
// model-lifecycle: a JSON-RPC 2.0 server (LSP framing over stdio) that keeps the lifecycle of AI models.
// No package dependencies: Foundation, Dispatch, Glibc and XCTest only.
import PackageDescription

let package = Package(
    name: "model-lifecycle",
    products: [
        .executable(name: "model-lifecycle", targets: ["model-lifecycle"]),
        .executable(name: "model-lifecycle-bench", targets: ["model-lifecycle-bench"]),
        .executable(name: "model-lifecycle-fuzz", targets: ["model-lifecycle-fuzz"]),
    ],
    targets: [
        // Pure: JSON values, the strict parser and writer, JSON-RPC messages and error codes. No I/O.
        .target(name: "JSONRPC"),
        // Byte framing (LSP base protocol) and the stdio channel: reader thread, single writer.
        .target(name: "Transport", dependencies: ["JSONRPC"]),
        // Pure: entities and every lifecycle rule as functions; no I/O.
        .target(name: "Domain", dependencies: ["JSONRPC"]),
        // The crash-safe journal store: records, snapshot, recovery, locking. Files only.
        .target(name: "Store"),
        // Session state machine, dispatch, parameter schemas, handlers.
        .target(name: "Server", dependencies: ["JSONRPC", "Transport", "Domain", "Store"]),
        // Command line parsing and process wiring; the executable only calls into it.
        .target(name: "Launcher", dependencies: ["Server", "Transport", "JSONRPC", "Domain", "Store"]),
        .executableTarget(name: "model-lifecycle", dependencies: ["Launcher"]),
        // The benchmark harness (never run by `swift test`): `swift run -c release model-lifecycle-bench`.
        .executableTarget(name: "model-lifecycle-bench", dependencies: ["JSONRPC", "Domain", "Store", "Server"]),
        // Fuzz targets: libFuzzer with `-sanitize=fuzzer -D FUZZING` (see RELIABILITY.md), or a
        // corpus replay with mutations otherwise (what CI runs).
        .executableTarget(
            name: "model-lifecycle-fuzz", dependencies: ["JSONRPC", "Transport", "Domain", "Store", "Server"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),

        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Domain"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "JSONRPC", "Domain"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "JSONRPC", "Launcher", "Store", "Domain"]),
        .testTarget(name: "EndToEndTests", dependencies: ["JSONRPC", "Domain", "Store", "Server", "model-lifecycle"]),
    ]
)
