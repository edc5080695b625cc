import Foundation
#if canImport(Glibc)
import Glibc
#endif

#if FUZZING
/// libFuzzer's entry point (built with `-sanitize=fuzzer -D FUZZING`); the target is chosen by
/// `$FUZZ_TARGET` (frames, json, dispatch).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let target = FuzzEntry.target
    target(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// SwiftPM names an executable's entry point after its target; under libFuzzer it hands control
/// to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("model_lifecycle_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in
        FuzzEntry.target(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data!, count: size)))
        return 0
    }
}

enum FuzzEntry {
    nonisolated(unsafe) static let target: ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "json"
        guard let t = FuzzTargets.named(name) else { fatalError("FUZZ_TARGET must be frames, json or dispatch") }
        return t
    }()
}
#else
/// Without libFuzzer: `model-lifecycle-fuzz TARGET [--mutations N] CORPUS_DIR|FILE…` runs every
/// corpus input through the target, then N mutations of them (a quick smoke for CI).
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, let target = FuzzTargets.named(name) else {
            FileHandle.standardError.write(
                Data("usage: model-lifecycle-fuzz frames|json|dispatch [--mutations N] CORPUS…\n".utf8))
            exit(64)
        }
        var mutations = 0
        var paths: [String] = []
        var rest = args.dropFirst()
        while let a = rest.popFirst() {
            if a == "--mutations", let n = rest.popFirst().flatMap(Int.init) { mutations = n } else { paths.append(a) }
        }
        var inputs: [[UInt8]] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else { continue }
            let files =
                isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []).sorted().map { p + "/" + $0 } : [p]
            for f in files { if let d = FileManager.default.contents(atPath: f) { inputs.append([UInt8](d)) } }
        }
        for input in inputs { target(input) }
        var rng = SystemRandomNumberGenerator()
        for k in 0..<mutations where !inputs.isEmpty {
            var x = inputs[k % inputs.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !x.isEmpty:
                    x[Int.random(in: 0..<x.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 1: x.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...x.count, using: &rng))
                case 2 where !x.isEmpty: x.remove(at: Int.random(in: 0..<x.count, using: &rng))
                default: x += x.prefix(Int.random(in: 0...min(16, x.count), using: &rng))
                }
            }
            target(x)
        }
        FileHandle.standardOutput.write(
            Data("\(name): \(inputs.count) corpus inputs and \(mutations) mutations, no property violated\n".utf8))
    }
}
#endif
