// The benchmark harness: `swift run -c release model-lifecycle-bench [--quick]`.
// Generates its data deterministically, measures the real `model-lifecycle` binary over pipes and
// runs every baseline itself in the same run, then prints one table. Never part of `swift test`.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "echo-server" { exit(EchoServer.run()) }
if arguments.contains("--help") {
    print(
        """
        model-lifecycle-bench [--quick] [--scale N] [--binary PATH] [--work DIR] [--only NAME] [--postgres URI]
          Measures the release model-lifecycle binary against baselines run in the same process.
          --quick     smaller data and fewer repetitions (under a minute)
          --scale     the big-store figures (open, migrate, import, PostgreSQL migrate) at N times their size (default 1)
          --binary    the server to measure (default: model-lifecycle next to this executable)
          --work      scratch directory (default: $TMPDIR/model-lifecycle-bench)
          --only      run these figures (comma-separated): throughput, list, migrate, open, write, scaling,
                      latency, modelcreate,
                      groupcommit, import, postgres
          --postgres  a PostgreSQL administration URI for the postgres figures (default
                      $MODEL_LIFECYCLE_BENCH_POSTGRES; without one they are skipped)
        """)
    exit(0)
}
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let quick = arguments.contains("--quick")
let selfPath = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
let binary = option("--binary") ?? selfPath.deletingLastPathComponent().appendingPathComponent("model-lifecycle").path
let work = option("--work") ?? (NSTemporaryDirectory() + "model-lifecycle-bench")
try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
let only = option("--only")

// The servers measured get no catalog, whatever this machine has (an installed litellm, ../shared
// beside the checkout): the generated stores' model names are their own, and a catalog found by
// discovery would date them.
setenv("MODEL_LIFECYCLE_CATALOG", "none", 1)
var bench = Bench(binary: binary, selfPath: selfPath.path, work: work, quick: quick)
bench.scale = option("--scale").flatMap(Int.init).map { max(1, $0) } ?? 1
bench.postgresURI = option("--postgres") ?? ProcessInfo.processInfo.environment["MODEL_LIFECYCLE_BENCH_POSTGRES"]
var rows: [Row] = []
let started = now()
for (name, run) in bench.figures where only == nil || only!.split(separator: ",").contains(Substring(name)) {
    FileHandle.standardError.write(Data("· \(name)…\n".utf8))
    do { rows += try run(&bench) } catch {
        rows.append(Row(figure: name, value: "error", baseline: "\(error)", ratio: .nan, target: "", pass: false))
    }
}
let widths = [46, 16, 34, 8, 8, 5]
func line(_ cells: [String]) -> String {
    zip(cells, widths).map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }.joined(
        separator: " | ")
}
print(line(["figure", "value", "baseline (same run)", "ratio", "target", "pass"]))
print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-"))
for r in rows {
    print(
        line([
            r.figure, r.value, r.baseline, r.ratio.isNaN ? "-" : String(format: "%.2f", r.ratio), r.target,
            r.pass ? "yes" : "NO",
        ]))
}
print(String(format: "\n%@ run, %.0f s, %@", quick ? "quick" : "full", now() - started, binary))
exit(rows.allSatisfy(\.pass) ? 0 : 1)
