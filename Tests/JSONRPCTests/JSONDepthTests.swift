import XCTest
@testable import JSONRPC

/// The depth of a record, found without parsing it, is the depth its parse has.
final class JSONDepthTests: XCTestCase {
    /// The byte-by-byte count the word-at-a-time one must agree with.
    private func reference(_ bytes: [UInt8]) -> Int {
        var (depth, deepest, inString, escaped) = (0, 0, false, false)
        for b in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if b == 0x5C {
                    escaped = true
                } else if b == 0x22 {
                    inString = false
                }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                deepest = max(deepest, depth)
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return deepest
    }

    func testDepthsOfValues() {
        XCTAssertEqual(JSONDepth.maximum(in: Array("1".utf8)), 0)
        XCTAssertEqual(JSONDepth.maximum(in: Array("{}".utf8)), 1)
        XCTAssertEqual(JSONDepth.maximum(in: Array(#"{"a":[{"b":"[[[{{{"}],"c":"\"]"}"#.utf8)), 3)
        XCTAssertEqual(JSONDepth.maximum(in: Array(#"["aaaaaaaaaaaaaaaa\\",[["aaaaaaaaaa\"[[[[[["]]]"#.utf8)), 3)
    }

    /// Every byte that matters, at every offset of texts longer than a word, among bytes that
    /// look like them once bit 5 is set (`|`, `;`, `=`, control bytes) or do not.
    func testAgreesWithTheByteByByteCountOnRandomTexts() {
        // Mostly plain bytes, so that many words are skipped whole and the rest start anywhere.
        let alphabet = Array(#"[]{}"\\|;=a é🚀"#.utf8) + [0x02, 0x5E, 0x7E] + Array(repeating: 0x61, count: 60)
        var rng = SplitMix(seed: 15)
        for length in 0..<80 {
            for _ in 0..<400 {
                let text = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                let expected = reference(text)
                if JSONDepth.maximum(in: text) != expected {
                    return XCTFail("\(String(decoding: text, as: UTF8.self)): \(expected)")
                }
            }
        }
    }

    /// The word masks mark exactly the bytes that matter: every byte value at every position of
    /// a word, beside every other filler byte value (so a borrow or carry from a neighbour shows).
    func testTheWordMasksMarkExactlyTheBytesThatMatter() {
        for position in 0..<8 {
            let shift = 8 * UInt64(position)
            for filler: UInt64 in [0x00, 0x01, 0x21, 0x22, 0x5B, 0x61, 0x7F, 0x80, 0xFF] {
                for b in 0...255 {
                    let w = UInt64(b) << shift | (filler &* 0x0101_0101_0101_0101 & ~(0xFF << shift))
                    for (mask, isSpecial) in [
                        (JSONDepth.structure(w), { (x: UInt8) in JSONDepth.isStructure(x) }),
                        (JSONDepth.stringEnds(w), { (x: UInt8) in JSONDepth.isStringEnd(x) }),
                    ] {
                        var expected: UInt64 = 0
                        for k in 0..<8 where isSpecial(UInt8(truncatingIfNeeded: w >> (8 * UInt64(k)))) {
                            expected |= 0x80 << (8 * UInt64(k))
                        }
                        if mask != expected { return XCTFail("byte \(b) at \(position) among \(filler)") }
                    }
                }
            }
        }
        XCTAssertEqual((0...255).filter { JSONDepth.isStructure(UInt8($0)) }, [0x22, 0x5B, 0x5D, 0x7B, 0x7D])
        XCTAssertEqual((0...255).filter { JSONDepth.isStringEnd(UInt8($0)) }, [0x22, 0x5C])
    }
}

/// A small deterministic generator for the texts above.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
