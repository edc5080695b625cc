/// How deeply a JSON text nests arrays and objects, found by one pass over its bytes without
/// parsing it (brackets inside strings are skipped). Pure.
public enum JSONDepth {
    /// The deepest nesting in `bytes`: 0 for a scalar, 1 for `[]` or `{}`. Meaningful for valid
    /// JSON; for anything else it is only an estimate.
    public static func maximum(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { maximum(in: $0) }
    }

    /// The same over a buffer (not generic: this runs on every record the store writes).
    public static func maximum(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        var k = 0
        while k < count {
            // A word of eight bytes none of which is a quote, backslash or bracket changes nothing
            // (unless its first byte is escaped): skipped whole. Any other is read byte by byte.
            var end = count
            if k + 8 <= count {
                if !escaped && !mayBeStructural(UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)) {
                    k += 8
                    continue
                }
                end = k + 8
            }
            while k < end {
                let b = base[k]
                k += 1
                if inString {
                    if escaped {
                        escaped = false
                    } else if b == UInt8(ascii: "\\") {
                        escaped = true
                    } else if b == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > deepest { deepest = depth }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
                default: break
                }
            }
        }
        return deepest
    }

    /// Whether any of the eight bytes of `w` may be `"`, `\\`, `[`, `]`, `{` or `}`: never false
    /// for one that is (a few others, such as `|`, answer true too and are looked at one by one).
    @inline(__always) static func mayBeStructural(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Setting bit 5 folds `[` onto `{`, `]` onto `}` and `\\` onto `|`; `"` keeps its value.
        let f = w | (ones &* 0x20)
        let open = f ^ (ones &* 0x7B)
        let close = f ^ (ones &* 0x7D)
        let backslash = f ^ (ones &* 0x7C)
        let quote = f ^ (ones &* 0x22)
        let zero =
            ((open &- ones) & ~open) | ((close &- ones) & ~close) | ((backslash &- ones) & ~backslash)
            | ((quote &- ones) & ~quote)
        return zero & highs != 0
    }
}
