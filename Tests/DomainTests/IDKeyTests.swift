import XCTest

@testable import Domain

/// An id key is equal to another exactly when their bytes are, hashes every byte it holds, and
/// keeps a dictionary that behaves as one keyed by the strings themselves.
final class IDKeyTests: XCTestCase {
    private let seeds = [0, 1, -1, 0x5EED, Int.max, Int.min]

    func testEqualIdsAreEqualKeysWithEqualHashesUnderEverySeed() {
        for id in ["", "a", "00000000-0000-4000-8000-000000000001", String(repeating: "x", count: 100)] {
            // A second copy made apart from the first, so it does not share its storage.
            let copy = String(decoding: Array(id.utf8), as: UTF8.self)
            XCTAssertEqual(IDKey(id), IDKey(copy))
            for seed in seeds {
                XCTAssertEqual(IDKey(id)._rawHashValue(seed: seed), IDKey(copy)._rawHashValue(seed: seed))
            }
            XCTAssertEqual(IDKey(id).hashValue, IDKey(copy).hashValue)
        }
    }

    func testKeysDifferWhenTheirBytesDoEvenWhereStringsCallThemEqual() {
        XCTAssertNotEqual(IDKey("a"), IDKey("b"))
        XCTAssertNotEqual(IDKey("ab"), IDKey("abc"))
        // "é" precomposed and decomposed: one `String`, two byte sequences, two keys.
        XCTAssertEqual("\u{E9}", "e\u{301}")
        XCTAssertNotEqual(IDKey("\u{E9}"), IDKey("e\u{301}"))
    }

    /// Changing any one byte of an id of any length up to 40 changes its hash: no byte is left
    /// out by the 16-byte blocks, the overlapping last block or the short tail.
    func testEveryByteOfEveryLengthChangesTheHash() {
        let base = Array("00000000-0000-4000-8000-000000000001abcd".utf8)
        for length in 0...base.count {
            let id = Array(base.prefix(length))
            for seed in [0, 0x5EED] {
                var hashes: Set<Int> = [IDKey(String(decoding: id, as: UTF8.self))._rawHashValue(seed: seed)]
                for position in 0..<length {
                    for byte in [UInt8(ascii: "0"), UInt8(ascii: "f"), UInt8(ascii: "-"), 0x7F]
                    where byte != id[position] {
                        var changed = id
                        changed[position] = byte
                        let h = IDKey(String(decoding: changed, as: UTF8.self))._rawHashValue(seed: seed)
                        XCTAssertTrue(
                            hashes.insert(h).inserted, "length \(length), byte \(position) changed to \(byte)")
                    }
                }
            }
        }
    }

    func testTheSeedChangesTheHash() {
        let id = IDKey("00000000-0000-4000-8000-000000000001")
        XCTAssertEqual(Set(seeds.map { id._rawHashValue(seed: $0) }).count, seeds.count)
    }

    /// 20,000 random inserts, updates, removals and lookups on a dictionary of keys and on one of
    /// strings give the same answers and end with the same contents.
    func testADictionaryOfKeysBehavesAsOneOfStrings() {
        var rng = SplitMix64(seed: 15)
        var keyed: [IDKey: Int] = [:]
        var plain: [String: Int] = [:]
        for step in 0..<20_000 {
            let n = Int(rng.next() % 3_000)
            let id = n % 2 == 0 ? "00000000-0000-4000-8000-\(String(format: "%012x", n))" : "short-\(n)"
            switch rng.next() % 4 {
            case 0, 1: XCTAssertEqual(keyed.updateValue(step, forKey: IDKey(id)), plain.updateValue(step, forKey: id))
            case 2: XCTAssertEqual(keyed.removeValue(forKey: IDKey(id)), plain.removeValue(forKey: id))
            default: XCTAssertEqual(keyed[IDKey(id)], plain[id])
            }
        }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: keyed.map { ($0.key.string, $0.value) }), plain)
    }
}
