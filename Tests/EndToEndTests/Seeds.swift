import Domain
import Foundation

/// A generator for a randomized test: seeded from `$TEST_SEED`, else at random, and the seed is
/// printed so a failing run can be repeated exactly.
func seededGenerator(_ test: String = #function) -> SplitMix64 {
    let seed = ProcessInfo.processInfo.environment["TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...1 << 40)
    print("\(test): seed \(seed) (TEST_SEED=\(seed) repeats it)")
    return SplitMix64(seed: seed)
}
